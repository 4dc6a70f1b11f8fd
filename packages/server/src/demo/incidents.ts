/**
 * Incidents: periods in which a dependency misbehaves. The schedule is derived from the seed
 * alone. The first of each kind starts within the first 20 s, so even a short run shows both;
 * later ones follow every few minutes.
 */
import { createPrng, type Prng } from './prng.js';

export type IncidentKind = 'slow-database' | 'payment-errors';

export interface Incident {
  kind: IncidentKind;
  startUnixMs: number;
  endUnixMs: number;
  description: string;
}

/** PostgreSQL latency multiplier during a slow-database incident. */
export const SLOW_DATABASE_FACTOR = 10;
/** Share of payment-provider calls that fail during a payment-errors incident, and otherwise. */
export const PAYMENT_ERROR_RATE_INCIDENT = 0.6;
export const PAYMENT_ERROR_RATE_NORMAL = 0.02;

const MAX_DURATION_MS = 150_000;

const DESCRIPTIONS: Readonly<Record<IncidentKind, string>> = {
  'slow-database': `PostgreSQL latency x${SLOW_DATABASE_FACTOR} (vacuum and I/O saturation on postgres-primary)`,
  'payment-errors': `payment provider failing ${Math.round(PAYMENT_ERROR_RATE_INCIDENT * 100)}% of charges (HTTP 503)`,
};

export class IncidentSchedule {
  private readonly rng: Prng;
  private readonly planned: Incident[] = [];
  private nextStartMs: number;

  constructor(seed: number, startUnixMs: number) {
    this.rng = createPrng(seed).fork('incidents');
    const first = this.rng.uniform(4_000, 9_000);
    this.push('slow-database', startUnixMs + first, this.rng.uniform(8_000, 13_000));
    const second = this.rng.uniform(14_000, 19_000);
    this.push('payment-errors', startUnixMs + second, this.rng.uniform(6_000, 9_000));
    this.nextStartMs = startUnixMs + 60_000 + this.rng.uniform(60_000, 180_000);
  }

  /** Incidents that have started before `unixMs`, in start order. */
  startedBefore(unixMs: number): Incident[] {
    this.planUntil(unixMs);
    return this.planned.filter((incident) => incident.startUnixMs < unixMs);
  }

  isActive(kind: IncidentKind, unixMs: number): boolean {
    this.planUntil(unixMs);
    for (let i = this.planned.length - 1; i >= 0; i--) {
      const incident = this.planned[i]!;
      if (incident.startUnixMs + MAX_DURATION_MS < unixMs) break;
      if (incident.kind === kind && incident.startUnixMs <= unixMs && unixMs < incident.endUnixMs) {
        return true;
      }
    }
    return false;
  }

  postgresLatencyFactor(unixMs: number): number {
    return this.isActive('slow-database', unixMs) ? SLOW_DATABASE_FACTOR : 1;
  }

  paymentProviderErrorRate(unixMs: number): number {
    return this.isActive('payment-errors', unixMs)
      ? PAYMENT_ERROR_RATE_INCIDENT
      : PAYMENT_ERROR_RATE_NORMAL;
  }

  private planUntil(unixMs: number): void {
    while (this.nextStartMs <= unixMs + MAX_DURATION_MS) {
      const kind = this.rng.pick<IncidentKind>(['slow-database', 'payment-errors']);
      const durationMs = this.rng.uniform(45_000, MAX_DURATION_MS);
      this.push(kind, this.nextStartMs, durationMs);
      this.nextStartMs += durationMs + this.rng.uniform(180_000, 480_000);
    }
  }

  private push(kind: IncidentKind, startUnixMs: number, durationMs: number): void {
    this.planned.push({
      kind,
      startUnixMs: Math.round(startUnixMs),
      endUnixMs: Math.round(startUnixMs + durationMs),
      description: DESCRIPTIONS[kind],
    });
  }
}
