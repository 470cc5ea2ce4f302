import {
  ConfigError,
  booleanField,
  configField,
  defineConfig,
  durationMsField,
  enumField,
  filePathField,
  integerField,
  loadConfig,
  numberField,
  publicEdgeConfigShape,
  serverConfigShape,
  sizeBytesField,
  stringField,
} from '../../shared/config/index.js';
import type { Config, Env } from '../../shared/config/index.js';
import { DEFAULT_ITEM_CACHE_MAX_ENTRIES, DEFAULT_ITEM_CACHE_TTL_MS } from './item-cache/index.js';
import { DEFAULT_MAX_FILE_AGE_MS, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_RETENTION_MS } from '../../shared/interaction-log/index.js';
import { DEFAULT_POPULARITY_CAPACITY, DEFAULT_POPULARITY_HALF_LIFE_MS } from './popularity/index.js';
import { DEFAULT_DEDUPE_WINDOW_PER_USER, DEFAULT_MAX_PROFILES } from './profile-store/index.js';
import type { GatewayLimits } from './gateway-service.js';

/** The gateway's public gRPC port (gateway 50051, ranking 50052, retrieval 50053). */
const DEFAULT_PORT = 50051;
/** Its Prometheus port, beside the other services'. */
const DEFAULT_METRICS_PORT = 9464;
/** Where the ranking tier listens in the single-machine layout. */
const DEFAULT_RANKING_ADDRESS = '127.0.0.1:50052';
/** One retrieval shard on the default port in the single-machine layout. */
const DEFAULT_RETRIEVAL_ADDRESSES = ['127.0.0.1:50053'];
/** Ten minutes, the default window of `dlrs report online`: the live metric and the report agree. */
const DEFAULT_ATTRIBUTION_WINDOW_MS = 600_000;
/** 100k users × 8 lists of ~10 ids is some 100 MB at most; active users within a window are far fewer. */
const DEFAULT_ATTRIBUTION_MAX_USERS = 100_000;
/** Relative to the working directory, like every other dlrs data folder. */
const DEFAULT_DATA_DIR = 'data/gateway';
/** The embedded store's file inside the data folder. */
export const PROFILE_STORE_FILE = 'profiles.aof';
/** The interaction log's folder inside the data folder (what `dlrs train --data log:DIR` reads). */
export const INTERACTION_LOG_DIR = 'interactions';
/**
 * A profile not written for 90 days describes a taste that has moved on (its bag of recent
 * items is months old); such a user is served like a new one. 0 keeps profiles forever.
 */
const DEFAULT_PROFILE_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** Pages of results beyond 100 items are another product (search), not a recommendation. */
const DEFAULT_MAX_K = 100;
/** RankNet re-ranks C = 100 to 300 candidates; 1,000 leaves room below ranking's own 2,000. */
const DEFAULT_MAX_CANDIDATES = 1000;
/** A client excluding more than a thousand items should filter by attribute instead. */
const DEFAULT_MAX_EXCLUDE_IDS = 1000;
/** An inline context is a session's recent history; the profile keeps a bag of tens of items. */
const DEFAULT_MAX_CONTEXT_INTERACTIONS = 200;
/** A producer batch of a thousand events is about 100 KiB on the wire. */
const DEFAULT_MAX_EVENTS_PER_BATCH = 1000;
/** Catalog writes of a thousand items keep one shard's durable write short. */
const DEFAULT_MAX_ITEMS_PER_CALL = 1000;
/** Enough to keep both tiers busy for one client's stream without letting it starve the others. */
const DEFAULT_MAX_IN_FLIGHT_PER_STREAM = 64;
/**
 * Why 256: the reference machine (2 cores, all tiers) completes about 600 Recommend/s, so 256
 * admitted requests queue for at most about 0.4 s, inside the default 1 s budget; and at half that
 * rate a degraded tier (a slow or dead shard holds each request for its search share, ~0.6 s) keeps
 * about 190 in flight, which must still be answered, not refused. Beyond it a request is refused
 * at once instead of waiting into its deadline. Scale with the tiers' capacity.
 */
