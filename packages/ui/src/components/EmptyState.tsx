import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useSession } from '../lib/session';
import { CodeBlock } from './ui';
import { Icon, type IconName } from './Icon';

/** OpenTelemetry SDK settings that send to this Pharos, ready to paste. */
export function otelEnv(apiKey?: string): string {
  // OTLP/HTTP is served on the UI's own port too (and on :4318 by default).
  const endpoint = location.origin;
  const lines = [
    `export OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`,
    'export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    'export OTEL_SERVICE_NAME=my-service',
  ];
  if (apiKey !== undefined)
    lines.push(`export OTEL_EXPORTER_OTLP_HEADERS=x-pharos-api-key=${apiKey}`);
  return lines.join('\n');
}

/** An empty page says exactly how to get data into it. */
export function NoDataState({ what }: { what: string }) {
  const { status } = useSession();
  const auth = status.authEnabled;
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-3 px-6 py-10" data-testid="empty-state">
      <div className="flex items-center gap-2 text-base font-semibold">
        <Icon name="alert" className="text-muted" />
        No {what} in this time range
      </div>
      <p className="text-muted">
        Widen the time range, or point any OpenTelemetry SDK or collector at Pharos with these
        environment variables{auth ? ' (with an ingest API key)' : ''}:
      </p>
      <CodeBlock text={otelEnv(auth ? '<your ingest key>' : undefined)} label="Copy variables" />
      {auth && (
        <p className="text-muted">
          Create a key with the <b>ingest</b> scope on the{' '}
          <Link to="/settings/api-keys" className="text-accent hover:underline">
            API keys
          </Link>{' '}
          page.
        </p>
      )}
      <p className="text-muted">
        Or see Pharos at work with simulated traffic from an online shop:
      </p>
      <CodeBlock
        text={`npx pharos demo --duration 5m${auth ? ' --api-key <your ingest key>' : ''}`}
      />
    </div>
  );
}

export function Empty({ icon = 'search', children }: { icon?: IconName; children: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-10 text-center text-muted">
      <Icon name={icon} size={22} />
      <div>{children}</div>
    </div>
  );
}
