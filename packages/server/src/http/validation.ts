import { z } from 'zod';
import { badRequest } from '../errors.js';

/** Validate query parameters or a body with Zod; a failure is a 400 naming every problem. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what = 'query parameters'): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
    throw badRequest(`invalid ${what}: ${problems.join('; ')}`);
  }
  return result.data;
}

export const rangeQuery = z.object({ from: z.string().optional(), to: z.string().optional() });
