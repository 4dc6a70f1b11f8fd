/** recommendation (Python, gRPC): scores candidates, then fetches them from product-catalog. */
import { callGrpc, GRPC, type GrpcHandler } from '../call-rpc.js';
import { exceptionFor } from '../failures.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import { PRODUCTS } from '../shop-data.js';
import { getProducts } from './product-catalog.js';

/** A data bug: some catalogue entries lack a category and the model code assumes one. */
const BUG_RATE = 0.015;

export function listRecommendations(productId: string | undefined): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    if (productId !== undefined) server.attributes['app.product.id'] = productId;
    const model = rec.start(
      server.instance,
      'app',
      'score candidates',
      'internal',
      startMs + 0.2,
      server,
    );
    let t = model.startMs + sampleLatencyMs(rng, LATENCY.recommendationModel);
    if (rng.chance(BUG_RATE)) {
      const exception = exceptionFor('internal-bug', 'recommendation', 'python');
      rec.fail(model, t, exception);
      rec.end(model, t);
      rec.fail(server, t + 0.1, exception);
      rec.log(server, t + 0.1, 'error', 'Exception calling application: ListRecommendations', {
        ...exceptionAttributes(exception),
      });
      return {
        endMs: t + 0.4,
        code: GRPC.INTERNAL,
        message: `Exception calling application: ${exception.type}: ${exception.message}`,
      };
    }
    const count = 3 + rng.int(3);
    model.attributes['app.recommendation.candidates'] = BigInt(40 + rng.int(80));
    model.attributes['app.recommendation.count'] = BigInt(count);
    rec.end(model, t);
    const ids = Array.from({ length: count }, () => rng.pick(PRODUCTS).id);
    t = callGrpc(ctx, server, t + 0.1, 'product-catalog', 'GetProducts', getProducts(ids)).endMs;
    return { endMs: t + 0.5, code: GRPC.OK };
  };
}
