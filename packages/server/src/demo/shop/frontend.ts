/**
 * frontend (Node.js, server-side rendering): where every trace starts. A visitor's request
 * fetches its data from api-gateway (in parallel where the page needs several things), then
 * renders. API routes used by the browser (add to cart, checkout) pass the status through.
 */
import { callHttp, finishHttpServer, type HttpHandler, type HttpResponse } from '../call-rpc.js';
import type { FlowContext } from '../flow-context.js';
import { exceptionFor } from '../failures.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import {
  pickClientAddress,
  pickUserAgent,
  pickUserId,
  PRODUCTS,
  SEARCH_TERMS,
} from '../shop-data.js';
import type { OpenSpan } from '../trace-recorder.js';
import { gateway } from './api-gateway.js';
import type { OrderLine } from './checkout.js';

export type PageKind = 'home' | 'product' | 'search' | 'add-to-cart' | 'view-cart' | 'checkout';

const PAGES: readonly PageKind[] = [
  'home',
  'product',
  'search',
  'add-to-cart',
  'view-cart',
  'checkout',
];
const PAGE_WEIGHTS: readonly number[] = [20, 34, 11, 15, 12, 8];

/** A rendering bug on product pages (a product without a price). */
const RENDER_BUG_RATE = 0.005;

interface ApiCall {
  route: string;
  path: string;
  method?: string;
  handler: HttpHandler;
}

interface Page {
  method: string;
  route: string;
  path: string;
  /** Data the page needs; the first one decides the page's status. */
  calls: ApiCall[];
  /** Server-rendered page (vs. a JSON API route). */
  render: boolean;
}

/** Simulates one visitor request, the root of a trace. */
export function simulateVisit(ctx: FlowContext, startMs: number): void {
  const { rng, rec } = ctx;
  const page = buildPage(ctx, rng.weighted(PAGES, PAGE_WEIGHTS));
  const instance = ctx.topology.pick('frontend', rng);
  const [urlPath = '', query] = page.path.split('?', 2);
  const root = rec.start(
    instance,
    'http-server',
    `${page.method} ${page.route}`,
    'server',
    startMs,
    undefined,
    {
      'http.request.method': page.method,
      'http.route': page.route,
      'url.path': urlPath,
      'url.scheme': 'https',
      'server.address': 'shop.example.com',
      'server.port': 443n,
      'network.protocol.version': '2',
      'client.address': pickClientAddress(rng),
      'user_agent.original': pickUserAgent(rng),
    },
  );
  if (query !== undefined) root.attributes['url.query'] = query;

  const t = startMs + sampleLatencyMs(rng, LATENCY.frontendApiRoute);
  let status = 200;
  let dataEndMs = t;
  page.calls.forEach((call, index) => {
    const response = callHttp(
      ctx,
      root,
      t,
      { service: 'api-gateway', method: call.method ?? 'GET', route: call.route, path: call.path },
      call.handler,
    );
    dataEndMs = Math.max(dataEndMs, response.endMs);
    if (index === 0) status = response.status;
    else if (response.status >= 500) {
      rec.log(root, response.endMs, 'warn', `optional data unavailable: ${call.route}`, {
        'http.response.status_code': BigInt(response.status),
      });
    }
  });
  const response = page.render
    ? renderPage(ctx, root, dataEndMs, page, status)
    : { endMs: dataEndMs + 0.3, status };
  finishHttpServer(ctx, root, response);
  rec.log(root, response.endMs, response.status >= 500 ? 'error' : 'info', 'request completed', {
    'http.request.method': page.method,
    'http.route': page.route,
    'url.path': urlPath,
    'http.response.status_code': BigInt(response.status),
    'app.response_time_ms': Math.round((response.endMs - startMs) * 10) / 10,
  });
}