const DEFAULT_MAX_RECOMMENDS_IN_FLIGHT = 256;
/** Enough for the optimising compiler to take the recommendation path, a second or two on two cores. */
const DEFAULT_WARMUP_CALLS = 200;
/** A recommendation that takes longer than a second is too late for a page view. */
const DEFAULT_TIMEOUT_MS = 1000;
/** A RecommendStream request may ask for ten times the default budget, never for minutes of the tiers' time. */
const DEFAULT_MAX_TIMEOUT_MS = 10_000;
/**
 * Event types weigh 1 to a few (a purchase 3, a rating up to 5): an explicit weight a hundred
 * times that is already a strong signal. One event must never outweigh a catalog's worth of
 * interactions, in a profile or in the popular fallback.
 */
const DEFAULT_MAX_EVENT_WEIGHT = 100;
/** Producers' clocks drift by seconds; five minutes covers a badly synchronised host, not a date typed wrong. */
const DEFAULT_MAX_EVENT_FUTURE_MS = 5 * 60 * 1000;

/** A comma-separated list of host:port addresses; shard i is the i-th. */
function addressListField() {
  return configField('a comma-separated list of host:port addresses', (raw) => {
    const list = typeof raw === 'string' ? raw.split(',').map((part) => part.trim()) : raw;
    if (!Array.isArray(list) || list.length === 0) return undefined;
    return list.every((address) => typeof address === 'string' && /^[^\s,]+:\d+$/.test(address)) ? (list as string[]) : undefined;
  });
}

function eventTypeListField() {
  return configField('a comma-separated list of event types', (raw) => {
    const list = typeof raw === 'string' ? raw.split(',').map((part) => part.trim()) : raw;
    if (!Array.isArray(list) || list.length === 0) return undefined;
    return list.every((type) => typeof type === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(type)) ? (list as string[]) : undefined;
  });
}

