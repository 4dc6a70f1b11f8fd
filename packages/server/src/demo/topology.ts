/**
 * The simulated shop: its services, their pods (one OTLP resource each), the instrumentation
 * scopes each language's SDK would report, and the uninstrumented dependencies they call.
 */
import type { InstrumentationScope, Resource } from '../otlp/encode.js';
import type { Prng } from './prng.js';

export type Language = 'nodejs' | 'go' | 'java' | 'python' | 'dotnet';

/** How a service is reached: an HTTP server, a gRPC server, or a Kafka consumer. */
export type ServiceProtocol = 'http' | 'grpc' | 'kafka';

export type ServiceName =
  | 'frontend'
  | 'api-gateway'
  | 'product-catalog'
  | 'recommendation'
  | 'cart'
  | 'checkout'
  | 'payment'
  | 'inventory'
  | 'order-fulfillment'
  | 'email';

export interface ServiceSpec {
  name: ServiceName;
  version: string;
  language: Language;
  protocol: ServiceProtocol;
  replicas: number;
  /** Port of the server (0 for consumers). */
  port: number;
  /** For gRPC services: the fully qualified service in `rpc.service`. */
  rpcService?: string;
  /** Whether it holds a PostgreSQL connection pool. */
  usesPostgres: boolean;
}

export const SERVICES: readonly ServiceSpec[] = [
  spec('frontend', '2.4.1', 'nodejs', 'http', 3, 8080, { usesPostgres: false }),
  spec('api-gateway', '1.12.0', 'go', 'http', 2, 8080, { usesPostgres: false }),
  spec('product-catalog', '3.1.4', 'go', 'grpc', 2, 50051, {
    rpcService: 'shop.ProductCatalogService',
    usesPostgres: true,
  }),
  spec('recommendation', '0.9.2', 'python', 'grpc', 2, 50051, {
    rpcService: 'shop.RecommendationService',
    usesPostgres: false,
  }),
  spec('cart', '1.7.0', 'dotnet', 'http', 2, 8080, { usesPostgres: false }),
  spec('checkout', '2.0.3', 'go', 'http', 2, 8080, { usesPostgres: true }),
  spec('payment', '1.3.5', 'nodejs', 'grpc', 2, 50051, {
    rpcService: 'shop.PaymentService',
    usesPostgres: true,
  }),
  spec('inventory', '4.2.0', 'java', 'grpc', 2, 50051, {
    rpcService: 'shop.InventoryService',
    usesPostgres: true,
  }),
  spec('order-fulfillment', '1.5.2', 'java', 'kafka', 1, 0, { usesPostgres: true }),
  spec('email', '1.1.0', 'python', 'kafka', 1, 0, { usesPostgres: false }),
];

function spec(
  name: ServiceName,
  version: string,
  language: Language,
  protocol: ServiceProtocol,
  replicas: number,
  port: number,
  extra: { rpcService?: string; usesPostgres: boolean },
): ServiceSpec {
  return { name, version, language, protocol, replicas, port, ...extra };
}

/** Infrastructure the services call but that reports no telemetry of its own. */
export const DEPENDENCIES = {
  postgres: { address: 'postgres-primary.shop.svc.cluster.local', port: 5432, database: 'shop' },
  redis: { address: 'redis-master.shop.svc.cluster.local', port: 6379 },
  kafka: { address: 'kafka-0.kafka-headless.shop.svc.cluster.local', port: 9092 },
  paymentProvider: {
    address: 'api.payments-provider.example',
    port: 443,
    peer: 'payment-provider',
  },
  mailProvider: { address: 'api.mail-provider.example', port: 443, peer: 'mail-provider' },
} as const;

/** What kind of instrumentation produced a span, log or metric: picks the scope. */
export type ScopeKind =
  | 'http-server'
  | 'http-client'
  | 'grpc'
  | 'postgres'
  | 'redis'
  | 'kafka'
  | 'logs'
  | 'app'
  | 'runtime';

