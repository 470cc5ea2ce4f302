import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { credentials as grpcCredentials } from '@grpc/grpc-js';
import type { ChannelCredentials, Client, ClientOptions, ServiceDefinition } from '@grpc/grpc-js';
import { bearerTokenInterceptor, defaultDeadlineInterceptor } from './client-interceptors.js';
import { serviceNameOf } from './find-service.js';
import { traceClientInterceptor } from './grpc-tracing.js';

/** A generated (or loadPackageDefinition) client constructor. */
export interface ServiceClientConstructor<C extends Client> {
  new (address: string, credentials: ChannelCredentials, options?: ClientOptions): C;
  service: ServiceDefinition;
}

/** TLS settings of a client; absent means plaintext. */
export interface ClientTlsOptions {
  /** CA that signed the server certificate; the system roots when absent. */
  caPath?: string;
  /** Client certificate and key, for servers that require mutual TLS. */
  certPath?: string;
  keyPath?: string;
  /** Name to expect in the server certificate when it differs from the address (tests, IP addresses). */
  serverNameOverride?: string;
}

/** Options of {@link createGrpcClient}. */
export interface GrpcClientOptions {
  /** One `host:port` (a DNS name may resolve to several pods) or several `ip:port`. */
  addresses: string | readonly string[];
  tls?: ClientTlsOptions;
  /** Deadline of unary calls that set none. */
  defaultDeadlineMs?: number;
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  maxMessageBytes?: number;
  /** Methods (names as in the .proto) safe to repeat; only these are retried on UNAVAILABLE. */
  idempotentMethods?: readonly string[];
  /** Attempts of an idempotent call, the first included. */
  maxAttempts?: number;
  /** A bearer token to present, on every call or only on `methods` (names as in the .proto). */
  bearerToken?: { token: string; methods?: readonly string[] };
}

/** A unary call without a deadline waits at most 5 s: longer than any healthy dlrs call, short enough to free resources. */
export const DEFAULT_CLIENT_DEADLINE_MS = 5_000;
/** Client pings every 30 s, matching the server side, so idle connections through NATs survive. */
const DEFAULT_CLIENT_KEEPALIVE_TIME_MS = 30_000;
/** A server that does not answer a ping within 10 s is considered gone. */
const DEFAULT_CLIENT_KEEPALIVE_TIMEOUT_MS = 10_000;
/** Same default message limit as the servers (shared/config serverConfigShape). */
const DEFAULT_CLIENT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/**
 * HTTP/2 receive window of every stream and of the connection. grpc-js keeps HTTP/2's 64 KiB
 * otherwise, so a long-lived stream whose answers are tens of kB (SearchStream: 300 candidates
 * with their embeddings) carries at most 64 KiB per round trip: any added latency (a slow hop, a
 * busy peer) caps it below the request rate and answers queue up behind each other. 16 MiB is
 * the largest message the services accept.
 */
const DEFAULT_CLIENT_FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;
/**
 * Channel options that give a client connections of its own. grpc-js otherwise shares one
 * connection per address and options across the process: a client made for a server that took
 * over the address of one shut down or killed earlier (a restarted tier, a reused port) would get
 * that connection, still in its reconnect backoff, and every call would fail with UNAVAILABLE
 * "No connection established" until the backoff ends (up to two minutes).
 */
export const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1 } as const;
/** Three attempts ride out a pod restart without multiplying load on a failing tier. */
const DEFAULT_MAX_ATTEMPTS = 3;

/** Targets that already name their resolver are used as given. */
const TARGET_SCHEME = /^(dns|unix|unix-abstract|ipv4|ipv6):/;

/** The gRPC target: `dns:` for one address (round robin over its A records), `ipv4:`/`ipv6:` lists for several. */
export function grpcTarget(addresses: string | readonly string[]): string {
  const list = typeof addresses === 'string' ? [addresses] : [...addresses];
  if (list.length === 0) throw new Error('a gRPC client needs at least one address');
  if (list.length === 1) return TARGET_SCHEME.test(list[0]) ? list[0] : `dns:${list[0]}`;
  const hosts = list.map((address) => address.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
  if (hosts.every((host) => isIPv4(host))) return `ipv4:${list.join(',')}`;
  if (hosts.every((host) => isIPv6(host))) return `ipv6:${list.join(',')}`;
  throw new Error(`several addresses must all be IPv4 or all IPv6 (got ${list.join(', ')}); give one DNS name that resolves to them instead`);
}

/** Service config: round robin, and retries on UNAVAILABLE for the idempotent methods only. */
function serviceConfig(serviceName: string, idempotentMethods: readonly string[], maxAttempts: number): string {
  const methodConfig =
    idempotentMethods.length === 0
      ? []
      : [
          {
            name: idempotentMethods.map((method) => ({ service: serviceName, method })),
            retryPolicy: {
              maxAttempts,
              initialBackoff: '0.05s',
              maxBackoff: '1s',
              backoffMultiplier: 2,
              retryableStatusCodes: ['UNAVAILABLE'],
            },
          },
        ];
  return JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }], methodConfig });
}

function channelCredentials(tls: ClientTlsOptions | undefined): ChannelCredentials {
  if (tls === undefined) return grpcCredentials.createInsecure();
  const read = (path: string | undefined): Buffer | null => (path === undefined ? null : readFileSync(path));
  return grpcCredentials.createSsl(read(tls.caPath), read(tls.keyPath), read(tls.certPath));
}

/**
 * Creates a client with connections of its own, a default deadline on unary calls, keepalive,
 * round robin over the addresses, retries for idempotent methods only, and a client span per
 * call whose W3C trace context travels in the metadata.
 */
export function createGrpcClient<C extends Client>(ServiceClient: ServiceClientConstructor<C>, options: GrpcClientOptions): C {
  const serviceName = serviceNameOf(ServiceClient.service);
  const unknownMethods = (options.idempotentMethods ?? []).filter((method) => !(method in ServiceClient.service));
  if (unknownMethods.length > 0) throw new Error(`${serviceName} has no method(s) ${unknownMethods.join(', ')}`);
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_CLIENT_MAX_MESSAGE_BYTES;
  const clientOptions: ClientOptions = {
    'grpc.service_config': serviceConfig(serviceName, options.idempotentMethods ?? [], options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    // The service config above is the contract; DNS TXT records must not replace it.
    'grpc.service_config_disable_resolution': 1,
    'grpc.enable_retries': 1,
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? DEFAULT_CLIENT_KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? DEFAULT_CLIENT_KEEPALIVE_TIMEOUT_MS,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc-node.flow_control_window': DEFAULT_CLIENT_FLOW_CONTROL_WINDOW_BYTES,
    ...OWN_CONNECTION,
    interceptors: [
      traceClientInterceptor,
      defaultDeadlineInterceptor(options.defaultDeadlineMs ?? DEFAULT_CLIENT_DEADLINE_MS),
      ...(options.bearerToken === undefined ? [] : [bearerTokenInterceptor(options.bearerToken.token, options.bearerToken.methods)]),
    ],
  };
  if (options.tls?.serverNameOverride !== undefined) clientOptions['grpc.ssl_target_name_override'] = options.tls.serverNameOverride;
  return new ServiceClient(grpcTarget(options.addresses), channelCredentials(options.tls), clientOptions);
}
