/**
 * The exceptions the simulated services throw, written the way each runtime prints them.
 * Stack traces are fixed per (failure, service) as in real life, where the same bug throws from
 * the same lines: error grouping by fingerprint should collapse them.
 */
import type { Language, ServiceName } from './topology.js';

export interface ExceptionInfo {
  type: string;
  message: string;
  stacktrace: string;
}

export type FailureKind =
  | 'db-timeout'
  | 'redis-timeout'
  | 'provider-unavailable'
  | 'upstream-unavailable'
  | 'internal-bug'
  | 'mail-rate-limited';

/** Java-style class name from a service name: `order-fulfillment` → `OrderFulfillment`. */
function pascal(service: string): string {
  return service
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function pkg(service: string): string {
  return service.replaceAll('-', '');
}

export function exceptionFor(
  kind: FailureKind,
  service: ServiceName,
  language: Language,
  detail = '',
): ExceptionInfo {
  switch (kind) {
    case 'db-timeout':
      return dbTimeout(service, language);
    case 'redis-timeout':
      return redisTimeout(service, language, detail);
    case 'provider-unavailable':
      return {
        type: 'PaymentProviderError',
        message: `payment provider responded 503 Service Unavailable (request ${detail})`,
        stacktrace: [
          'PaymentProviderError: payment provider responded 503 Service Unavailable',
          '    at ProviderClient.charge (/app/src/provider/client.js:118:13)',
          '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
          '    at async withRetry (/app/src/provider/retry.js:22:14)',
          '    at async ChargeHandler.charge (/app/src/handlers/charge.js:64:22)',
          '    at async Object.charge (/app/src/server.js:41:24)',
        ].join('\n'),
      };
    case 'upstream-unavailable':
      return upstreamUnavailable(service, language, detail);
    case 'internal-bug':
      return internalBug(service, language);
    case 'mail-rate-limited':
      return {
        type: 'requests.exceptions.HTTPError',
        message: `429 Client Error: Too Many Requests for url: ${detail}`,
        stacktrace: [
          'Traceback (most recent call last):',
          '  File "/app/email_server.py", line 97, in send_confirmation',
          '    response.raise_for_status()',
          '  File "/usr/local/lib/python3.12/site-packages/requests/models.py", line 1024, in raise_for_status',
          '    raise HTTPError(http_error_msg, response=self)',
          `requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: ${detail}`,
        ].join('\n'),
      };
  }
}

function dbTimeout(service: ServiceName, language: Language): ExceptionInfo {
  const message = 'canceling statement due to statement timeout';
  switch (language) {
    case 'java':
      return {
        type: 'org.postgresql.util.PSQLException',
        message: `ERROR: ${message}`,
        stacktrace: [
          `org.postgresql.util.PSQLException: ERROR: ${message}`,
          '\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2733)',
          '\tat org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2420)',
          '\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:372)',
          '\tat org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:517)',
          '\tat org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:143)',
          '\tat com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate(HikariProxyPreparedStatement.java)',
          `\tat shop.${pkg(service)}.${pascal(service)}Repository.save(${pascal(service)}Repository.java:88)`,
          `\tat shop.${pkg(service)}.${pascal(service)}Service.handle(${pascal(service)}Service.java:142)`,
          '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
        ].join('\n'),
      };
    case 'go':
      return {
        type: '*pgconn.PgError',
        message: `ERROR: ${message} (SQLSTATE 57014)`,
        stacktrace: [
          `goroutine 1187 [running]:`,
          `github.com/acme/shop/${service}/internal/store.(*Postgres).Query(0xc0001a2c80, {0x1b4e2a8, 0xc000512d20})`,
          `\t/src/${service}/internal/store/postgres.go:131 +0x2a5`,
          `github.com/acme/shop/${service}/internal/server.(*Server).handle(0xc000134000, {0x1b4e2a8, 0xc000512d20})`,
          `\t/src/${service}/internal/server/server.go:87 +0x11c`,
          'created by google.golang.org/grpc.(*Server).serveStreams.func2.1 in goroutine 96',
          '\t/go/pkg/mod/google.golang.org/grpc@v1.70.0/server.go:1029 +0x139',
        ].join('\n'),
      };
    case 'nodejs':
      return {
        type: 'error',
        message,
        stacktrace: [
          `error: ${message}`,
          '    at /app/node_modules/pg/lib/client.js:545:17',
          '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
          `    at async PaymentsRepository.insert (/app/src/db/payments.js:31:5)`,
          `    at async ChargeHandler.charge (/app/src/handlers/charge.js:88:7)`,
        ].join('\n'),
      };
    case 'python':
      return {
        type: 'psycopg.errors.QueryCanceled',
        message,
        stacktrace: [
          'Traceback (most recent call last):',
          `  File "/app/${pkg(service)}/store.py", line 54, in fetch`,
          '    cur.execute(query, params)',
          '  File "/usr/local/lib/python3.12/site-packages/psycopg/cursor.py", line 97, in execute',
          '    raise ex.with_traceback(None)',
          `psycopg.errors.QueryCanceled: ${message}`,
        ].join('\n'),
      };
    case 'dotnet':
      return {
        type: 'Npgsql.PostgresException',
        message: `57014: ${message}`,
        stacktrace: [
          `Npgsql.PostgresException (0x80004005): 57014: ${message}`,
          '   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)',
          '   at Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)',
          `   at Shop.${pascal(service)}.Store.QueryAsync() in /src/${pascal(service)}/Store.cs:line 61`,
        ].join('\n'),
      };
  }
}

/** Where StackExchange.Redis and the cart's store code sit for each command the cart sends. */
const DOTNET_REDIS_FRAMES: Readonly<
  Record<string, { client: string; line: number; store: string; storeLine: number }>
> = {
  HGETALL: {
    client: 'HashGetAll(RedisKey key, CommandFlags flags)',
    line: 375,
    store: 'GetCartAsync(String userId)',
    storeLine: 48,
  },
  HINCRBY: {
    client: 'HashIncrement(RedisKey key, RedisValue hashField, Int64 value, CommandFlags flags)',
    line: 412,
    store: 'AddItemAsync(String userId, String productId, Int32 quantity)',
    storeLine: 63,
  },
  EXPIRE: {
    client: 'KeyExpire(RedisKey key, Nullable`1 expiry, ExpireWhen when, CommandFlags flags)',
    line: 998,
    store: 'TouchAsync(String userId)',
    storeLine: 71,
  },
  DEL: {
    client: 'KeyDelete(RedisKey key, CommandFlags flags)',
    line: 940,
    store: 'EmptyCartAsync(String userId)',
    storeLine: 80,
  },
};

function redisTimeout(service: ServiceName, language: Language, command: string): ExceptionInfo {
  if (language === 'dotnet') {
    const frame = DOTNET_REDIS_FRAMES[command] ?? DOTNET_REDIS_FRAMES.HGETALL!;
    const message = `Timeout performing ${command} (5000ms), next: ${command}, inst: 0, qu: 0, qs: 3, aw: False, bw: SpinningDown, rs: ReadAsync, ws: Idle, in: 0, serverEndpoint: redis-master:6379, mc: 1/1/0, mgr: 10 of 10 available, clientName: ${service}, IOCP: (Busy=0,Free=1000,Min=2,Max=1000), WORKER: (Busy=5,Free=32762,Min=2,Max=32767), v: 2.8.16.12844`;
    return {
      type: 'StackExchange.Redis.RedisTimeoutException',
      message,
      stacktrace: [
        `StackExchange.Redis.RedisTimeoutException: ${message}`,
        '   at StackExchange.Redis.ConnectionMultiplexer.ExecuteSyncImpl[T](Message message, ResultProcessor`1 processor, ServerEndPoint server, T defaultValue) in /_/src/StackExchange.Redis/ConnectionMultiplexer.cs:line 2099',
        `   at StackExchange.Redis.RedisDatabase.${frame.client} in /_/src/StackExchange.Redis/RedisDatabase.cs:line ${frame.line}`,
        `   at Shop.Cart.CartStore.${frame.store} in /src/Cart/CartStore.cs:line ${frame.storeLine}`,
      ].join('\n'),
    };
  }
  return {
    type: '*net.OpError',
    message: `read tcp 10.0.3.17:48212->10.0.1.9:6379: i/o timeout`,
    stacktrace: [
      'goroutine 2291 [running]:',
      `github.com/acme/shop/${service}/internal/cache.(*Redis).Get(0xc0002b4a00, {0x1b4e2a8, 0xc0006ae0f0}, {0xc0004c2b40, 0x13})`,
      `\t/src/${service}/internal/cache/redis.go:44 +0x1d2`,
      `github.com/acme/shop/${service}/internal/server.(*Server).GetProduct(0xc000134000, {0x1b4e2a8, 0xc0006ae0f0}, 0xc0004c2b10)`,
      `\t/src/${service}/internal/server/products.go:58 +0xb4`,
    ].join('\n'),
  };
}

function upstreamUnavailable(
  service: ServiceName,
  language: Language,
  target: string,
): ExceptionInfo {
  switch (language) {
    case 'go':
      return {
        type: '*status.Error',
        message: `rpc error: code = Unavailable desc = ${target} failed`,
        stacktrace: [
          'goroutine 3312 [running]:',
          `github.com/acme/shop/${service}/internal/server.(*Server).PlaceOrder(0xc000134000, {0x1b4e2a8, 0xc0007c1e30}, 0xc0005a6f00)`,
          `\t/src/${service}/internal/server/orders.go:173 +0x6f8`,
          'net/http.HandlerFunc.ServeHTTP(0xc0001b6a80, {0x1b51f40, 0xc0004d61c0}, 0xc000318b40)',
          '\t/usr/local/go/src/net/http/server.go:2220 +0x29',
        ].join('\n'),
      };
    default:
      return {
        type: 'Error',
        message: `14 UNAVAILABLE: ${target} failed`,
        stacktrace: [
          `Error: 14 UNAVAILABLE: ${target} failed`,
          '    at callErrorFromStatus (/app/node_modules/@grpc/grpc-js/build/src/call.js:32:19)',
          '    at Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client.js:193:76)',
          `    at /app/src/${pkg(service)}/client.js:51:11`,
        ].join('\n'),
      };
  }
}

function internalBug(service: ServiceName, language: Language): ExceptionInfo {
  switch (language) {
    case 'python':
      return {
        type: 'KeyError',
        message: "'category'",
        stacktrace: [
          'Traceback (most recent call last):',
          '  File "/usr/local/lib/python3.12/site-packages/grpc/_server.py", line 555, in _call_behavior',
          '    response_or_iterator = behavior(argument, context)',
          `  File "/app/${pkg(service)}_server.py", line 74, in ListRecommendations`,
          '    candidates = [p for p in catalog if p["category"] in wanted]',
          `  File "/app/${pkg(service)}_server.py", line 74, in <listcomp>`,
          '    candidates = [p for p in catalog if p["category"] in wanted]',
          "KeyError: 'category'",
        ].join('\n'),
      };
    case 'nodejs':
      return {
        type: 'TypeError',
        message: "Cannot read properties of undefined (reading 'priceUsd')",
        stacktrace: [
          "TypeError: Cannot read properties of undefined (reading 'priceUsd')",
          '    at formatPrice (/app/.next/server/chunks/612.js:1:20387)',
          '    at ProductCard (/app/.next/server/app/product/[id]/page.js:1:8841)',
          '    at renderWithHooks (/app/node_modules/react-dom/cjs/react-dom-server.node.production.js:4201:18)',
          '    at renderElement (/app/node_modules/react-dom/cjs/react-dom-server.node.production.js:4330:14)',
        ].join('\n'),
      };
    case 'java':
      return {
        type: 'java.lang.NullPointerException',
        message: 'Cannot invoke "shop.inventory.StockLevel.available()" because "level" is null',
        stacktrace: [
          'java.lang.NullPointerException: Cannot invoke "shop.inventory.StockLevel.available()" because "level" is null',
          `\tat shop.${pkg(service)}.${pascal(service)}Service.reserve(${pascal(service)}Service.java:97)`,
          `\tat shop.${pkg(service)}.${pascal(service)}Grpc$ImplBase.invoke(${pascal(service)}Grpc.java:311)`,
          '\tat io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose(ServerCalls.java:182)',
          '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
        ].join('\n'),
      };
    case 'go':
      return {
        type: 'runtime.Error',
        message: 'runtime error: invalid memory address or nil pointer dereference',
        stacktrace: [
          'panic: runtime error: invalid memory address or nil pointer dereference [recovered]',
          '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x9b6f2e]',
          '',
          'goroutine 4471 [running]:',
          `github.com/acme/shop/${service}/internal/server.(*Server).handle(0xc000134000, {0x1b4e2a8, 0xc0009a2f60})`,
          `\t/src/${service}/internal/server/server.go:112 +0x4e`,
        ].join('\n'),
      };
    case 'dotnet':
      return {
        type: 'System.NullReferenceException',
        message: 'Object reference not set to an instance of an object.',
        stacktrace: [
          'System.NullReferenceException: Object reference not set to an instance of an object.',
          `   at Shop.${pascal(service)}.CartEndpoints.AddItem(AddItemRequest request, CartStore store) in /src/${pascal(service)}/CartEndpoints.cs:line 37`,
          '   at Microsoft.AspNetCore.Http.RequestDelegateFactory.ExecuteTaskResult[T](Task`1 task, HttpContext httpContext)',
        ].join('\n'),
      };
  }
}
