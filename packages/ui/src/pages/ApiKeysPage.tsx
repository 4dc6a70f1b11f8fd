/** API keys of the organisation: create (the key is shown once, with OTel settings), revoke. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { useState } from 'react';
import { api } from '../api/client';
import type { ApiKey, Scope } from '../api/types';
import { otelEnv } from '../components/EmptyState';
import {
  Badge,
  Button,
  CodeBlock,
  ErrorNotice,
  Input,
  PageHeader,
  Panel,
  TableSkeleton,
} from '../components/ui';
import { formatDateTimeShort } from '../lib/format';
import { canAdmin, useSession } from '../lib/session';

const SCOPES: { scope: Scope; what: string }[] = [
  { scope: 'ingest', what: 'send telemetry (OTLP)' },
  { scope: 'read', what: 'query the API, Grafana' },
  { scope: 'admin', what: 'manage the organisation' },
];

export function ApiKeysPage() {
  const session = useSession();
  if (!session.status.authEnabled) {
    return (
      <div className="flex max-w-3xl flex-col gap-3 p-4">
        <PageHeader
          title="Send data"
          subtitle="Pharos runs without authentication (--no-auth): no API key is needed."
        />
        <Panel title="OpenTelemetry SDK settings" bodyClassName="p-3">
          <CodeBlock text={otelEnv()} label="Copy variables" />
        </Panel>
      </div>
    );
  }
  if (!canAdmin(session))
    return <ErrorNotice error="Only admins and owners manage API keys." title="Not allowed" />;
  return <ApiKeys />;
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => api<{ apiKeys: ApiKey[] }>('/api/v1/org/api-keys'),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      api(`/api/v1/org/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const list = keys.data?.apiKeys ?? [];
  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="API keys"
        subtitle="Keys authenticate OpenTelemetry exporters, scripts and Grafana. A key is shown once, when it is created."
        actions={<CreateKeyDialog />}
      />
      {revoke.error && <ErrorNotice error={revoke.error} />}
      <Panel>
        {keys.error ? (
          <ErrorNotice error={keys.error} />
        ) : !keys.data ? (
          <TableSkeleton rows={4} />
        ) : list.length === 0 ? (
          <div className="p-6 text-center text-muted">
            No API keys yet. Create one with the ingest scope to send telemetry.
          </div>
        ) : (
          <table className="w-full text-[12.5px]" data-testid="api-keys-table">
            <thead className="bg-panel-2 text-left text-[11px] text-muted uppercase">
              <tr className="[&>th]:h-8 [&>th]:px-3">
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((k) => (
                <tr key={k.id} className="border-t border-line [&>td]:h-9 [&>td]:px-3">
                  <td className="font-medium">{k.name}</td>
                  <td className="font-mono text-muted">{k.prefix}…</td>
                  <td className="space-x-1">
                    {k.scopes.map((s) => (
                      <Badge
                        key={s}
                        color={s === 'admin' ? '#ef4444' : s === 'ingest' ? '#10b981' : '#3b82f6'}
                      >
                        {s}
                      </Badge>
                    ))}
                  </td>
                  <td className="tabular">{formatDateTimeShort(Date.parse(k.createdAt))}</td>
                  <td className="tabular">
                    {k.lastUsedAt ? formatDateTimeShort(Date.parse(k.lastUsedAt)) : 'never'}
                  </td>
                  <td className="tabular">
                    {k.expiresAt ? formatDateTimeShort(Date.parse(k.expiresAt)) : 'never'}
                  </td>
                  <td className="text-right">
                    {k.revokedAt ? (
                      <Badge color="#94a3b8">revoked</Badge>
                    ) : (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-danger"
                        onClick={() => {
                          if (confirm(`Revoke the key “${k.name}”? It stops working at once.`))
                            revoke.mutate(k.id);
                        }}
                      >
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

function CreateKeyDialog() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['ingest']);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<{ apiKey: ApiKey; key: string }>('/api/v1/org/api-keys', {
        method: 'POST',
        body: { name, scopes, ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}) },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      create.reset();
      setName('');
      setScopes(['ingest']);
      setExpires('');
    }
  };
  return (
    <Dialog.Root open={open} onOpenChange={close}>
      <Dialog.Trigger asChild>
        <Button variant="primary" icon="plus">
          Create API key
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          className="fixed top-1/2 left-1/2 z-50 w-[680px] max-w-[95vw] -translate-x-1/2 -translate-y-1/2 rounded-xl border border-line bg-panel p-5 shadow-2xl"
          data-testid="create-key-dialog"
        >
          <Dialog.Title className="text-base font-semibold">
            {create.data ? 'Your new API key' : 'Create an API key'}
          </Dialog.Title>
          {create.data ? (
            <div className="mt-3 flex flex-col gap-3">
              <Dialog.Description className="text-warn">
                Copy the key now: it is shown only once and cannot be recovered.
              </Dialog.Description>
              <CodeBlock text={create.data.key} label="Copy key" />
              <div className="text-xs font-semibold text-muted uppercase">
                OpenTelemetry SDK settings
              </div>
              <CodeBlock text={otelEnv(create.data.key)} label="Copy variables" />
              <div className="flex justify-end">
                <Button
                  variant="primary"
                  onClick={() => {
                    close(false);
                  }}
                >
                  Done
                </Button>
              </div>
            </div>
          ) : (
            <form
              className="mt-3 flex flex-col gap-3"
              onSubmit={(e) => {
                e.preventDefault();
                create.mutate();
              }}
            >
              <Dialog.Description className="text-muted">
                Name the key after what uses it.
              </Dialog.Description>
              <label className="flex flex-col gap-1">
                <span className="text-xs font-medium">Name</span>
                <Input
                  value={name}
                  onChange={(e) => {
                    setName(e.target.value);
                  }}
                  required
                  placeholder="checkout-service production"
                  autoFocus
                />
              </label>
              <fieldset className="flex flex-col gap-1">
                <legend className="mb-1 text-xs font-medium">Scopes</legend>
                {SCOPES.map(({ scope, what }) => (
                  <label key={scope} className="flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={scopes.includes(scope)}
                      onChange={(e) => {
                        setScopes((was) =>
                          e.target.checked ? [...was, scope] : was.filter((s) => s !== scope),
                        );
                      }}
                    />
                    <span className="font-mono">{scope}</span>
                    <span className="text-muted">— {what}</span>
                  </label>
                ))}
              </fieldset>
              <label className="flex flex-col gap-1">
                <span className="text-xs font-medium">Expires (optional)</span>
                <Input
                  type="date"
                  value={expires}
                  onChange={(e) => {
                    setExpires(e.target.value);
                  }}
                />
              </label>
              {create.error && <ErrorNotice error={create.error} />}
              <div className="flex justify-end gap-2">
                <Dialog.Close asChild>
                  <Button>Cancel</Button>
                </Dialog.Close>
                <Button
                  type="submit"
                  variant="primary"
                  disabled={create.isPending || scopes.length === 0 || name.trim() === ''}
                >
                  Create key
                </Button>
              </div>
            </form>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
