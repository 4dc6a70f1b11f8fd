import type { Rejections } from '../telemetry/batches.js';

/** How many distinct reasons a partial-success answer quotes. */
export const MAX_REJECTION_MESSAGES = 5;

/** Counts the items a decoder drops and keeps the first few distinct reasons. */
export class RejectionCounter {
  count = 0;
  private readonly messages: string[] = [];

  reject(message: string): void {
    this.count++;
    if (this.messages.length < MAX_REJECTION_MESSAGES && !this.messages.includes(message)) {
      this.messages.push(message);
    }
  }

  finish(): Rejections {
    return { count: this.count, messages: this.messages };
  }
}

/** `'GET /x'`, quoted and cut short, to name an item in a rejection message. */
export function quoteName(name: string): string {
  return `'${name.length > 80 ? `${name.slice(0, 80)}…` : name}'`;
}

/**
 * What is wrong with a required id of `length` bytes that must have `size`, or null. (Optional
 * ids are checked by their decoders: empty or all zeros means absent.)
 */
export function requiredIdProblem(
  field: string,
  length: number,
  size: number,
  allZero: boolean,
): string | null {
  if (length !== size) return `${field} must be ${size} bytes, got ${length}`;
  if (allZero) return `${field} must not be all zeros`;
  return null;
}

export function optionalIdProblem(field: string, length: number, size: number): string | null {
  return length === 0 || length === size ? null : `${field} must be ${size} bytes, got ${length}`;
}
