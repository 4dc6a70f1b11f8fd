import { createContext, useContext } from 'react';
import type { ResolvedRange } from './time-range';

export interface TimeRangeState extends ResolvedRange {
  /** As written in the URL (`now-1h` or ISO-8601). */
  from: string;
  to: string;
  refreshInterval: string;
  /** Re-resolves a relative range to now and refetches. */
  refresh: () => void;
  setRange: (from: string, to: string) => void;
}

export const TimeRangeContext = createContext<TimeRangeState | null>(null);

export function useTimeRange(): TimeRangeState {
  const state = useContext(TimeRangeContext);
  if (state === null) throw new Error('useTimeRange outside the shell');
  return state;
}

/** The `from` / `to` query parameters for the API: the resolved range in epoch ms. */
export function rangeParams(range: ResolvedRange): { from: number; to: number } {
  return { from: Math.floor(range.fromMs), to: Math.ceil(range.toMs) };
}
