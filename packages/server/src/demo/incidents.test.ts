import { describe, expect, it } from 'vitest';

import { IncidentSchedule, SLOW_DATABASE_FACTOR } from './incidents.js';

const START = Date.UTC(2025, 0, 1);

describe('IncidentSchedule', () => {
  it.each([1, 2, 3, 42, 1234])('starts both kinds within the first 20 s (seed %i)', (seed) => {
    const schedule = new IncidentSchedule(seed, START);
    const early = schedule.startedBefore(START + 20_000);
    expect(early.map((i) => i.kind).sort()).toEqual(['payment-errors', 'slow-database']);
    for (const incident of early) {
      expect(incident.endUnixMs - incident.startUnixMs).toBeGreaterThanOrEqual(5_000);
      // Over before a 30 s run ends, so a short run sees it start and stop.
      expect(incident.endUnixMs).toBeLessThanOrEqual(START + 30_000);
    }
  });

  it('is a function of the seed', () => {
    const a = new IncidentSchedule(5, START).startedBefore(START + 3_600_000);
    const b = new IncidentSchedule(5, START).startedBefore(START + 3_600_000);
    const c = new IncidentSchedule(6, START).startedBefore(START + 3_600_000);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps incidents coming every few minutes, in order', () => {
    const list = new IncidentSchedule(7, START).startedBefore(START + 3_600_000);
    expect(list.length).toBeGreaterThan(6);
    expect(list.length).toBeLessThan(25);
    for (let i = 1; i < list.length; i++) {
      expect(list[i]!.startUnixMs).toBeGreaterThan(list[i - 1]!.startUnixMs);
    }
  });

  it('answers the effect of the incident in progress', () => {
    const schedule = new IncidentSchedule(1, START);
    const slow = schedule.startedBefore(START + 20_000).find((i) => i.kind === 'slow-database')!;
    expect(schedule.postgresLatencyFactor(slow.startUnixMs + 1)).toBe(SLOW_DATABASE_FACTOR);
    expect(schedule.postgresLatencyFactor(slow.startUnixMs - 1)).toBe(1);
    expect(schedule.postgresLatencyFactor(slow.endUnixMs)).toBe(1);
    const burst = schedule.startedBefore(START + 20_000).find((i) => i.kind === 'payment-errors')!;
    expect(schedule.paymentProviderErrorRate(burst.startUnixMs + 1)).toBeGreaterThan(
      10 * schedule.paymentProviderErrorRate(START),
    );
  });
});
