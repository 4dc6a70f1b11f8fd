/**
 * The root of every page: learns whether authentication is on, sends a visitor without a
 * session to log in (or to the first-run setup), and wraps signed-in pages in the shell.
 */
import { useQuery } from '@tanstack/react-query';
import { Outlet, useLocation, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { api, ApiError, setUnauthenticatedHandler } from '../api/client';
import type { AuthStatus, Me } from '../api/types';
import { AUTH_PATHS } from '../router';
import { SessionContext } from '../lib/session';
import { Shell } from './Shell';
import { ErrorNotice, Skeleton } from './ui';

export function AppRoot() {
  const location = useLocation();
  const navigate = useNavigate();
  // From the matched routes (what <Outlet> renders), not the URL, which can run ahead of them.
  const onAuthPage = useRouterState({
    select: (state) => state.matches.some((match) => AUTH_PATHS.includes(match.routeId)),
  });
  const status = useQuery({
    queryKey: ['auth', 'status'],
    queryFn: () => api<AuthStatus>('/api/v1/auth/status'),
    staleTime: Infinity,
  });
  const authEnabled = status.data?.authEnabled === true;
  const me = useQuery({
    queryKey: ['auth', 'me'],
    queryFn: () => api<Me>('/api/v1/auth/me', { quiet401: true }),
    enabled: authEnabled && !status.data?.setupRequired,
    retry: false,
    staleTime: 60_000,
  });

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      if (!AUTH_PATHS.includes(window.location.pathname)) {
        void navigate({
          to: '/login',
          search: { redirect: window.location.pathname + window.location.search },
        });
      }
    });
  }, [navigate]);

  const signedOut = me.error instanceof ApiError && me.error.status === 401;
  // Redirects follow the URL: during a navigation the matches still describe the old page.
  const urlOnAuthPage = AUTH_PATHS.includes(location.pathname);
  useEffect(() => {
    if (!status.data || onAuthPage || urlOnAuthPage) return;
    if (status.data.setupRequired) void navigate({ to: '/setup' });
    else if (signedOut) {
      void navigate({ to: '/login', search: { redirect: location.pathname + location.searchStr } });
    }
  }, [
    status.data,
    signedOut,
    onAuthPage,
    urlOnAuthPage,
    navigate,
    location.pathname,
    location.searchStr,
  ]);

  if (status.error) return <ErrorNotice error={status.error} title="Pharos is not reachable" />;
  if (!status.data) return <LoadingScreen />;
  if (onAuthPage) {
    return (
      <SessionContext.Provider value={{ status: status.data, me: me.data ?? null }}>
        <Outlet />
      </SessionContext.Provider>
    );
  }
  if (authEnabled && !me.data) {
    return me.error && !signedOut ? <ErrorNotice error={me.error} /> : <LoadingScreen />;
  }
  return (
    <SessionContext.Provider value={{ status: status.data, me: me.data ?? null }}>
      <Shell />
    </SessionContext.Provider>
  );
}

function LoadingScreen() {
  return (
    <div className="flex h-full">
      <div className="w-52 border-r border-line bg-panel" />
      <div className="flex-1 space-y-3 p-4">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-40" />
        <Skeleton className="h-64" />
      </div>
    </div>
  );
}
