import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configPaths, envNameOf, loadConfig } from './config.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-config-'));
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({ env: {}, cwd: tempDir() });
    expect(config.httpPort).toBe(4400);
    expect(config.otlp).toEqual({ httpPort: 4318, grpcPort: 4317 });
    expect(config.dataDir).toBe('./pharos-data');
    expect(config.storage.retentionDays).toBe(30);
  });

  it('layers file < environment < flags', () => {
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, 'pharos.yaml'),
      'httpPort: 5000\notlp:\n  httpPort: 5001\nstorage:\n  retentionDays: 7\n',
    );
    const config = loadConfig({
      cwd,
      env: { PHAROS_OTLP_HTTP_PORT: '6001', PHAROS_STORAGE_RETENTION_DAYS: '' },
      flags: { httpPort: 7000 },
    });
    expect(config.httpPort).toBe(7000);
    expect(config.otlp.httpPort).toBe(6001);
    expect(config.storage.retentionDays).toBe(7);
  });

  it('lists every problem, naming where each value came from', () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'custom.yaml');
    fs.writeFileSync(file, 'httpPort: 70000\nbogus: 1\n');
    const problems = problemsOf(() =>
      loadConfig({
        cwd,
        configFile: file,
        env: { PHAROS_OTLP_GRPC_PORT: 'abc', PHAROS_TYPO: '1', PHAROS_LOG_LEVEL: 'loud' },
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/httpPort: .*65535.*custom\.yaml/);
    expect(problems.join('\n')).toMatch(/unrecognized.*bogus/i);
    expect(problems.join('\n')).toMatch(/otlp\.grpcPort: .*PHAROS_OTLP_GRPC_PORT/);
    expect(problems.join('\n')).toMatch(/PHAROS_TYPO: not a Pharos setting/);
    expect(problems.join('\n')).toMatch(/logLevel: .*PHAROS_LOG_LEVEL/);
  });

  it('splits roles only over ClickHouse, and reads limits', () => {
    const problems = problemsOf(() =>
      loadConfig({ cwd: tempDir(), env: { PHAROS_ROLE: 'ingest' } }),
    );
    expect(problems.join('\n')).toMatch(/role: .*set clickhouse\.url.*PHAROS_ROLE/);
    expect(
      problemsOf(() => loadConfig({ cwd: tempDir(), env: { PHAROS_ROLE: 'reader' } })).join('\n'),
    ).toMatch(/role: /);
    const config = loadConfig({
      cwd: tempDir(),
      env: {
        PHAROS_ROLE: 'query',
        PHAROS_CLICKHOUSE_URL: 'http://ch:8123',
        PHAROS_LIMITS_INGEST_ITEMS_PER_SECOND: '5000',
      },
    });
    expect(config.role).toBe('query');
    expect(config.limits).toEqual({
      ingestItemsPerSecond: 5000,
      ingestBurstItems: 0,
      dailyIngestItems: 0,
      queryRequestsPerSecond: 0,
    });
  });

  it('reports unreadable and malformed files', () => {
    const cwd = tempDir();
    expect(problemsOf(() => loadConfig({ cwd, configFile: 'missing.yaml', env: {} }))[0]).toMatch(
      /missing\.yaml: cannot read/,
    );
    fs.writeFileSync(path.join(cwd, 'pharos.yaml'), 'a: [1\n');
    expect(problemsOf(() => loadConfig({ cwd, env: {} }))[0]).toMatch(/invalid YAML/);
  });

  it('derives one environment variable per setting', () => {
    expect(envNameOf('storage.retentionDays')).toBe('PHAROS_STORAGE_RETENTION_DAYS');
    expect(envNameOf('otlp.httpPort')).toBe('PHAROS_OTLP_HTTP_PORT');
    expect(configPaths()).toContain('ingest.maxDecompressedBytes');
  });
});
