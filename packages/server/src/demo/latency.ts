/**
 * Latency models: each operation's duration is log-normal around a median, with a rare extra
 * slowdown (GC pause, lock wait, retransmit) that gives the long tail real services show.
 */
import type { Prng } from './prng.js';

export interface LatencyModel {
  medianMs: number;
  /** Sigma of the underlying normal: 0.3 is tight, 0.8 is very spread out. */
  sigma: number;
}

/** Probability that one operation hits a stall, and how much longer it then takes. */
const STALL_PROBABILITY = 0.004;
const STALL_FACTOR_MIN = 4;
const STALL_FACTOR_MAX = 25;

export function sampleLatencyMs(rng: Prng, model: LatencyModel, multiplier = 1): number {
  let ms = rng.logNormal(model.medianMs, model.sigma) * multiplier;
  if (rng.chance(STALL_PROBABILITY)) ms *= rng.uniform(STALL_FACTOR_MIN, STALL_FACTOR_MAX);
  return ms;
}

/** One-way network delay inside the cluster (pod to pod, pod to database). */
export function networkDelayMs(rng: Prng): number {
  return rng.logNormal(0.25, 0.4);
}

/** One-way delay to the internet (TLS already established by the connection pool). */
export function internetDelayMs(rng: Prng): number {
  return rng.logNormal(9, 0.3);
}

const lat = (medianMs: number, sigma: number): LatencyModel => ({ medianMs, sigma });

/** Self time of each simulated operation, by name. */
export const LATENCY = {
  frontendRender: lat(9, 0.5),
  frontendApiRoute: lat(1.2, 0.4),
  gatewayAuth: lat(0.35, 0.3),
  gatewayRouting: lat(0.4, 0.3),
  catalogHandler: lat(0.6, 0.4),
  recommendationModel: lat(6, 0.5),
  cartHandler: lat(0.8, 0.4),
  checkoutHandler: lat(1.5, 0.4),
  checkoutTotals: lat(0.8, 0.5),
  paymentValidate: lat(1.1, 0.4),
  inventoryHandler: lat(0.7, 0.4),
  fulfillmentHandler: lat(2, 0.5),
  emailRender: lat(4, 0.5),
  redisCommand: lat(0.35, 0.45),
  pgPointSelect: lat(1.4, 0.5),
  pgListSelect: lat(4.5, 0.55),
  pgSearch: lat(28, 0.7),
  pgWrite: lat(3.2, 0.55),
  kafkaSend: lat(2.5, 0.5),
  kafkaQueueDelay: lat(35, 0.9),
  paymentProviderCharge: lat(190, 0.45),
  mailProviderSend: lat(120, 0.5),
} as const satisfies Record<string, LatencyModel>;
