/** Table columns shared by every RED table (services, a service's operations). */
import type { ColumnDef } from '@tanstack/react-table';
import type { RedFigures } from '../api/types';
import { formatCount, formatDurationNs, formatPercent, formatRate } from '../lib/format';

/** Requests per second. */
export function requestRateColumn<T extends RedFigures>(): ColumnDef<T> {
  return {
    accessorKey: 'requestRate',
    header: 'Requests',
    meta: { align: 'right' },
    cell: ({ row }) => formatRate(row.original.requestRate),
  };
}

/** The error rate, in red above 1 %. */
export function errorRateColumn<T extends RedFigures>(): ColumnDef<T> {
  return {
    accessorKey: 'errorRate',
    header: 'Error rate',
    meta: { align: 'right' },
    sortUndefined: 'last',
    cell: ({ row }) => (
      <span
        className={
          row.original.errorRate && row.original.errorRate > 0.01
            ? 'font-medium text-danger'
            : undefined
        }
      >
        {formatPercent(row.original.errorRate)}
      </span>
    ),
  };
}

/** p50, p95 and p99 latency, then the span count. */
export function latencyAndSpanColumns<T extends RedFigures>(): ColumnDef<T>[] {
  const percentile = (key: 'p50Ns' | 'p95Ns' | 'p99Ns', header: string): ColumnDef<T> => ({
    accessorKey: key,
    header,
    meta: { align: 'right' },
    cell: ({ row }) => formatDurationNs(row.original[key]),
  });
  return [
    percentile('p50Ns', 'p50'),
    percentile('p95Ns', 'p95'),
    percentile('p99Ns', 'p99'),
    {
      accessorKey: 'spanCount',
      header: 'Spans',
      meta: { align: 'right' },
      cell: ({ row }) => formatCount(row.original.spanCount),
    },
  ];
}
