import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureSpec, Item } from '../../shared/features/index.js';
import type { DurableFs } from '../../shared/durable-io/index.js';
import { createGrpcClient, createGrpcServer, findService } from '../../shared/grpc/index.js';
import type { ClientTlsOptions, GrpcServer, ServiceClientConstructor } from '../../shared/grpc/index.js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RetrievalClient } from '../../shared/generated/dlrs/v1/Retrieval.js';
import { InteractionLogWriter } from '../../shared/interaction-log/index.js';
import type { Logger } from '../../shared/logging/index.js';
import { createMetricsRegistry } from '../../shared/metrics/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { firstTokenOf, watchTokenFile } from '../../shared/auth/index.js';
import { API_TOKEN_FILE_FORMAT, apiTokenAuthorizer } from './api-token-authorizer.js';
import { INTERACTION_LOG_DIR, PROFILE_STORE_FILE, gatewayLimits } from './gateway-config.js';
import type { GatewayConfig } from './gateway-config.js';
import { gatewayService } from './gateway-service.js';
import { ItemFeatureCache } from './item-cache/index.js';
import { PopularityTracker, seedPopularity } from './popularity/index.js';
import { EmbeddedProfileStore, RedisProfileStore, monitorProfileStore } from './profile-store/index.js';
import type { ProfileStore } from './profile-store/index.js';
import type { GatewayEvent, StoredProfile } from './profiles/index.js';
import type { RankingPort, RetrievalShardPort } from './recommend/index.js';
import { ImpressionAttribution } from './attribution/index.js';
import { searchStreamDecodingClient, shardedCatalog, streamingRankingPort, streamingShardPort, unaryRankingPort, unaryShardPort } from './tiers/index.js';
import { warmGateway } from './warm-gateway.js';

/** What the gateway takes from the model bundle and the sharding rule. */
export interface GatewayModel {
  /** The served model's feature spec. */
  spec: FeatureSpec;
  /** The shard that owns an item, given the shard count. */
  shardOf: (itemId: string, shardCount: number) => number;
}

/** A running gateway. */
export interface RunningGateway {
  server: GrpcServer;
  port: number;
  metricsPort: number;
  /** Stops serving, then closes the tier connections, the store and the log; safe to call twice. */
  stop(reason: string): Promise<void>;
}

/** Events older than this many half-lives weigh under 0.1 % in the popularity seed. */
const POPULARITY_SEED_HALF_LIVES = 10;
/** Lists remembered per user for the click-through metric: a user acts on one of the last few pages shown. */
const ATTRIBUTION_LISTS_PER_USER = 8;

/** Retried on UNAVAILABLE by the client: they change nothing, or write the same result again. */
const RANKING_IDEMPOTENT_METHODS = ['EmbedUsers', 'Rank', 'GetModel'];
const RETRIEVAL_IDEMPOTENT_METHODS = ['Search', 'GetItems', 'EmbedItems', 'Stats', 'UpsertItems', 'DeleteItems'];
/** The retrieval methods the gateway calls that need the internal token. */
const RETRIEVAL_ADMIN_METHODS = ['UpsertItems', 'DeleteItems'];

/**
 * Builds and starts the gateway of `config`: profile store, interaction log, popularity
 * (seeded from the log), item-feature cache, clients of ranking and every retrieval shard
 * (streams with unary fallback, or unary only), and the Recommender service behind API
 * tokens when configured. Health turns SERVING once it listens, and NOT_SERVING while the
 * embedded profile store cannot write its file. `options.fs` is the file layer of the store
 * and the log (a failing disk in tests).
 */
