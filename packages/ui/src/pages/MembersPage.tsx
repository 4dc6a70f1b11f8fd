/** Members of the organisation with their roles, and invitations. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { Invitation, Member, Role } from '../api/types';
import {
  Badge,
  Button,
  CodeBlock,
  ErrorNotice,
  Input,
  PageHeader,
  Panel,
  Select,
  TableSkeleton,
} from '../components/ui';
import { formatDateTimeShort } from '../lib/format';
import { canAdmin, useSession } from '../lib/session';

const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];

export function MembersPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const admin = canAdmin(session);
  const members = useQuery({
    queryKey: ['members'],
    queryFn: () => api<{ members: Member[] }>('/api/v1/org/members'),
  });
  const invitations = useQuery({
    queryKey: ['invitations'],
    queryFn: () => api<{ invitations: Invitation[] }>('/api/v1/org/invitations'),
    enabled: admin,
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api(`/api/v1/org/members/${encodeURIComponent(userId)}/role`, {
        method: 'PUT',
        body: { role },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      api(`/api/v1/org/members/${encodeURIComponent(userId)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  if (!session.status.authEnabled) {
    return (
      <div className="p-4 text-muted">
        Pharos runs without authentication (--no-auth): there are no members to manage.
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="Members"
        subtitle={`Organisation ${session.me?.currentOrg ?? ''} · viewers read; editors change dashboards and alerts; admins manage members and keys; owners manage owners.`}
      />
      {(changeRole.error ?? remove.error) && (
        <ErrorNotice error={changeRole.error ?? remove.error} />
      )}
      <Panel title="Members">
        {members.error ? (
          <ErrorNotice error={members.error} />
        ) : !members.data ? (
          <TableSkeleton rows={3} />
        ) : (
          <table className="w-full text-[12.5px]" data-testid="members-table">
            <thead className="bg-panel-2 text-left text-[11px] text-muted uppercase">
              <tr className="[&>th]:h-8 [&>th]:px-3">
                <th>Email</th>
                <th>Role</th>
                <th>Member since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {members.data.members.map((m) => (
                <tr key={m.userId} className="border-t border-line [&>td]:h-9 [&>td]:px-3">
                  <td className="font-medium">
                    {m.email} {m.userId === session.me?.user.id && <Badge>you</Badge>}
                  </td>
                  <td>
                    {admin ? (
                      <Select
                        aria-label={`Role of ${m.email}`}
                        value={m.role}
                        className="h-7"
                        onChange={(e) => {
                          changeRole.mutate({ userId: m.userId, role: e.target.value as Role });
                        }}
                      >
                        {ROLES.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </Select>
                    ) : (
                      m.role
                    )}
                  </td>
                  <td className="tabular">{formatDateTimeShort(Date.parse(m.since))}</td>
                  <td className="text-right">
                    {admin && m.userId !== session.me?.user.id && (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-danger"
                        onClick={() => {
                          if (confirm(`Remove ${m.email} from the organisation?`))
                            remove.mutate(m.userId);
                        }}
                      >
                        Remove
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {admin && (
        <Invitations invitations={invitations.data?.invitations} error={invitations.error} />
      )}
    </div>
  );
}

function Invitations({
  invitations,
  error,
}: {
  invitations: Invitation[] | undefined;
  error: unknown;
}) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const invite = useMutation({
    mutationFn: () =>
      api<{ invitation: Invitation; token: string }>('/api/v1/org/invitations', {
        method: 'POST',
        body: { email, role },
      }),
    onSuccess: () => {
      setEmail('');
      return queryClient.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  return (
    <Panel title="Invitations" bodyClassName="flex flex-col gap-3 p-3">
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
      >
        <Input
          type="email"
          required
          placeholder="colleague@example.com"
          aria-label="Email to invite"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
          }}
          className="w-72"
        />
        <Select
          aria-label="Role"
          value={role}
          onChange={(e) => {
            setRole(e.target.value as Role);
          }}
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </Select>
        <Button type="submit" variant="primary" icon="plus" disabled={invite.isPending}>
          Invite
        </Button>
      </form>
      {invite.error && <ErrorNotice error={invite.error} />}
      {invite.data && (
        <div className="flex flex-col gap-1">
          <div className="text-xs text-warn">
            Send this link to {invite.data.invitation.email}. It is shown only now and is valid for
            7 days.
          </div>
          <CodeBlock
            text={`${location.origin}/invite?token=${encodeURIComponent(invite.data.token)}`}
            label="Copy link"
          />
        </div>
      )}
      {error ? <ErrorNotice error={error} /> : null}
      {invitations && invitations.length > 0 && (
        <table className="w-full text-[12.5px]">
          <thead className="text-left text-[11px] text-muted uppercase">
            <tr className="[&>th]:h-7 [&>th]:px-2">
              <th>Email</th>
              <th>Role</th>
              <th>Sent</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((i) => (
              <tr key={i.id} className="border-t border-line [&>td]:h-8 [&>td]:px-2">
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td className="tabular">
                  {i.createdAt ? formatDateTimeShort(Date.parse(i.createdAt)) : '—'}
                </td>
                <td>
                  {i.acceptedAt ? (
                    <Badge color="#10b981">accepted</Badge>
                  ) : i.expiresAt && Date.parse(i.expiresAt) < Date.now() ? (
                    <Badge color="#94a3b8">expired</Badge>
                  ) : (
                    <Badge color="#f59e0b">pending</Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
