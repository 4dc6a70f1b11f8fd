/**
 * OTLP/HTTP protobuf export of one encoded request: gzip, POST, and the retry rules of the
 * OTLP specification (429, 502, 503, 504 and network errors are retryable; `Retry-After` is
 * honoured up to a bound). Never throws: every outcome is returned for counting.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

import { describeErrorBody, readPartialSuccess } from './otlp-response.js';

const gzip = promisify(gzipCallback);

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface SenderOptions {
  /** Base URL; `/v1/traces` etc. are appended. */
  endpoint: string;
  apiKey?: string;
  /** Attempts per export, the first included (default 4). */
  maxAttempts?: number;
  /** Upper bound for one wait between attempts, whatever `Retry-After` says (default 5 s). */
  maxRetryDelayMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Aborting it cancels requests in flight and retry waits (used at shutdown). */
  cancel?: AbortSignal;
}

export interface SendOutcome {
  ok: boolean;
  /** Last HTTP status; 0 when no response arrived. */
  status: number;
  attempts: number;
  /** Gzipped body size. */
  bytes: number;
  /** Items the server rejected although it answered 2xx (OTLP partial success). */
  rejected: number;
  /** Why it failed, or the partial-success message. */
  message: string;
}

export class OtlpHttpSender {
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly maxAttempts: number;
  private readonly maxRetryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly cancel: AbortSignal | undefined;

  constructor(options: SenderOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.headers = {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'gzip',
      'User-Agent': 'pharos-demo',
    };
    if (options.apiKey !== undefined && options.apiKey !== '') {
      this.headers.Authorization = `Bearer ${options.apiKey}`;
      this.headers['x-pharos-api-key'] = options.apiKey;
    }
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.cancel = options.cancel;
  }

  async send(signal: OtlpSignal, payload: Uint8Array): Promise<SendOutcome> {
    const body = await gzip(payload);
    const url = `${this.endpoint}/v1/${signal}`;
    let outcome: SendOutcome = {
      ok: false,
      status: 0,
      attempts: 0,
      bytes: body.length,
      rejected: 0,
      message: '',
    };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (this.cancel?.aborted === true)
        return { ...outcome, message: outcome.message || 'cancelled' };
      outcome = { ...outcome, attempts: attempt };
      let retryAfterMs: number | undefined;
      try {
        const response = await this.fetch(url, {
          method: 'POST',
          headers: this.headers,
          body,
          signal: this.requestSignal(),
        });
        const responseBody = new Uint8Array(await response.arrayBuffer());
        if (response.ok) {
          const partial = readPartialSuccess(responseBody);
          return {
            ...outcome,
            ok: true,
            status: response.status,
            rejected: partial.rejected,
            message: partial.message,
          };
        }
        const contentType = response.headers.get('content-type') ?? '';
        outcome = {
          ...outcome,
          status: response.status,
          message: describeErrorBody(response.status, contentType, responseBody),
        };
        if (!RETRYABLE_STATUSES.has(response.status)) return outcome;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      } catch (error) {
        outcome = { ...outcome, status: 0, message: networkMessage(error) };
      }
      if (attempt < this.maxAttempts) {
        const backoffMs = 250 * 2 ** (attempt - 1);
        await sleep(Math.min(this.maxRetryDelayMs, retryAfterMs ?? backoffMs), this.cancel);
      }
    }
    return outcome;
  }

  private requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return this.cancel === undefined ? timeout : AbortSignal.any([timeout, this.cancel]);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    // undici reports the reason (ECONNREFUSED, ...) as the cause of a generic "fetch failed".
    const cause: unknown = error.cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    if (error.name === 'TimeoutError') return 'request timed out';
    if (error.name === 'AbortError') return 'cancelled';
    return `${error.message}${detail}`;
  }
  return String(error);
}
