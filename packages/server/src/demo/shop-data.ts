/** The shop's catalogue and its visitors: the values requests carry. */
import type { Prng } from './prng.js';

export interface Product {
  id: string;
  name: string;
  category: string;
  priceUsd: number;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'TLS4R7KQ2M', name: 'Trail Running Shoes', category: 'footwear', priceUsd: 129.0 },
  { id: 'HK9D2WQ7PL', name: 'Merino Wool Socks (3 pack)', category: 'footwear', priceUsd: 24.5 },
  { id: 'BP3N8XV1RT', name: 'Ultralight Backpack 28L', category: 'bags', priceUsd: 159.99 },
  { id: 'CM7J5GZ0YE', name: 'Insulated Camping Mug', category: 'kitchen', priceUsd: 19.95 },
  { id: 'TN2F6PB8WU', name: 'Two-Person Tent', category: 'shelter', priceUsd: 349.0 },
  { id: 'SL8Q1HC4VA', name: 'Down Sleeping Bag -5°C', category: 'shelter', priceUsd: 279.0 },
  { id: 'HL5V9MD3KS', name: 'Rechargeable Headlamp', category: 'lighting', priceUsd: 44.9 },
  { id: 'WB1X7RN6QF', name: 'Stainless Water Bottle 1L', category: 'kitchen', priceUsd: 29.0 },
  { id: 'JK6T3LW9ZH', name: 'Rain Shell Jacket', category: 'clothing', priceUsd: 199.0 },
  { id: 'GL4C8YJ2NB', name: 'Trekking Poles (pair)', category: 'accessories', priceUsd: 89.5 },
  { id: 'ST0R5KE7XD', name: 'Camping Stove', category: 'kitchen', priceUsd: 64.0 },
  { id: 'MP9Z2UA6GC', name: 'Topographic Map Set', category: 'accessories', priceUsd: 14.0 },
];

export const SEARCH_TERMS: readonly string[] = [
  'tent',
  'waterproof jacket',
  'headlamp',
  'sleeping bag',
  'socks',
  'stove',
  'backpack 30l',
  'ultralight',
];

const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
];
const USER_AGENT_WEIGHTS: readonly number[] = [34, 14, 24, 18, 4, 6];

export function pickUserAgent(rng: Prng): string {
  return rng.weighted(USER_AGENTS, USER_AGENT_WEIGHTS);
}

/** A visitor's public IPv4 address (documentation and private ranges avoided on purpose). */
export function pickClientAddress(rng: Prng): string {
  return `${rng.pick([81, 84, 92, 109, 176, 185, 188, 212])}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

export function pickUserId(rng: Prng): string {
  return `u-${(100_000 + rng.int(900_000)).toString(36)}`;
}
