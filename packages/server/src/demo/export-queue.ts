/**
 * A bounded queue of encoded export requests for one signal, sent one at a time so a slow or
 * retrying server delays only that signal. When the server falls behind, the oldest waiting
 * request is dropped and counted rather than letting memory grow.
 */
import type { OtlpSignal, SendOutcome } from './sender.js';

export interface ExportItems {
  traces: number;
  spans: number;
  logs: number;
  metricPoints: number;
}

export interface ExportJob {
  signal: OtlpSignal;
  payload: Uint8Array;
  items: ExportItems;
}

export interface ExportQueueHooks {
  send: (job: ExportJob) => Promise<SendOutcome>;
  onSent: (job: ExportJob, outcome: SendOutcome) => void;
  onDropped: (job: ExportJob) => void;
}

export class ExportQueue {
  private readonly waiting: ExportJob[] = [];
  private worker: Promise<void> | undefined;

  constructor(
    private readonly hooks: ExportQueueHooks,
    private readonly capacity = 8,
  ) {}

  push(job: ExportJob): void {
    this.waiting.push(job);
    while (this.waiting.length > this.capacity) this.hooks.onDropped(this.waiting.shift()!);
    this.worker ??= this.work();
  }

  /** Resolves once everything queued has been sent, or drops what is left after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    const worker = this.worker;
    if (worker !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([worker, timeout]);
      clearTimeout(timer);
    }
    for (const job of this.waiting.splice(0)) this.hooks.onDropped(job);
  }

  private async work(): Promise<void> {
    let job = this.waiting.shift();
    while (job !== undefined) {
      let outcome: SendOutcome;
      try {
        outcome = await this.hooks.send(job);
      } catch (error) {
        // The sender reports failures as outcomes; anything thrown is a bug, kept visible.
        const message = error instanceof Error ? error.message : String(error);
        outcome = { ok: false, status: 0, attempts: 1, bytes: 0, rejected: 0, message };
      }
      this.hooks.onSent(job, outcome);
      job = this.waiting.shift();
    }
    this.worker = undefined;
  }
}