/** The gateway configuration: `DLRS_*` variables or a config file. */
export const gatewayConfigDefinition = defineConfig(
  {
    ...serverConfigShape({ port: DEFAULT_PORT, metricsPort: DEFAULT_METRICS_PORT }),
    /** The gateway's port faces the public: bounded messages, streams, connections and pings. */
    ...publicEdgeConfigShape(),
    /** The model bundle the tiers serve: the gateway reads its feature spec (event weights, bag length, features). */
    bundle: filePathField({ mustExist: true }).optional(),
    rankingAddress: stringField().default(DEFAULT_RANKING_ADDRESS),
    /** One address per retrieval shard, in shard order: the list's length is the shard count. */
    retrievalAddresses: addressListField().default(DEFAULT_RETRIEVAL_ADDRESSES),
    /** Reach the tiers over long-lived streams (unary calls while a stream is down); false = unary only. */
    useStreams: booleanField().default(true),
    /** TLS to the internal tiers: their CA, and a client certificate for mutual TLS. */
    internalTlsCaPath: filePathField({ mustExist: true }).optional(),
    internalTlsCertPath: filePathField({ mustExist: true }).optional(),
    internalTlsKeyPath: filePathField({ mustExist: true }).optional(),
    /**
     * The API tokens: lines `TOKEN [scope,…]` (scopes read, write, admin; a bare token is
     * read,write). Required unless allowAnonymous; re-read when it changes and on SIGHUP.
     */
    apiTokensFile: filePathField({ mustExist: true }).optional(),
    /** Serve without API tokens (anyone who reaches the port may read, write and administer); logged as a warning. */
    allowAnonymous: booleanField().default(false),
    /** The internal token presented to retrieval shards on catalog writes (their DLRS_INTERNAL_TOKEN_FILE holds it too). */
    internalTokenFile: filePathField({ mustExist: true }).optional(),
    /** Holds the embedded profile store (`profiles.aof`) and the interaction log (`interactions/`). */
    dataDir: filePathField().default(DEFAULT_DATA_DIR),
    profileStore: enumField(['embedded', 'redis']).default('embedded'),
    /** redis:// or rediss:// URL of the shared store (profileStore = redis). */
    redisUrl: stringField().optional(),
    dedupeWindowPerUser: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_DEDUPE_WINDOW_PER_USER),
    /** The embedded store keeps at most this many profiles (the least recently written go first). */
    maxProfiles: integerField({ min: 1, max: 100_000_000 }).default(DEFAULT_MAX_PROFILES),
    /** A profile not written for this long is dropped (embedded) or expires (Redis key TTL); 0 = never. */
    profileTtlMs: durationMsField({ min: 0 }).default(DEFAULT_PROFILE_TTL_MS),
    /** Append every event and served list to the interaction log, for training. */
    interactionLog: booleanField().default(true),
    interactionLogMaxFileBytes: sizeBytesField({ min: 1024 }).default(DEFAULT_MAX_FILE_BYTES),
    interactionLogMaxFileAgeMs: durationMsField({ min: 1000 }).default(DEFAULT_MAX_FILE_AGE_MS),
    /** Log files older than this are deleted (0 = kept whatever their age). */
    interactionLogRetentionMs: durationMsField({ min: 0 }).default(DEFAULT_RETENTION_MS),
    /** The oldest log files are deleted while all of them together are larger (0 = no bound). */
    interactionLogMaxTotalBytes: sizeBytesField({ min: 0 }).default(DEFAULT_MAX_TOTAL_BYTES),
    /** Online click-through: an event on a served item counts for its list within this window (as `dlrs report online --window-ms`). */
    attributionWindowMs: durationMsField({ min: 1000, max: 86_400_000 }).default(DEFAULT_ATTRIBUTION_WINDOW_MS),
    /** The event types counted as clicks by the click-through metric (every type counts as engagement). */
    clickEventTypes: eventTypeListField().default(['click']),
    /** Users whose recent lists the click-through metric remembers (the least recently served go first). */
    attributionMaxUsers: integerField({ min: 1, max: 10_000_000 }).default(DEFAULT_ATTRIBUTION_MAX_USERS),
    popularityHalfLifeMs: durationMsField({ min: 1000 }).default(DEFAULT_POPULARITY_HALF_LIFE_MS),
    popularityCapacity: integerField({ min: 1, max: 10_000_000 }).default(DEFAULT_POPULARITY_CAPACITY),
    itemCacheMaxEntries: integerField({ min: 1, max: 100_000_000 }).default(DEFAULT_ITEM_CACHE_MAX_ENTRIES),
    itemCacheTtlMs: durationMsField({ min: 0 }).default(DEFAULT_ITEM_CACHE_TTL_MS),
    maxK: integerField({ min: 1, max: 10_000 }).default(DEFAULT_MAX_K),
    maxCandidates: integerField({ min: 1, max: 100_000 }).default(DEFAULT_MAX_CANDIDATES),
    maxExcludeIds: integerField({ min: 0, max: 1_000_000 }).default(DEFAULT_MAX_EXCLUDE_IDS),
    maxContextInteractions: integerField({ min: 0, max: 100_000 }).default(DEFAULT_MAX_CONTEXT_INTERACTIONS),
    maxEventsPerBatch: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_MAX_EVENTS_PER_BATCH),
    maxItemsPerCall: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_MAX_ITEMS_PER_CALL),
    maxInFlightPerStream: integerField({ min: 1, max: 100_000 }).default(DEFAULT_MAX_IN_FLIGHT_PER_STREAM),
    maxRecommendsInFlight: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_MAX_RECOMMENDS_IN_FLIGHT),
    defaultTimeoutMs: durationMsField({ min: 1 }).default(DEFAULT_TIMEOUT_MS),
    /** Synthetic recommendations through the gateway's own path before it turns SERVING (0 = none). */
    warmupCalls: integerField({ min: 0, max: 100_000 }).default(DEFAULT_WARMUP_CALLS),
    maxTimeoutMs: durationMsField({ min: 1 }).default(DEFAULT_MAX_TIMEOUT_MS),
    /** The largest explicit event weight accepted (Interaction.weight). */
    maxEventWeight: numberField({ min: 1, max: 1e6 }).default(DEFAULT_MAX_EVENT_WEIGHT),
    /** How far ahead of the gateway's clock an event's timestamp may lie. */
    maxEventFutureMs: durationMsField().default(DEFAULT_MAX_EVENT_FUTURE_MS),
  },
);

