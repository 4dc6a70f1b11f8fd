/**
 * One error family for everything the API answers. Routes throw; one handler turns an AppError
 * into `{ "error": { "code", "message" } }` with its status. Errors that are not AppErrors are
 * bugs: logged in full, answered as a bare 500 without internals.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Whether `message` may be shown to the client. */
  readonly expose: boolean;
  /** Seconds, for 429 / 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { expose?: boolean; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const badRequest = (message: string, cause?: unknown) =>
  new AppError('invalid_argument', 400, message, { cause });

export const notFound = (message: string) => new AppError('not_found', 404, message);

export const payloadTooLarge = (message: string) => new AppError('payload_too_large', 413, message);

export const unsupportedMediaType = (message: string) =>
  new AppError('unsupported_media_type', 415, message);

export const overloaded = (message: string, retryAfterSeconds: number) =>
  new AppError('resource_exhausted', 429, message, { retryAfterSeconds });

export const unavailable = (message: string, retryAfterSeconds: number) =>
  new AppError('unavailable', 503, message, { retryAfterSeconds, expose: true });
