/**
 * Every page and its URL state. Pages are split into their own chunks (lazyRouteComponent);
 * the global time range (`from`, `to`, `refresh`) is kept across navigation.
 */
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  retainSearchParams,
} from '@tanstack/react-router';
import { AppRoot } from './components/AppRoot';
import { globalSearch, str, strList } from './lib/search-params';

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  validateSearch: globalSearch,
  search: { middlewares: [retainSearchParams(['from', 'to', 'refresh'])] },
  component: AppRoot,
});

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: ({ search }) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect idiom
    throw redirect({ to: '/services', search });
  },
});

const servicesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/services',
  component: lazyRouteComponent(() => import('./pages/ServicesPage'), 'ServicesPage'),
});

const serviceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/services/$name',
  component: lazyRouteComponent(() => import('./pages/ServicePage'), 'ServicePage'),
});

export interface TracesSearch {
  q?: string | undefined;
  service?: string | undefined;
  operation?: string | undefined;
  minDuration?: string | undefined;
  maxDuration?: string | undefined;
  status?: string | undefined;
}

const tracesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/traces',
  validateSearch: (s: Record<string, unknown>): TracesSearch => ({
    q: str(s.q),
    service: str(s.service),
    operation: str(s.operation),
    minDuration: str(s.minDuration),
    maxDuration: str(s.maxDuration),
    status: str(s.status),
  }),
  component: lazyRouteComponent(() => import('./pages/TracesPage'), 'TracesPage'),
});

const traceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/traces/$traceId',
  validateSearch: (
    s: Record<string, unknown>,
  ): { span?: string | undefined; tab?: string | undefined } => ({
    span: str(s.span),
    tab: str(s.tab),
  }),
  component: lazyRouteComponent(() => import('./pages/TracePage'), 'TracePage'),
});

const compareRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/compare',
  validateSearch: (
    s: Record<string, unknown>,
  ): { a?: string | undefined; b?: string | undefined } => ({
    a: str(s.a),
    b: str(s.b),
  }),
  component: lazyRouteComponent(() => import('./pages/ComparePage'), 'ComparePage'),
});

const mapRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/map',
  component: lazyRouteComponent(() => import('./pages/ServiceMapPage'), 'ServiceMapPage'),
});

const logsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/logs',
  validateSearch: (
    s: Record<string, unknown>,
  ): { q?: string | undefined; live?: string | undefined } => ({
    q: str(s.q),
    live: str(s.live),
  }),
  component: lazyRouteComponent(() => import('./pages/LogsPage'), 'LogsPage'),
});

const metricsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/explore/metrics',
  validateSearch: (
    s: Record<string, unknown>,
  ): { promql?: string[] | undefined; view?: string | undefined } => ({
    promql: strList(s.promql),
    view: str(s.view),
  }),
  component: lazyRouteComponent(() => import('./pages/MetricsPage'), 'MetricsPage'),
});

const sqlRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sql',
  validateSearch: (s: Record<string, unknown>): { query?: string | undefined } => ({
    query: str(s.query),
  }),
  component: lazyRouteComponent(() => import('./pages/SqlPage'), 'SqlPage'),
});

const membersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/members',
  component: lazyRouteComponent(() => import('./pages/MembersPage'), 'MembersPage'),
});

const apiKeysRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/api-keys',
  component: lazyRouteComponent(() => import('./pages/ApiKeysPage'), 'ApiKeysPage'),
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { redirect?: string | undefined } => ({
    redirect: str(s.redirect),
  }),
  component: lazyRouteComponent(() => import('./pages/auth/LoginPage'), 'LoginPage'),
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  component: lazyRouteComponent(() => import('./pages/auth/SetupPage'), 'SetupPage'),
});

const signupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signup',
  component: lazyRouteComponent(() => import('./pages/auth/SignupPage'), 'SignupPage'),
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite',
  validateSearch: (s: Record<string, unknown>): { token?: string | undefined } => ({
    token: str(s.token),
  }),
  component: lazyRouteComponent(() => import('./pages/auth/InvitePage'), 'InvitePage'),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  servicesRoute,
  serviceRoute,
  tracesRoute,
  traceRoute,
  compareRoute,
  mapRoute,
  logsRoute,
  metricsRoute,
  sqlRoute,
  membersRoute,
  apiKeysRoute,
  loginRoute,
  setupRoute,
  signupRoute,
  inviteRoute,
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

/** Pages shown without the navigation shell and without a session. */
export const AUTH_PATHS = ['/login', '/setup', '/signup', '/invite'];
