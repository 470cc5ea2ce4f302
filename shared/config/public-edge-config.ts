import { durationMsField, integerField, sizeBytesField } from './config-fields.js';

/**
 * The largest public request: a batch of a thousand events or catalog items is a few hundred
 * KiB. Internal servers keep 16 MiB for embedding batches; on the public port that much
 * per unfinished body lets a few dozen streams fill the pod's memory.
 */
const DEFAULT_PUBLIC_MAX_MESSAGE_BYTES = 1024 * 1024;
/**
 * The minimum RFC 9113 recommends. RecommendStream carries many requests on one stream and
 * clients queue calls beyond the limit, so legitimate clients never need more; with 1 MiB
 * messages one connection buffers at most about 100 MiB of unfinished bodies.
 */
const DEFAULT_PUBLIC_MAX_CONCURRENT_STREAMS = 100;
/**
 * After half an hour a connection is told to go away (GOAWAY) and the client reconnects:
 * load spreads over new gateway replicas, and no connection lives for ever.
 */
const DEFAULT_PUBLIC_MAX_CONNECTION_AGE_MS = 30 * 60 * 1000;
/** Calls still running a minute after that GOAWAY are cut; unary calls finish within seconds. */
const DEFAULT_PUBLIC_MAX_CONNECTION_AGE_GRACE_MS = 60 * 1000;
/** A connection without calls for five minutes is closed; a client reconnects when it next calls. */
const DEFAULT_PUBLIC_MAX_CONNECTION_IDLE_MS = 5 * 60 * 1000;
/**
 * Clients may ping (keepalive) at most every 10 s while the server sends them nothing: grpc
 * clients are usually configured with 20 to 60 s; faster pings only cost the server.
 */
const DEFAULT_PUBLIC_MIN_PING_INTERVAL_MS = 10_000;
/** As in gRPC core: the third ping too soon ends the connection (GOAWAY ENHANCE_YOUR_CALM, "too_many_pings"). */
const DEFAULT_PUBLIC_MAX_PING_STRIKES = 2;
/**
 * Node's own default (10 MB, counted as Node counts it, in 10^6 bytes) for what HTTP/2 may
 * hold per connection (header tables, frames not yet written to a client that does not read);
 * beyond it new streams are refused. grpc-js lifts the limit, which internal servers keep.
 */
const DEFAULT_PUBLIC_MAX_SESSION_MEMORY_MB = 10;

/**
 * The limits of a server that faces the public (the gateway's port): keys to spread into a
 * service's config shape, loaded from `DLRS_PUBLIC_*`.
 */
export function publicEdgeConfigShape() {
  return {
    publicMaxMessageBytes: sizeBytesField({ min: 1024, max: 64 * 1024 * 1024 }).default(DEFAULT_PUBLIC_MAX_MESSAGE_BYTES),
    publicMaxConcurrentStreams: integerField({ min: 1, max: 10_000 }).default(DEFAULT_PUBLIC_MAX_CONCURRENT_STREAMS),
    publicMaxConnectionAgeMs: durationMsField({ min: 1000 }).default(DEFAULT_PUBLIC_MAX_CONNECTION_AGE_MS),
    publicMaxConnectionAgeGraceMs: durationMsField({ min: 0 }).default(DEFAULT_PUBLIC_MAX_CONNECTION_AGE_GRACE_MS),
    publicMaxConnectionIdleMs: durationMsField({ min: 1000 }).default(DEFAULT_PUBLIC_MAX_CONNECTION_IDLE_MS),
    publicMinPingIntervalMs: durationMsField({ min: 0 }).default(DEFAULT_PUBLIC_MIN_PING_INTERVAL_MS),
    publicMaxPingStrikes: integerField({ min: 0, max: 1000 }).default(DEFAULT_PUBLIC_MAX_PING_STRIKES),
    publicMaxSessionMemoryMb: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_PUBLIC_MAX_SESSION_MEMORY_MB),
  };
}

/** The typed public-edge settings, as {@link publicEdgeConfigShape} produces them after loading. */
export interface PublicEdgeConfig {
  readonly publicMaxMessageBytes: number;
  readonly publicMaxConcurrentStreams: number;
  readonly publicMaxConnectionAgeMs: number;
  readonly publicMaxConnectionAgeGraceMs: number;
  readonly publicMaxConnectionIdleMs: number;
  readonly publicMinPingIntervalMs: number;
  readonly publicMaxPingStrikes: number;
  readonly publicMaxSessionMemoryMb: number;
}
