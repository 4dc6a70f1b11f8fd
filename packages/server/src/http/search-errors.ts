import type { FastifyReply, FastifyRequest } from 'fastify';
import { SearchSyntaxError } from '../query/search/index.js';
import { handleApiError } from './error-handler.js';

/**
 * The API error handler, with a search syntax error's `position` (zero-based character offset)
 * and `expected` added to the error body. Set it on plugins whose routes take a search `q`.
 */
export function handleSearchAwareError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof SearchSyntaxError) {
    return reply.status(400).send({
      error: {
        code: error.code,
        message: error.message,
        position: error.position,
        expected: error.expected,
      },
    });
  }
  return handleApiError(error, request, reply);
}