function renderPage(
  ctx: FlowContext,
  root: OpenSpan,
  startMs: number,
  page: Page,
  dataStatus: number,
): HttpResponse {
  const { rng, rec } = ctx;
  // A failed data fetch renders the error page; 4xx keep their status (404 page).
  const status = dataStatus >= 500 ? 500 : dataStatus >= 400 ? dataStatus : 200;
  const span = rec.start(
    root.instance,
    'app',
    `render ${page.route}`,
    'internal',
    startMs + 0.1,
    root,
    {
      'app.render.route': page.route,
      'app.render.status': BigInt(status),
    },
  );
  let endMs = span.startMs + sampleLatencyMs(rng, LATENCY.frontendRender);
  if (status === 200 && page.route === '/product/{id}' && rng.chance(RENDER_BUG_RATE)) {
    const exception = exceptionFor('internal-bug', 'frontend', 'nodejs');
    rec.fail(span, endMs, exception);
    rec.end(span, endMs);
    rec.fail(root, endMs + 0.1, exception);
    rec.log(root, endMs + 0.1, 'error', 'Error rendering page', {
      'http.route': page.route,
      ...exceptionAttributes(exception),
    });
    return { endMs: endMs + 0.5, status: 500 };
  }
  rec.end(span, endMs);
  endMs += 0.2;
  return { endMs, status };
}

function buildPage(ctx: FlowContext, kind: PageKind): Page {
  const { rng } = ctx;
  switch (kind) {
    case 'home':
      return {
        method: 'GET',
        route: '/',
        path: '/',
        render: true,
        calls: [
          {
            route: '/api/products',
            path: '/api/products?limit=12',
            handler: gateway.listProducts(),
          },
          {
            route: '/api/recommendations',
            path: '/api/recommendations',
            handler: gateway.recommendations(undefined),
          },
        ],
      };
    case 'product': {
      const product = rng.pick(PRODUCTS);
      return {
        method: 'GET',
        route: '/product/{id}',
        path: `/product/${product.id}`,
        render: true,
        calls: [
          {
            route: '/api/products/{id}',
            path: `/api/products/${product.id}`,
            handler: gateway.product(product.id),
          },
          {
            route: '/api/recommendations',
            path: `/api/recommendations?productId=${product.id}`,
            handler: gateway.recommendations(product.id),
          },
        ],
      };
    }
    case 'search': {
      const term = rng.pick(SEARCH_TERMS);
      const q = encodeURIComponent(term);
      return {
        method: 'GET',
        route: '/search',
        path: `/search?q=${q}`,
        render: true,
        calls: [
          { route: '/api/search', path: `/api/search?q=${q}`, handler: gateway.search(term) },
        ],
      };
    }
    case 'add-to-cart': {
      const product = rng.pick(PRODUCTS);
      const quantity = rng.weighted([1, 2, 3], [80, 15, 5]);
      return {
        method: 'POST',
        route: '/api/cart',
        path: '/api/cart',
        render: false,
        calls: [
          {
            method: 'POST',
            route: '/api/cart/items',
            path: '/api/cart/items',
            handler: gateway.addToCart(pickUserId(rng), product.id, quantity),
          },
        ],
      };
    }
    case 'view-cart':
      return {
        method: 'GET',
        route: '/cart',
        path: '/cart',
        render: true,
        calls: [
          {
            route: '/api/cart',
            path: '/api/cart',
            handler: gateway.viewCart(pickUserId(rng), 1 + rng.int(5)),
          },
        ],
      };
    case 'checkout': {
      const lines: OrderLine[] = Array.from(
        { length: rng.weighted([1, 2, 3, 4], [45, 30, 15, 10]) },
        () => ({
          product: rng.pick(PRODUCTS),
          quantity: rng.weighted([1, 2], [85, 15]),
        }),
      );
      return {
        method: 'POST',
        route: '/api/checkout',
        path: '/api/checkout',
        render: false,
        calls: [
          {
            method: 'POST',
            route: '/api/checkout',
            path: '/api/checkout',
            handler: gateway.checkout(pickUserId(rng), lines),
          },
        ],
      };
    }
  }
}
