/**
 * The one way the UI talks to the server: JSON over fetch, the session cookie, the CSRF header
 * on state changes, the chosen organisation, and the server's error message on failure.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ORG_KEY = 'pharos.org';

export function selectedOrg(): string | null {
  try {
    return localStorage.getItem(ORG_KEY);
  } catch {
    return null;
  }
}

export function selectOrg(org: string | null): void {
  if (org === null) localStorage.removeItem(ORG_KEY);
  else localStorage.setItem(ORG_KEY, org);
}

function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)pharos_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

type Params = Record<string, string | number | boolean | null | undefined>;

export function withParams(path: string, params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return query === '' ? path : `${path}?${query}`;
}

/** Headers every request from the UI carries (also used by EventSource-less fetches). */
export function apiHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const org = selectedOrg();
  if (org !== null) headers['x-pharos-org'] = org;
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken();
    if (csrf !== undefined) headers['x-pharos-csrf'] = csrf;
  }
  return headers;
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh cookie for a new access cookie; one refresh at a time. */
function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: apiHeaders('POST'),
    credentials: 'same-origin',
  })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** Called when the session is gone for good (the shell sends the user to log in). */
let onUnauthenticated: () => void = () => undefined;
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

async function errorOf(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `${response.status} ${response.statusText}`;
  let position: number | undefined;
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; position?: number };
    };
    if (body.error?.message) message = body.error.message;
    if (body.error?.code) code = body.error.code;
    position = body.error?.position;
  } catch {
    // Not JSON (a proxy error page): keep the status line.
  }
  return new ApiError(response.status, code, message, position);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Do not redirect to log-in on 401 (the auth pages themselves). */
  quiet401?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const send = () =>
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...apiHeaders(method),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  let response = await send();
  // An expired access cookie is renewed once from the refresh cookie (not for the sign-in
  // routes themselves, whose 401 means wrong credentials).
  const renewable = !path.startsWith('/api/v1/auth/') || path === '/api/v1/auth/me';
  if (response.status === 401 && renewable && (await refreshSession())) {
    response = await send();
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !options.quiet401) onUnauthenticated();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
