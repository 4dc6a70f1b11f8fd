import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** Fastify's own client errors (bad JSON, body too large, unknown media type) as AppErrors. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : status === 404
            ? 'not_found'
            : 'invalid_argument';
    return new AppError(code, status, fastifyError.message ?? 'bad request', { cause: error });
  }
  return new AppError('internal', 500, 'internal error', { cause: error, expose: false });
}

/** The one place API errors are answered: `{ "error": { "code", "message" } }`. */
export function handleApiError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  if (appError.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(appError.retryAfterSeconds));
  }
  const message = appError.expose ? appError.message : 'internal error';
  return reply.status(appError.status).send({ error: { code: appError.code, message } });
}
