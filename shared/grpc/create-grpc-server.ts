import { Server } from '@grpc/grpc-js';
import type { ChannelOptions, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { PublicEdgeConfig, ServerConfig } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import { createMetricsRegistry, createRpcMetrics, startMetricsServer } from '../metrics/index.js';
import type { MetricsRegistry, MetricsServer } from '../metrics/index.js';
import { authorizingInterceptor } from './authorizing-interceptor.js';
import type { CallAuthorizer } from './authorizing-interceptor.js';
import { bindHandler } from './bind-handler.js';
import { collectGarbage } from './collect-garbage.js';
import { serviceNameOf } from './find-service.js';
import type { ServiceImplementation } from './method-handlers.js';
import { onHttp2Session } from './http2-sessions.js';
import { enforcePingPolicy } from './ping-policy.js';
import { widenReceiveWindow } from './server-receive-window.js';
import { createServerCredentials } from './server-credentials.js';

/** One service to serve: its grpc definition and the dlrs handlers of its methods. */
export interface ServiceRegistration {
  definition: ServiceDefinition;
  implementation: ServiceImplementation;
}

/** Options of {@link createGrpcServer}. */
export interface GrpcServerOptions {
  logger: Logger;
  config: ServerConfig;
  /** The proto-loader package definitions of the served services, for reflection. */
  packageDefinitions: readonly PackageDefinition[];
  services: readonly ServiceRegistration[];
  /** Name in logs and metrics (`service` label of target_info); `dlrs` when absent. */
  name?: string;
  /** The service's metrics registry, to add its own instruments; one is created when absent. */
  metrics?: MetricsRegistry;
  /**
   * Decides on every call from its metadata and TLS peer before the body is read (health and
   * reflection included: the authorizer lets through what it does not guard). None: all pass.
   */
  authorize?: CallAuthorizer;
  /**
   * Set on a server that faces the public: its limits replace the internal ones (message size,
   * and the large receive window, which it does not get); absent on internal servers.
   */
  publicEdge?: PublicEdgeConfig;
}

/** A dlrs gRPC server with health, reflection, metrics and graceful shutdown. */
export interface GrpcServer {
  /** Binds the gRPC and metrics ports and starts serving (health says NOT_SERVING until setReady(true)). */
  start(): Promise<{ port: number; metricsPort: number }>;
  /** Sets the health of every served service and of the server as a whole (`""`), and `/readyz`. */
  setReady(ready: boolean): void;
  isReady(): boolean;
  /** The metrics registry (the given one or the server's own). */
  readonly metrics: MetricsRegistry;
  /**
   * Health goes NOT_SERVING, new calls are refused, in-flight calls get up to
   * shutdownTimeoutMs to finish, then the rest are cancelled. Safe to call twice.
   */
  shutdown(reason: string): Promise<void>;
}

/** Services every dlrs server adds beside its own: health (reflection adds itself). */
const HEALTH_PACKAGE_DEFINITION: PackageDefinition = loadSync(healthProtoPath, { keepCase: true });

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function checkImplementation(name: string, definition: ServiceDefinition, implementation: ServiceImplementation): void {
  for (const [method, methodDefinition] of Object.entries(definition)) {
    if (methodDefinition.requestStream !== methodDefinition.responseStream) {
      throw new Error(`${name}/${method} streams one way only; dlrs handlers cover unary and bidi methods`);
    }
    const handler = implementation[method];
    if (handler === undefined) throw new Error(`${name}/${method} has no handler`);
    const expected = methodDefinition.requestStream ? 'bidi' : 'unary';
    if (handler.kind !== expected) throw new Error(`${name}/${method} is ${expected} but its handler is ${handler.kind}`);
  }
  const extra = Object.keys(implementation).filter((method) => !(method in definition));
  if (extra.length > 0) throw new Error(`${name} has no method(s) ${extra.join(', ')}`);
}

/** grpc-js options of an internal server (between dlrs tiers). */
function internalServerOptions(config: ServerConfig): ChannelOptions {
  return {
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    // Long-lived streams between gateway and tiers idle between bursts; keep their connections probed.
    'grpc.keepalive_permit_without_calls': 1,
  };
}

/** grpc-js options of a server that faces the public: bounded messages, streams, connection lifetimes and memory. */
function publicServerOptions(config: ServerConfig, edge: PublicEdgeConfig): ChannelOptions {
  return {
    'grpc.max_receive_message_length': edge.publicMaxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    'grpc.max_concurrent_streams': edge.publicMaxConcurrentStreams,
    'grpc.max_connection_age_ms': edge.publicMaxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': edge.publicMaxConnectionAgeGraceMs,
    'grpc.max_connection_idle_ms': edge.publicMaxConnectionIdleMs,
    'grpc-node.max_session_memory': edge.publicMaxSessionMemoryMb,
  };
}

/** Creates a dlrs gRPC server; nothing listens until start(). */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { config } = options;
  const logger = options.logger.child({ component: 'grpc-server' });
  const metrics = options.metrics ?? createMetricsRegistry({ serviceName: options.name ?? 'dlrs' });
  const ownsMetrics = options.metrics === undefined;
  const deps = { logger: options.logger.child({ component: 'rpc' }), rpcMetrics: createRpcMetrics(metrics) };
  const authorize = options.authorize;
  const interceptors =
    authorize === undefined
      ? []
      : [
          authorizingInterceptor(authorize, ({ path, streaming, error }) => {
            // Debug only: a client without a token would otherwise fill the log at its own pace.
            deps.logger.debug({ method: path, code: error.code, sent: error.message }, 'call refused before its body was read');
            deps.rpcMetrics.record(path, error.code, streaming ? 'bidi' : 'unary', 0);
          }),
        ];
  const { publicEdge } = options;
  const server = new Server({ ...(publicEdge === undefined ? internalServerOptions(config) : publicServerOptions(config, publicEdge)), interceptors });
  // Internal servers: as large as the largest message accepted, so that a stream of big requests
  // does not wait for window updates. The public edge keeps HTTP/2's 64 KiB.
  const receiveWindow = publicEdge === undefined ? widenReceiveWindow(server, config.maxMessageBytes) : undefined;
  if (receiveWindow?.applied === false) logger.warn('this grpc-js version hides the HTTP/2 settings: streams keep the 64 KiB receive window, which slows large requests on long-lived streams');
  const afterBind = (): void => {
    receiveWindow?.afterBind();
    if (publicEdge === undefined || publicEdge.publicMinPingIntervalMs === 0) return;
    const pingViolations = metrics.counter('dlrs_grpc_ping_violations', 'Connections closed with GOAWAY (too_many_pings) for pinging faster than the public edge allows');
    const policy = { minPingIntervalMs: publicEdge.publicMinPingIntervalMs, maxPingStrikes: publicEdge.publicMaxPingStrikes };
    const watched = onHttp2Session(server, (session) => enforcePingPolicy(session, policy, () => pingViolations.add(1)));
    if (!watched) logger.warn('this grpc-js version hides its HTTP/2 servers: client pings are not rate-limited');
  };

  const serviceNames = options.services.map(({ definition }) => serviceNameOf(definition));
  for (const [index, { definition, implementation }] of options.services.entries()) {
    checkImplementation(serviceNames[index], definition, implementation);
    const bound: UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(implementation)) bound[method] = bindHandler(handler, deps);
    server.addService(definition, bound);
  }
  const health = new HealthImplementation(Object.fromEntries(['', ...serviceNames].map((name) => [name, 'NOT_SERVING'])));
  health.addToServer(server);
  new ReflectionService(Object.assign({}, HEALTH_PACKAGE_DEFINITION, ...options.packageDefinitions)).addToServer(server);

  let ready = false;
  let heapSettled = false;
  let metricsServer: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;
  const setReady = (value: boolean): void => {
    if (value && stopping !== undefined) return;
    if (value && !heapSettled) {
      const startedMs = performance.now();
      collectGarbage();
      heapSettled = true;
      logger.info({ ms: Math.round(performance.now() - startedMs) }, 'start-up garbage collected');
    }
    ready = value;
    for (const name of ['', ...serviceNames]) health.setStatus(name, value ? 'SERVING' : 'NOT_SERVING');
    logger.info({ ready: value }, value ? 'ready' : 'not ready');
  };

  const drain = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn({ shutdownTimeoutMs: config.shutdownTimeoutMs }, 'in-flight calls did not finish in time; cancelling them');
        server.forceShutdown();
        resolve();
      }, config.shutdownTimeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  return {
    metrics,
    setReady,
    isReady: () => ready,
    async start() {
      const { credentials, tls } = createServerCredentials(config, logger);
      const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(hostPort(config.host, config.port), credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
      });
      afterBind();
      metricsServer = await startMetricsServer({ host: config.host, port: config.metricsPort, metrics, isReady: () => ready, logger: options.logger });
      logger.info({ host: config.host, port, tls, services: serviceNames, metricsPort: metricsServer.port }, 'gRPC server listening');
      return { port, metricsPort: metricsServer.port };
    },
    shutdown(reason) {
      stopping ??= (async () => {
        logger.info({ reason, shutdownTimeoutMs: config.shutdownTimeoutMs }, 'shutting down');
        setReady(false);
        await drain();
        await metricsServer?.close();
        if (ownsMetrics) await metrics.shutdown();
        logger.info('shut down');
      })();
      return stopping;
    },
  };
}
