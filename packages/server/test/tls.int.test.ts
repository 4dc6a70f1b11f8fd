import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Metadata, credentials } from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

/** HTTPS from tls.certFile / tls.keyFile, with a self-signed certificate made by openssl. */
let pharos: TestPharos;
let certDir: string;
let ca: Buffer;
const API_KEY = 'tls-test-key-0123456789abcdefghijklmnopqrstuvwxyz';

beforeAll(async () => {
  certDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-tls-'));
  const cert = path.join(certDir, 'cert.pem');
  const key = path.join(certDir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  ca = await fs.readFile(cert);
  pharos = await startTestPharos({
    env: {
      PHAROS_AUTH: 'on',
      PHAROS_TLS_CERT_FILE: cert,
      PHAROS_TLS_KEY_FILE: key,
      PHAROS_ADMIN_EMAIL: 'tls@example.com',
      PHAROS_ADMIN_PASSWORD: 'a tls test password',
      PHAROS_BOOTSTRAP_API_KEY: API_KEY,
    },
  });
});
afterAll(async () => {
  await pharos.destroy();
  await fs.rm(certDir, { recursive: true, force: true });
});

function request(url: string, method: string, body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
    (resolve, reject) => {
      const req = https.request(
        url,
        { method, ca, headers: body ? { 'content-type': 'application/json' } : {} },
        (res) => {
          res.resume();
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

it('serves HTTPS on both listeners, with Secure cookies and HSTS', async () => {
  expect(pharos.httpUrl).toMatch(/^https:/);
  expect(pharos.otlpHttpUrl).toMatch(/^https:/);
  const health = await request(`${pharos.otlpHttpUrl!}/healthz`, 'GET');
  expect(health.status).toBe(200);
  expect(health.headers['strict-transport-security']).toMatch(/max-age=/);
  const login = await request(
    `${pharos.httpUrl}/api/v1/auth/login`,
    'POST',
    JSON.stringify({ email: 'tls@example.com', password: 'a tls test password' }),
  );
  expect(login.status).toBe(200);
  const cookies = login.headers['set-cookie'] as string[];
  expect(cookies).toHaveLength(3);
  for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
});

it('serves OTLP/gRPC over TLS to the real exporter, and refuses plaintext', async () => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${API_KEY}`);
  const exporter = (secure: boolean) =>
    new OTLPTraceExporter({
      url: `${secure ? 'https' : 'http'}://127.0.0.1:${pharos.otlpGrpcPort}`,
      credentials: secure ? credentials.createSsl(ca) : credentials.createInsecure(),
      metadata,
      timeoutMillis: 5_000,
    });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tls-grpc' }),
    spanProcessors: [new SimpleSpanProcessor(exporter(true))],
  });
  provider.getTracer('tls').startSpan('GET /secure', { kind: SpanKind.SERVER }).end();
  await provider.forceFlush();
  await provider.shutdown();

  const plain = exporter(false);
  const refused = await new Promise<ExportResult>((resolve) => {
    plain.export([], resolve);
  });
  await plain.shutdown();
  expect(refused.code).toBe(ExportResultCode.FAILED);

  const services = await new Promise<string>((resolve, reject) => {
    https
      .get(
        `${pharos.httpUrl}/api/v1/services?from=now-1h&to=now%2B5m`,
        { ca, headers: { authorization: `Bearer ${API_KEY}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            resolve(text);
          });
        },
      )
      .on('error', reject);
  });
  expect(services).toContain('tls-grpc');
});