export async function startGateway(config: GatewayConfig, model: GatewayModel, logger: Logger, options: { fs?: DurableFs } = {}): Promise<RunningGateway> {
  const closers: (() => Promise<void> | void)[] = [];
  // Each component logs under its own name, so that a line says which part of the gateway wrote it.
  const componentLogger = (component: string): Logger => logger.child({ component });
  try {
    await mkdir(config.dataDir, { recursive: true });
    const metrics = createMetricsRegistry({ serviceName: 'gateway' });
    const storeMonitor = monitorProfileStore(metrics, componentLogger('profile-store'));
    const ttlMs = config.profileTtlMs > 0 ? config.profileTtlMs : undefined;
    const store: ProfileStore<StoredProfile, GatewayEvent> =
      config.profileStore === 'redis' && config.redisUrl !== undefined
        ? new RedisProfileStore({
            connection: config.redisUrl,
            dedupeWindowPerUser: config.dedupeWindowPerUser,
            ttlMs,
            onConnectionError: (error) => componentLogger('profile-store').warn({ err: error }, 'profile store (Redis) connection error'),
          })
        : await EmbeddedProfileStore.open({
            path: join(config.dataDir, PROFILE_STORE_FILE),
            dedupeWindowPerUser: config.dedupeWindowPerUser,
            maxUsers: config.maxProfiles,
            idleTtlMs: ttlMs,
            fs: options.fs,
            ...storeMonitor.hooks,
          });
    closers.push(() => store.close());

    const popularity = new PopularityTracker({
      halfLifeMs: config.popularityHalfLifeMs,
      capacity: config.popularityCapacity,
      // Also for events of the log recorded before weights were capped.
      maxWeight: config.maxEventWeight,
    });
    let log: InteractionLogWriter | undefined;
    if (config.interactionLog) {
      const logDir = join(config.dataDir, INTERACTION_LOG_DIR);
      const writer = await InteractionLogWriter.open({
        dir: logDir,
        maxFileBytes: config.interactionLogMaxFileBytes,
        maxFileAgeMs: config.interactionLogMaxFileAgeMs,
        retentionMs: config.interactionLogRetentionMs,
        maxTotalBytes: config.interactionLogMaxTotalBytes,
        fs: options.fs,
        onError: (error) => componentLogger('interaction-log').warn({ err: error }, 'interaction log write or retention failed; records dropped'),
        onRetention: (result) => componentLogger('interaction-log').info(result, 'interaction log files deleted by the retention'),
      });
      log = writer;
      closers.push(() => writer.close());
      const seeded = await seedPopularity(popularity, logDir, model.spec, Date.now() - POPULARITY_SEED_HALF_LIVES * config.popularityHalfLifeMs);
      componentLogger('popularity').info({ interactions: seeded, items: popularity.size }, 'popularity seeded from the interaction log');
    }

    const tokens = config.apiTokensFile === undefined ? undefined : await watchTokenFile({ path: config.apiTokensFile, format: API_TOKEN_FILE_FORMAT, logger });
    if (tokens === undefined) logger.warn('API tokens are off (DLRS_ALLOW_ANONYMOUS=true): anyone who reaches the port may read, write and administer');
    else closers.push(() => tokens.close());
    // Catalog writes reach the shards' admin methods, which ask for the internal token.
    const internalToken =
      config.internalTokenFile === undefined
        ? undefined
        : { token: firstTokenOf(await readFile(config.internalTokenFile, 'utf8'), config.internalTokenFile), methods: RETRIEVAL_ADMIN_METHODS };
    const tls: ClientTlsOptions | undefined =
      config.internalTlsCaPath === undefined && config.internalTlsCertPath === undefined
        ? undefined
        : { caPath: config.internalTlsCaPath, certPath: config.internalTlsCertPath, keyPath: config.internalTlsKeyPath };
    const { Ranking, Retrieval } = loadProtos().grpcObject.dlrs.v1;
    const rankingClient = createGrpcClient(Ranking as unknown as ServiceClientConstructor<RankingClient>, { addresses: config.rankingAddress, tls, idempotentMethods: RANKING_IDEMPOTENT_METHODS });
    closers.push(() => rankingClient.close());
    const RetrievalDecoding = searchStreamDecodingClient(Retrieval);
    const shardClients = config.retrievalAddresses.map((address) =>
      createGrpcClient(RetrievalDecoding as unknown as ServiceClientConstructor<RetrievalClient>, { addresses: address, tls, idempotentMethods: RETRIEVAL_IDEMPOTENT_METHODS, bearerToken: internalToken }),
    );
    for (const client of shardClients) closers.push(() => client.close());
    let ranking: RankingPort;
    let shards: RetrievalShardPort[];
    if (config.useStreams) {
      const streams = { logger: componentLogger('tiers') };
      const rankingPort = streamingRankingPort(rankingClient, streams);
      const shardPorts = shardClients.map((client, shard) => streamingShardPort(shard, client, streams));
      closers.push(() => rankingPort.close(), ...shardPorts.map((port) => () => port.close()));
      ranking = rankingPort;
      shards = shardPorts;
    } else {
      ranking = unaryRankingPort(rankingClient);
      shards = shardClients.map((client, shard) => unaryShardPort(shard, client));
    }
    const shardCount = shardClients.length;
    const catalog = shardedCatalog(shardClients, (itemId) => model.shardOf(itemId, shardCount), logger.child({ component: 'catalog' }));
    const itemCache = new ItemFeatureCache<Item>({
      fetch: (itemIds) => catalog.getItems(itemIds, { deadlineMs: Date.now() + config.defaultTimeoutMs, signal: AbortSignal.timeout(config.defaultTimeoutMs) }),
      maxEntries: config.itemCacheMaxEntries,
      ttlMs: config.itemCacheTtlMs,
    });

    const attribution = new ImpressionAttribution(metrics, {
      windowMs: config.attributionWindowMs,
      clickTypes: new Set(config.clickEventTypes),
      maxUsers: config.attributionMaxUsers,
      maxListsPerUser: ATTRIBUTION_LISTS_PER_USER,
    });
    const service = gatewayService({ store, spec: () => model.spec, itemCache, popularity, log, attribution, ranking, shards, catalog, limits: gatewayLimits(config), metrics, logger });
    const { packageDefinition } = loadProtos();
    const server = createGrpcServer({
      logger,
      config,
      publicEdge: config,
      name: 'gateway',
      metrics,
      packageDefinitions: [packageDefinition],
      services: [{ definition: findService([packageDefinition], 'dlrs.v1.Recommender'), implementation: service }],
      authorize: tokens === undefined ? undefined : apiTokenAuthorizer(() => tokens.current()),
    });
    const { port, metricsPort } = await server.start();
    await warmGateway({ ranking, shards, popularity }, config.warmupCalls, componentLogger('warm-up'));
    // Readiness follows the store: a gateway that cannot keep writes leaves the rotation.
    server.setReady(storeMonitor.failure === undefined);
    storeMonitor.onChange((failure) => server.setReady(failure === undefined));
    logger.info({ port, shards: shardCount, profileStore: config.profileStore, streams: config.useStreams, apiTokens: tokens?.current().size ?? 'off' }, 'gateway serving');
    let stopped: Promise<void> | undefined;
    return {
      server,
      port,
      metricsPort,
      stop: (reason) =>
        (stopped ??= (async () => {
          await server.shutdown(reason);
          await closeAll(closers);
        })()),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

// Last opened, first closed: the ports before their clients, the clients before the store.
async function closeAll(closers: (() => Promise<void> | void)[]): Promise<void> {
  for (const close of closers.reverse()) await close();
}
