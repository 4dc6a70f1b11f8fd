import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { explainSearch, MAX_SEARCH_LENGTH, parseSearch } from '../../query/search/index.js';
import { handleSearchAwareError } from '../search-errors.js';
import { parseInput } from '../validation.js';

const explainQuery = z.object({ q: z.string().max(MAX_SEARCH_LENGTH).default('') });

/** The search language itself: how a query is read. */
export function searchRoutes() {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(handleSearchAwareError);
    app.get('/search/explain', (request) => {
      const { q } = parseInput(explainQuery, request.query);
      const ast = parseSearch(q);
      return { ast, explanation: explainSearch(ast) };
    });
  };
}