/** The loaded, frozen gateway configuration. */
export type GatewayConfig = Config<typeof gatewayConfigDefinition.shape>;

/** Loads the gateway configuration and checks the settings that depend on each other. */
export function loadGatewayConfig(options: { env?: Env; file?: string } = {}): GatewayConfig {
  const config = loadConfig(gatewayConfigDefinition, options);
  const problems: string[] = [];
  if (config.profileStore === 'redis' && config.redisUrl === undefined) problems.push('DLRS_REDIS_URL is required when DLRS_PROFILE_STORE=redis');
  if (config.defaultTimeoutMs > config.maxTimeoutMs) problems.push(`DLRS_DEFAULT_TIMEOUT_MS=${config.defaultTimeoutMs} exceeds DLRS_MAX_TIMEOUT_MS=${config.maxTimeoutMs}`);
  if (config.maxK > config.maxCandidates) problems.push(`DLRS_MAX_K=${config.maxK} exceeds DLRS_MAX_CANDIDATES=${config.maxCandidates}: such a k could never be served`);
  if ((config.internalTlsCertPath === undefined) !== (config.internalTlsKeyPath === undefined)) {
    problems.push('DLRS_INTERNAL_TLS_CERT_PATH and DLRS_INTERNAL_TLS_KEY_PATH go together (a client certificate needs its key)');
  }
  if (config.apiTokensFile === undefined && !config.allowAnonymous) {
    problems.push('DLRS_API_TOKENS_FILE is required: name a file of API tokens (lines "TOKEN read,write,admin"), or set DLRS_ALLOW_ANONYMOUS=true to serve without authentication');
  }
  if (config.apiTokensFile !== undefined && config.allowAnonymous) {
    problems.push('DLRS_API_TOKENS_FILE and DLRS_ALLOW_ANONYMOUS=true contradict each other: unset one of them');
  }
  if (config.interactionLogMaxTotalBytes > 0 && config.interactionLogMaxTotalBytes < config.interactionLogMaxFileBytes) {
    problems.push(`DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES=${config.interactionLogMaxTotalBytes} is below DLRS_INTERACTION_LOG_MAX_FILE_BYTES=${config.interactionLogMaxFileBytes}: the log could not keep one whole file`);
  }
  // A writer appends to a file for up to its maximum age: a shorter retention could delete it meanwhile.
  if (config.interactionLogRetentionMs > 0 && config.interactionLogRetentionMs <= config.interactionLogMaxFileAgeMs) {
    problems.push(`DLRS_INTERACTION_LOG_RETENTION_MS=${config.interactionLogRetentionMs} must exceed DLRS_INTERACTION_LOG_MAX_FILE_AGE_MS=${config.interactionLogMaxFileAgeMs}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The API limits of a configuration. */
export function gatewayLimits(config: GatewayConfig): GatewayLimits {
  return {
    maxK: config.maxK,
    maxCandidates: config.maxCandidates,
    maxExcludeIds: config.maxExcludeIds,
    maxContextInteractions: config.maxContextInteractions,
    maxEventsPerBatch: config.maxEventsPerBatch,
    maxItemsPerCall: config.maxItemsPerCall,
    maxInFlightPerStream: config.maxInFlightPerStream,
    maxRecommendsInFlight: config.maxRecommendsInFlight,
    defaultTimeoutMs: config.defaultTimeoutMs,
    maxTimeoutMs: config.maxTimeoutMs,
    maxEventWeight: config.maxEventWeight,
    maxEventFutureMs: config.maxEventFutureMs,
  };
}
