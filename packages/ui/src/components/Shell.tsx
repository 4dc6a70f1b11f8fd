/** Navigation, the global time range, theme and keyboard shortcuts around every page. */
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useSearch } from '@tanstack/react-router';
import { DropdownMenu } from 'radix-ui';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, selectOrg } from '../api/client';
import { canAdmin, useSession } from '../lib/session';
import { DEFAULT_FROM, DEFAULT_TO, REFRESH_INTERVALS, resolveRange } from '../lib/time-range';
import { TimeRangeContext, type TimeRangeState } from '../lib/use-time-range';
import { Icon, type IconName } from './Icon';
import { TimePicker } from './TimePicker';
import { Button, cx, Select } from './ui';

const NAV: { to: string; label: string; icon: IconName }[] = [
  { to: '/services', label: 'Services', icon: 'services' },
  { to: '/traces', label: 'Traces', icon: 'traces' },
  { to: '/logs', label: 'Logs', icon: 'logs' },
  { to: '/explore/metrics', label: 'Metrics', icon: 'metrics' },
  { to: '/map', label: 'Service map', icon: 'map' },
  { to: '/sql', label: 'SQL', icon: 'sql' },
];

function useTheme(): [boolean, () => void] {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'));
  const toggle = useCallback(() => {
    setDark((was) => {
      const next = !was;
      document.documentElement.classList.toggle('dark', next);
      localStorage.setItem('pharos.theme', next ? 'dark' : 'light');
      window.dispatchEvent(new Event('pharos-theme'));
      return next;
    });
  }, []);
  return [dark, toggle];
}

