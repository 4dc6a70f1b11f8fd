/** Running totals of a demo run: what the server accepted, and what went wrong. */
import type { ExportItems, ExportJob } from './export-queue.js';
import type { SendOutcome } from './sender.js';

export interface DemoProgress {
  elapsedMs: number;
  /** Items in export requests the server accepted (2xx), partial-success rejections included. */
  traces: number;
  spans: number;
  logs: number;
  metricPoints: number;
  /** Export requests completed (each counted once, however many attempts it took). */
  requests: number;
  /** Export requests that were not accepted after all attempts. */
  failedRequests: number;
  /** Extra attempts made after retryable failures. */
  retries: number;
  /** Export requests dropped unsent because the queue was full or time ran out. */
  droppedRequests: number;
  /** Items the server reported rejected in 2xx partial-success responses. */
  rejectedItems: number;
  /** Gzipped bytes of the accepted requests. */
  bytes: number;
  lastError?: string;
}

const MAX_DISTINCT_ERRORS = 10;

export class DemoStats {
  private readonly accepted: ExportItems = { traces: 0, spans: 0, logs: 0, metricPoints: 0 };
  private requests = 0;
  private failedRequests = 0;
  private retries = 0;
  private droppedRequests = 0;
  private rejectedItems = 0;
  private bytes = 0;
  private lastError: string | undefined;
  private readonly errors = new Map<string, number>();

  recordSent(job: ExportJob, outcome: SendOutcome): void {
    this.requests++;
    this.retries += Math.max(0, outcome.attempts - 1);
    if (outcome.ok) {
      this.accepted.traces += job.items.traces;
      this.accepted.spans += job.items.spans;
      this.accepted.logs += job.items.logs;
      this.accepted.metricPoints += job.items.metricPoints;
      this.bytes += outcome.bytes;
      this.rejectedItems += outcome.rejected;
      if (outcome.rejected > 0)
        this.recordError(`${job.signal}: partial success: ${outcome.message}`);
    } else {
      this.failedRequests++;
      this.recordError(`${job.signal}: ${outcome.message}`);
    }
  }

  recordDropped(): void {
    this.droppedRequests++;
  }

  progress(elapsedMs: number): DemoProgress {
    const progress: DemoProgress = {
      elapsedMs,
      ...this.accepted,
      requests: this.requests,
      failedRequests: this.failedRequests,
      retries: this.retries,
      droppedRequests: this.droppedRequests,
      rejectedItems: this.rejectedItems,
      bytes: this.bytes,
    };
    if (this.lastError !== undefined) progress.lastError = this.lastError;
    return progress;
  }

  /** Distinct error messages with how often each occurred (the first few kinds). */
  errorCounts(): { message: string; count: number }[] {
    return [...this.errors].map(([message, count]) => ({ message, count }));
  }

  private recordError(message: string): void {
    this.lastError = message;
    const count = this.errors.get(message);
    if (count !== undefined) this.errors.set(message, count + 1);
    else if (this.errors.size < MAX_DISTINCT_ERRORS) this.errors.set(message, 1);
  }
}
