import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { overloaded, unavailable } from '../errors.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import type { DecodedRequest, DecodeTask } from './decode-request.js';
import type { WriteRequestColumns } from '../metrics/remote-write-columns.js';
import type { DecodeRequestMessage, DecodeResponseMessage } from './decode-worker.js';

export interface DecodePoolOptions {
  /** Worker threads; each decodes one body at a time. */
  workers: number;
  /**
   * Body bytes handed to the pool and not yet decoded, beyond which new requests are refused
   * with 429 (a single request is always taken when the pool is idle).
   */
  maxQueuedBytes: number;
  logger?: Logger;
}

interface Pending {
  bytes: number;
  resolve: (result: DecodedRequest | WriteRequestColumns) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  bytes: number;
  exited: boolean;
}

/**
 * Decoding OTLP bodies off the event loop: the main thread receives, appends and commits while
 * worker threads turn bodies into column batches (the second core's share of the work; on the
 * benchmark's spans, decoding is about half of the CPU per item). A body is copied into a buffer
 * that is transferred to the worker; batches come back by structured clone.
 *
 * The bytes waiting in the pool are bounded like the commit queue: past `maxQueuedBytes` a
 * request is refused with 429 before it is queued. A worker that dies fails its requests with
 * 503 and is replaced by the next request.
 */
export class DecodePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private queuedBytes = 0;
  private closed = false;
  /** Workers replaced after they exited. */
  restarts = 0;

  constructor(private readonly options: DecodePoolOptions) {
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Decodes in a worker; throws `OtlpDecodeError` for a malformed body, like the decoders. */
  decode(task: DecodeTask): Promise<DecodedRequest> {
    const body = new Uint8Array(task.body.byteLength);
    body.set(task.body);
    return this.submit(body, { id: 0, task: { ...task, body } }) as Promise<DecodedRequest>;
  }

  /**
   * Decompresses (snappy block) and decodes a Prometheus remote write body into columns
   * (`metrics/remote-write-columns.ts`) in a worker; a malformed body throws `OtlpDecodeError`
   * with the decoder's message. The caller checks the announced decompressed size first.
   */
  decodeRemoteWrite(compressed: Uint8Array): Promise<WriteRequestColumns> {
    const body = new Uint8Array(compressed.byteLength);
    body.set(compressed);
    return this.submit(body, { id: 0, remoteWrite: body }) as Promise<WriteRequestColumns>;
  }

  private submit(
    body: Uint8Array<ArrayBuffer>,
    message: DecodeRequestMessage,
  ): Promise<DecodedRequest | WriteRequestColumns> {
    if (this.closed) return Promise.reject(new Error('decode pool is closed'));
    const bytes = body.byteLength;
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.options.maxQueuedBytes) {
      return Promise.reject(
        overloaded(
          `decode queue is full (${this.queuedBytes} bytes waiting to be decoded); retry later`,
          1,
        ),
      );
    }
    // A worker that exited is replaced when next needed (never in a loop of its own).
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i]!.exited) {
        this.slots[i] = this.spawn();
        this.restarts++;
      }
    }
    let slot = this.slots[0]!;
    for (const candidate of this.slots) if (candidate.bytes < slot.bytes) slot = candidate;
    const id = this.nextId++;
    message.id = id;
    return new Promise<DecodedRequest | WriteRequestColumns>((resolve, reject) => {
      slot.pending.set(id, { bytes, resolve, reject });
      slot.bytes += bytes;
      this.queuedBytes += bytes;
      slot.worker.postMessage(message, [body.buffer]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const here = import.meta.url;
    // Under the test runner this module is TypeScript source, which a worker can only load after
    // registering tsx (a dev dependency); built code starts the compiled worker directly.
    const worker = here.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./decode-worker.ts', here).href)}); });`,
          { eval: true },
        )
      : new Worker(new URL('./decode-worker.js', here));
    // Idle workers never keep the process alive; pending requests hold their own promises.
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), bytes: 0, exited: false };
    worker.on('message', (response: DecodeResponseMessage) => {
      const pending = slot.pending.get(response.id);
      if (!pending) return;
      this.settle(slot, response.id, pending);
      if (response.ok) pending.resolve('result' in response ? response.result : response.columns);
      else if (response.malformed) pending.reject(new OtlpDecodeError(response.message));
      else pending.reject(new Error(`decode worker failed: ${response.message}`));
    });
    worker.on('error', (error) => {
      this.options.logger?.error({ err: error }, 'decode worker failed');
    });
    worker.once('exit', (code) => {
      const failed = unavailable('the request could not be decoded; retry later', 1);
      failed.cause = new Error(`decode worker exited with code ${code}`);
      for (const [id, pending] of slot.pending) {
        this.settle(slot, id, pending);
        pending.reject(failed);
      }
      slot.exited = true;
      if (!this.closed) this.options.logger?.warn({ code }, 'decode worker exited');
    });
    return slot;
  }

  private settle(slot: Slot, id: number, pending: Pending): void {
    slot.pending.delete(id);
    slot.bytes -= pending.bytes;
    this.queuedBytes -= pending.bytes;
  }
}
