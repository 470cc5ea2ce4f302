import {
  booleanField,
  durationMsField,
  enumField,
  filePathField,
  hostField,
  portField,
  sizeBytesField,
} from './config-fields.js';

/** Log levels pino knows, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Listen on every interface: inside a container or pod the probe and the peers come from outside. */
const DEFAULT_HOST = '0.0.0.0';
/** grpc-js defaults to 4 MiB; a batch of a few thousand 256-d float32 embeddings exceeds that. */
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Ping idle connections every 30 s so load balancers and NATs do not drop them silently. */
const DEFAULT_KEEPALIVE_TIME_MS = 30_000;
/** A peer that does not answer a ping within 10 s is gone. */
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;
/** Drain in-flight calls for up to 10 s: well within Kubernetes' default 30 s termination grace period. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Upper bound of message size: protobuf messages cannot exceed 2 GiB. */
const MAX_MESSAGE_BYTES_LIMIT = 2 * 1024 ** 3 - 1;

/**
 * The settings every dlrs gRPC server shares. A service spreads the result into
 * its own shape: `defineConfig({ ...serverConfigShape({ port: 50052, metricsPort: 9465 }), ... }, { prefix: 'DLRS_RANKING_' })`.
 */
export function serverConfigShape(defaults: { port: number; metricsPort: number }) {
  return {
    host: hostField().default(DEFAULT_HOST),
    port: portField().default(defaults.port),
    metricsPort: portField().default(defaults.metricsPort),
    /** TLS is on when both certificate and key are set; with a CA, clients must present a certificate it signed (mTLS). */
    tlsCertPath: filePathField({ mustExist: true }).optional(),
    tlsKeyPath: filePathField({ mustExist: true }).optional(),
    tlsCaPath: filePathField({ mustExist: true }).optional(),
    maxMessageBytes: sizeBytesField({ min: 1024, max: MAX_MESSAGE_BYTES_LIMIT }).default(DEFAULT_MAX_MESSAGE_BYTES),
    keepaliveTimeMs: durationMsField({ min: 1_000 }).default(DEFAULT_KEEPALIVE_TIME_MS),
    keepaliveTimeoutMs: durationMsField({ min: 100 }).default(DEFAULT_KEEPALIVE_TIMEOUT_MS),
    shutdownTimeoutMs: durationMsField().default(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    logLevel: enumField(LOG_LEVELS).default('info'),
    /**
     * V8's allocation-site pretenuring, off by default: after a burst, V8 allocates request
     * garbage straight into the old generation, and the process then runs a full collection
     * every few dozen requests (bench/scale/README.md).
     */
    allocationSitePretenuring: booleanField().default(false),
  };
}

/** The typed server settings, as {@link serverConfigShape} produces them after loading. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly metricsPort: number;
  readonly tlsCertPath?: string | undefined;
  readonly tlsKeyPath?: string | undefined;
  readonly tlsCaPath?: string | undefined;
  readonly maxMessageBytes: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly allocationSitePretenuring: boolean;
}
