import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The web UI's built files (`packages/ui/dist`): the installed `@pharos/ui` package, else the
 * sibling workspace folder. Null when the UI has not been built.
 */
export function uiDistDir(): string | null {
  const candidates: string[] = [];
  try {
    const manifest = createRequire(import.meta.url).resolve('@pharos/ui/package.json');
    candidates.push(path.join(path.dirname(manifest), 'dist'));
  } catch {
    // Not installed as a package: fall back to the workspace layout.
  }
  // dist/http/ui-routes.js → packages/server → packages/ui/dist
  candidates.push(path.resolve(import.meta.dirname, '../../../ui/dist'));
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? null;
}

/** Paths that belong to the APIs: never answered with the UI's index.html. */
const API_PATH = /^(?:api|prometheus|v1)(?:\/|$)/;

/** The JSON 404 of the API the path belongs to (Prometheus' envelope under /prometheus). */
function notFound(reply: FastifyReply, url: string) {
  const message = `no route for GET ${url.split('?')[0]}`;
  if (url.startsWith('/prometheus/')) {
    return reply.status(404).send({ status: 'error', errorType: 'not_found', error: message });
  }
  return reply.status(404).send({ error: { code: 'not_found', message } });
}

/**
 * Serves the single-page UI on the main listener: hashed assets under `/assets/` with a year's
 * immutable cache, the few top-level files (favicon, theme script), and `index.html` — never
 * cached, so a new build is picked up at once — for every other GET path (client-side routes).
 * The files are public: the UI itself signs the user in.
 */
export function uiRoutes(distDir: string | null) {
  return async (app: FastifyInstance): Promise<void> => {
    const access = { config: { access: 'public' as const } };
    if (distDir === null) {
      const missing = async (_request: unknown, reply: FastifyReply) =>
        reply.status(404).send({
          error: {
            code: 'ui_not_built',
            message: 'the web UI is not built: run `npm run build` (the JSON API works without it)',
          },
        });
      app.get('/', access, missing);
      app.get('/assets/*', access, missing);
      app.get<{ Params: { '*': string } }>('/*', access, async (request, reply) =>
        API_PATH.test(request.params['*']) ? notFound(reply, request.url) : missing(request, reply),
      );
      return;
    }
    await app.register(fastifyStatic, { root: distDir, serve: false });
    const rootFiles = new Set(
      fs
        .readdirSync(distDir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name !== 'index.html')
        .map((entry) => entry.name),
    );
    const sendIndex = (reply: FastifyReply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });

    app.get('/', access, async (_request, reply) => sendIndex(reply));
    app.get<{ Params: { '*': string } }>('/assets/*', access, async (request, reply) =>
      reply.sendFile(`assets/${request.params['*']}`, { maxAge: '365d', immutable: true }),
    );
    app.get<{ Params: { '*': string } }>('/*', access, async (request, reply) => {
      const rest = request.params['*'];
      if (API_PATH.test(rest)) return notFound(reply, request.url);
      if (rootFiles.has(rest)) {
        return reply.header('cache-control', 'no-cache').sendFile(rest, { cacheControl: false });
      }
      return sendIndex(reply);
    });
  };
}