const SCOPES: Readonly<Record<Language, Readonly<Record<ScopeKind, [string, string]>>>> = {
  nodejs: {
    'http-server': ['@opentelemetry/instrumentation-http', '0.57.2'],
    'http-client': ['@opentelemetry/instrumentation-undici', '0.10.1'],
    grpc: ['@opentelemetry/instrumentation-grpc', '0.57.2'],
    postgres: ['@opentelemetry/instrumentation-pg', '0.51.0'],
    redis: ['@opentelemetry/instrumentation-ioredis', '0.47.0'],
    kafka: ['@opentelemetry/instrumentation-kafkajs', '0.7.1'],
    logs: ['@opentelemetry/instrumentation-pino', '0.46.1'],
    app: ['shop', '1.0.0'],
    runtime: ['@opentelemetry/host-metrics', '0.35.5'],
  },
  go: {
    'http-server': ['go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', '0.59.0'],
    'http-client': ['go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', '0.59.0'],
    grpc: ['go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', '0.59.0'],
    postgres: ['github.com/exaring/otelpgx', '0.9.0'],
    redis: ['github.com/redis/go-redis/extra/redisotel', '9.7.0'],
    kafka: ['github.com/twmb/franz-go/plugin/kotel', '1.5.0'],
    logs: ['go.opentelemetry.io/contrib/bridges/otelslog', '0.9.0'],
    app: ['shop', '1.0.0'],
    runtime: ['go.opentelemetry.io/contrib/instrumentation/runtime', '0.59.0'],
  },
  java: {
    'http-server': ['io.opentelemetry.tomcat-10.0', '2.12.0-alpha'],
    'http-client': ['io.opentelemetry.java-http-client', '2.12.0-alpha'],
    grpc: ['io.opentelemetry.grpc-1.6', '2.12.0-alpha'],
    postgres: ['io.opentelemetry.jdbc', '2.12.0-alpha'],
    redis: ['io.opentelemetry.lettuce-5.1', '2.12.0-alpha'],
    kafka: ['io.opentelemetry.kafka-clients-2.6', '2.12.0-alpha'],
    logs: ['io.opentelemetry.logback-appender-1.0', '2.12.0-alpha'],
    app: ['shop', '1.0.0'],
    runtime: ['io.opentelemetry.runtime-telemetry-java17', '2.12.0-alpha'],
  },
  python: {
    'http-server': ['opentelemetry.instrumentation.flask', '0.50b0'],
    'http-client': ['opentelemetry.instrumentation.requests', '0.50b0'],
    grpc: ['opentelemetry.instrumentation.grpc', '0.50b0'],
    postgres: ['opentelemetry.instrumentation.psycopg', '0.50b0'],
    redis: ['opentelemetry.instrumentation.redis', '0.50b0'],
    kafka: ['opentelemetry.instrumentation.confluent_kafka', '0.50b0'],
    logs: ['opentelemetry.sdk._logs._internal', '1.29.0'],
    app: ['shop', '1.0.0'],
    runtime: ['opentelemetry.instrumentation.system_metrics', '0.50b0'],
  },
  dotnet: {
    'http-server': ['Microsoft.AspNetCore', '9.0.0'],
    'http-client': ['System.Net.Http', '9.0.0'],
    grpc: ['Grpc.Net.Client', '2.67.0'],
    postgres: ['Npgsql', '9.0.2'],
    redis: ['OpenTelemetry.Instrumentation.StackExchangeRedis', '1.10.0-beta.1'],
    kafka: ['Confluent.Kafka.Extensions.OpenTelemetry', '0.4.0'],
    logs: ['Microsoft.Extensions.Logging', '9.0.0'],
    app: ['shop', '1.0.0'],
    runtime: ['OpenTelemetry.Instrumentation.Runtime', '1.10.0'],
  },
};

const SDK_VERSIONS: Readonly<Record<Language, string>> = {
  nodejs: '1.30.1',
  go: '1.34.0',
  java: '1.46.0',
  python: '1.29.0',
  dotnet: '1.11.2',
};

/** One pod of a service: an OTLP resource and its scopes. */
export interface ServiceInstance {
  service: ServiceSpec;
  podName: string;
  podIp: string;
  resource: Resource;
  scope(kind: ScopeKind): InstrumentationScope;
}

export interface Topology {
  services: readonly ServiceSpec[];
  instances: readonly ServiceInstance[];
  /** The pods of one service. */
  instancesOf(service: ServiceName): readonly ServiceInstance[];
  /** A pod of `service`, as a load balancer would pick it. */
  pick(service: ServiceName, rng: Prng): ServiceInstance;
}

// Kubernetes' pod-name suffix alphabet (no vowels, no look-alike digits).
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function k8sSuffix(rng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += K8S_ALPHABET[rng.int(K8S_ALPHABET.length)]!;
  return out;
}

export function createTopology(rng: Prng): Topology {
  const nodes = Array.from(
    { length: 4 },
    () => `ip-10-0-${rng.int(4)}-${1 + rng.int(254)}.ec2.internal`,
  );
  const byService = new Map<string, ServiceInstance[]>();
  const instances: ServiceInstance[] = [];
  for (const service of SERVICES) {
    const replicaSet = k8sSuffix(rng, 10);
    const pods: ServiceInstance[] = [];
    for (let i = 0; i < service.replicas; i++) {
      const instance = createInstance(
        service,
        `${service.name}-${replicaSet}-${k8sSuffix(rng, 5)}`,
        rng.pick(nodes),
        rng,
      );
      pods.push(instance);
      instances.push(instance);
    }
    byService.set(service.name, pods);
  }
  const instancesOf = (service: ServiceName): readonly ServiceInstance[] => {
    const pods = byService.get(service);
    if (pods === undefined) throw new Error(`unknown service ${service}`);
    return pods;
  };
  return {
    services: SERVICES,
    instances,
    instancesOf,
    pick: (service, r) => r.pick(instancesOf(service)),
  };
}

function createInstance(
  service: ServiceSpec,
  podName: string,
  nodeName: string,
  rng: Prng,
): ServiceInstance {
  const id = rng.hex(16);
  const instanceId = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20)}`;
  const resource: Resource = {
    attributes: {
      'service.name': service.name,
      'service.version': service.version,
      'service.namespace': 'shop',
      'service.instance.id': instanceId,
      'deployment.environment.name': 'production',
      'host.name': podName,
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': podName,
      'k8s.deployment.name': service.name,
      'k8s.node.name': nodeName,
      'k8s.cluster.name': 'prod-eu-west-1',
      'container.name': service.name,
      'cloud.provider': 'aws',
      'cloud.region': 'eu-west-1',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': service.language,
      'telemetry.sdk.version': SDK_VERSIONS[service.language],
    },
  };
  const scopes = new Map<ScopeKind, InstrumentationScope>();
  return {
    service,
    podName,
    podIp: `10.0.${rng.int(4)}.${2 + rng.int(250)}`,
    resource,
    scope(kind) {
      let scope = scopes.get(kind);
      if (scope === undefined) {
        const [name, version] = SCOPES[service.language][kind];
        scope = { name: name === 'shop' ? `shop.${service.name}` : name, version };
        scopes.set(kind, scope);
      }
      return scope;
    },
  };
}
