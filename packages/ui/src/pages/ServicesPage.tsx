/** Every service with its request rate, errors, latency percentiles and trends. */
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { api, withParams } from '../api/client';
import type { ServiceSeries, ServiceSummary } from '../api/types';
import { DataTable } from '../components/DataTable';
import { NoDataState } from '../components/EmptyState';
import { Sparkline } from '../components/Sparkline';
import {
  errorRateColumn,
  latencyAndSpanColumns,
  requestRateColumn,
} from '../components/red-columns';
import { ErrorNotice, PageHeader, Panel, ServiceDot, TableSkeleton } from '../components/ui';
import { serviceColor } from '../lib/colors';
import { formatCount } from '../lib/format';
import { rangeParams, useTimeRange } from '../lib/use-time-range';

export function ServicesPage() {
  const range = useTimeRange();
  const params = rangeParams(range);
  const navigate = useNavigate();
  const services = useQuery({
    queryKey: ['services', params],
    queryFn: ({ signal }) =>
      api<{ services: ServiceSummary[] }>(withParams('/api/v1/services', params), { signal }),
    placeholderData: (previous) => previous,
  });
  const names = (services.data?.services ?? []).map((s) => s.name);
  const series = useQueries({
    queries: names.map((name) => ({
      queryKey: ['service-series', name, params],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<ServiceSeries>(
          withParams(`/api/v1/services/${encodeURIComponent(name)}/series`, params),
          { signal },
        ),
      placeholderData: (previous: ServiceSeries | undefined) => previous,
    })),
  });
  const seriesByName = new Map(
    series.flatMap((s) => (s.data ? [[s.data.service, s.data] as const] : [])),
  );

  const columns = useMemo<ColumnDef<ServiceSummary>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Service',
        cell: ({ row }) => (
          <Link
            to="/services/$name"
            params={{ name: row.original.name }}
            className="inline-flex items-center gap-2 font-medium hover:text-accent"
            onClick={(e) => {
              e.stopPropagation();
            }}
          >
            <ServiceDot color={serviceColor(row.original.name)} />
            {row.original.name}
          </Link>
        ),
      },
      requestRateColumn(),
      {
        id: 'trend',
        header: 'Request rate',
        enableSorting: false,
        cell: ({ row }) => (
          <Sparkline
            values={seriesByName.get(row.original.name)?.points.map((p) => p.requestRate) ?? []}
            color={serviceColor(row.original.name)}
          />
        ),
      },
      errorRateColumn(),
      {
        id: 'errorTrend',
        header: 'Errors',
        enableSorting: false,
        cell: ({ row }) => (
          <Sparkline
            values={seriesByName.get(row.original.name)?.points.map((p) => p.requestErrors) ?? []}
            color="var(--danger)"
            width={72}
          />
        ),
      },
      ...latencyAndSpanColumns<ServiceSummary>(),
      {
        accessorKey: 'logCount',
        header: 'Logs',
        meta: { align: 'right' },
        cell: ({ row }) => formatCount(row.original.logCount),
      },
    ],
    [seriesByName],
  );

  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="Services"
        subtitle="Requests are the server and consumer spans a service handles."
      />
      <Panel>
        {services.error ? (
          <ErrorNotice error={services.error} />
        ) : !services.data ? (
          <TableSkeleton />
        ) : services.data.services.length === 0 ? (
          <NoDataState what="services" />
        ) : (
          <DataTable
            testId="services-table"
            data={services.data.services}
            columns={columns}
            initialSort={[{ id: 'requestRate', desc: true }]}
            onRowClick={(row) => {
              void navigate({ to: '/services/$name', params: { name: row.name } });
            }}
          />
        )}
      </Panel>
    </div>
  );
}