/** True when a key press belongs to a text field, not to a shortcut. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function Shell() {
  const search = useSearch({ strict: false });
  const navigate = useNavigate();
  const from = search.from ?? DEFAULT_FROM;
  const to = search.to ?? DEFAULT_TO;
  const refreshInterval = search.refresh ?? '';
  const [tick, setTick] = useState(0);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [dark, toggleTheme] = useTheme();
  const queryClient = useQueryClient();

  // `tick` changes on refresh: a relative range is resolved against a new "now".
  const resolved = useMemo(() => resolveRange(from, to), [from, to, tick]);
  const setRange = useCallback(
    (nextFrom: string, nextTo: string) => {
      void navigate({ to: '.', search: (prev) => ({ ...prev, from: nextFrom, to: nextTo }) });
    },
    [navigate],
  );
  const refresh = useCallback(() => {
    setTick((t) => t + 1);
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
  }, [queryClient]);

  useEffect(() => {
    const ms = REFRESH_INTERVALS.find((r) => r.value === refreshInterval)?.ms ?? 0;
    if (ms === 0) return;
    const timer = setInterval(() => {
      setTick((t) => t + 1);
    }, ms);
    return () => {
      clearInterval(timer);
    };
  }, [refreshInterval]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || typing(event.target)) return;
      if (event.key === '/') {
        const input =
          document.querySelector<HTMLElement>('[data-search-input] .cm-content') ??
          document.querySelector<HTMLElement>('input[data-search-input]');
        if (input) {
          event.preventDefault();
          input.focus();
        }
      } else if (event.key === 't') {
        event.preventDefault();
        setPickerOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const timeRange: TimeRangeState = useMemo(
    () => ({ ...resolved, from, to, refreshInterval, refresh, setRange }),
    [resolved, from, to, refreshInterval, refresh, setRange],
  );

  return (
    <TimeRangeContext.Provider value={timeRange}>
      <div className="flex h-full">
        <Sidebar />
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-12 shrink-0 items-center justify-end gap-2 border-b border-line bg-panel px-3">
            <TimePicker open={pickerOpen} onOpenChange={setPickerOpen} />
            <Button icon="refresh" aria-label="Refresh" onClick={refresh} />
            <Select
              aria-label="Auto-refresh"
              value={refreshInterval}
              onChange={(event) => {
                void navigate({
                  to: '.',
                  search: (prev) => ({ ...prev, refresh: event.target.value || undefined }),
                });
              }}
            >
              {REFRESH_INTERVALS.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.value === '' ? 'Auto-refresh off' : `Every ${r.label}`}
                </option>
              ))}
            </Select>
            <Button
              variant="ghost"
              icon={dark ? 'sun' : 'moon'}
              aria-label={dark ? 'Light theme' : 'Dark theme'}
              title={dark ? 'Light theme' : 'Dark theme'}
              onClick={toggleTheme}
            />
          </header>
          <main className="min-h-0 flex-1 overflow-auto">
            <Outlet />
          </main>
        </div>
      </div>
    </TimeRangeContext.Provider>
  );
}

function Sidebar() {
  const session = useSession();
  return (
    <nav aria-label="Main" className="flex w-52 shrink-0 flex-col border-r border-line bg-panel">
      <div className="flex h-12 items-center gap-2 border-b border-line px-4">
        <img src="/favicon.svg" alt="" className="size-6" />
        <span className="text-[15px] font-semibold tracking-tight">Pharos</span>
      </div>
      <div className="flex flex-col gap-0.5 p-2">
        {NAV.map((item) => (
          <NavLink key={item.to} {...item} />
        ))}
      </div>
      <div className="mt-auto flex flex-col gap-0.5 border-t border-line p-2">
        {canAdmin(session) && session.status.authEnabled && (
          <>
            <NavLink to="/settings/members" label="Members" icon="users" />
            <NavLink to="/settings/api-keys" label="API keys" icon="key" />
          </>
        )}
        {!session.status.authEnabled && (
          <NavLink to="/settings/api-keys" label="Send data" icon="key" />
        )}
        <Account />
      </div>
    </nav>
  );
}

function NavLink({ to, label, icon }: { to: string; label: string; icon: IconName }) {
  return (
    <Link
      to={to}
      className="flex h-8 items-center gap-2.5 rounded-md px-2.5 text-[13px] text-muted hover:bg-hover hover:text-fg"
      activeProps={{ className: 'bg-accent-soft !text-accent font-medium' }}
      activeOptions={{ includeSearch: false }}
    >
      <Icon name={icon} />
      {label}
    </Link>
  );
}

function Account() {
  const { status, me } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  if (!status.authEnabled) {
    return (
      <div className="px-2.5 py-2 text-[11px] text-muted" title="Started with --no-auth">
        Authentication off · org <b>default</b>
      </div>
    );
  }
  if (!me) return null;
  const current = me.orgs.find((o) => o.org === me.currentOrg);
  const switchTo = (org: string) => {
    selectOrg(org);
    void queryClient.resetQueries();
  };
  const logout = async () => {
    await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    queryClient.clear();
    void navigate({ to: '/login' });
  };
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="mt-1 flex w-full items-center gap-2 rounded-md px-2.5 py-1.5 text-left hover:bg-hover"
          data-testid="account-menu"
        >
          <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent uppercase">
            {me.user.email.slice(0, 1)}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-xs font-medium">
              {current?.name ?? me.currentOrg ?? 'No organisation'}
            </span>
            <span className="block truncate text-[11px] text-muted">
              {me.user.email} · {me.role}
            </span>
          </span>
          <Icon name="chevronDown" size={14} className="text-muted" />
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          side="top"
          align="start"
          sideOffset={4}
          className="z-50 min-w-52 rounded-md border border-line bg-panel p-1 shadow-lg"
        >
          <DropdownMenu.Label className="px-2 py-1 text-[11px] font-semibold text-muted uppercase">
            Organisations
          </DropdownMenu.Label>
          {me.orgs.map((o) => (
            <DropdownMenu.Item
              key={o.org}
              onSelect={() => {
                switchTo(o.org);
              }}
              className={cx(
                'flex cursor-pointer items-center justify-between gap-3 rounded px-2 py-1.5 text-[13px] outline-none data-[highlighted]:bg-hover',
                o.org === me.currentOrg && 'font-semibold',
              )}
            >
              <span>{o.name}</span>
              <span className="text-[11px] text-muted">{o.role}</span>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-line" />
          <DropdownMenu.Item
            onSelect={() => {
              void logout();
            }}
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-[13px] outline-none data-[highlighted]:bg-hover"
          >
            <Icon name="logout" size={14} /> Log out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
