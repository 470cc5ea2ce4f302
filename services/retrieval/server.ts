import { dirname } from 'node:path';
import { openAdminAccess } from '../../shared/auth/index.js';
import { confineBundlePath } from '../../shared/bundle/index.js';
import type { DurableFs } from '../../shared/durable-io/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import type { DeleteItemsRequest__Output } from '../../shared/generated/dlrs/v1/DeleteItemsRequest.js';
import type { EmbedItemsRequest__Output } from '../../shared/generated/dlrs/v1/EmbedItemsRequest.js';
import type { GetItemsRequest__Output } from '../../shared/generated/dlrs/v1/GetItemsRequest.js';
import type { LoadModelRequest__Output } from '../../shared/generated/dlrs/v1/LoadModelRequest.js';
import type { SearchRequest__Output } from '../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchStreamResponse } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import type { UpsertItemsRequest__Output } from '../../shared/generated/dlrs/v1/UpsertItemsRequest.js';
import { bidi, createGrpcServer, findService, serveMultiplexedStream, unary } from '../../shared/grpc/index.js';
import type { CallContext, GrpcServer } from '../../shared/grpc/index.js';
import type { Logger } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { RetrievalConfig } from './config.js';
import { DurableShard } from './durability/durable-shard.js';
import { withSearchEncoding } from './wire/encode-search-response.js';
import { DEFAULT_SEARCH_TUNING } from './search/filtered-search.js';
import { recoveryModelOf, RetrievalService } from './retrieval-service.js';
import { warmRetrieval } from './warm-retrieval.js';
import { searchStream } from './search/search-stream.js';
import type { ModelOpener, ServedModel } from './model/served-model.js';

/** The fully qualified name of the served service. */
export const RETRIEVAL_SERVICE = 'dlrs.v1.Retrieval';

/** Methods that change the shard or read files: they need an internal token or an allowed client certificate. */
export const RETRIEVAL_ADMIN_METHODS = ['UpsertItems', 'DeleteItems', 'Snapshot', 'LoadModel'];

/** A started retrieval shard. */
export interface RetrievalServer {
  server: GrpcServer;
  port: number;
  metricsPort: number;
  /** Resolves once the shard is loaded and health says SERVING; rejects when start-up failed. */
  ready: Promise<RetrievalService>;
  /** Stops serving and closes the shard's log; safe to call twice. */
  close(reason: string): Promise<void>;
}

/**
 * Starts a retrieval shard: the gRPC server listens at once (health
 * NOT_SERVING, calls UNAVAILABLE) while the shard recovers from its data
 * directory or embeds and indexes the bundle's catalog; then it serves.
 */
export async function startRetrievalServer(options: { config: RetrievalConfig; model: ServedModel; openModel: ModelOpener; logger: Logger; fs?: DurableFs }): Promise<RetrievalServer> {
  const { config, model } = options;
  const logger = options.logger.child({ component: 'retrieval' });
  let service: RetrievalService | undefined;
  const current = (): RetrievalService => {
    if (service === undefined) throw new DlrsError('UNAVAILABLE', 'the shard is still loading its index');
    return service;
  };
  const searchStreamOptions = searchStream((request, deadlineAtMs) => current().search(request, deadlineAtMs), config.searchStreamMaxInFlight);
  const { packageDefinition } = loadProtos();
  const admin = await openAdminAccess(config, RETRIEVAL_ADMIN_METHODS.map((method) => `/${RETRIEVAL_SERVICE}/${method}`), logger);
  const bundleRoot = config.bundleRoot ?? dirname(config.bundle);
  const server = createGrpcServer({
    logger: options.logger,
    config,
    name: 'retrieval',
    authorize: admin.authorize,
    packageDefinitions: [packageDefinition],
    services: [
      {
        definition: withSearchEncoding(findService([packageDefinition], RETRIEVAL_SERVICE)),
        implementation: {
          Search: unary((request: SearchRequest__Output, context) => current().search(request, deadlineOf(request, context))),
          SearchStream: bidi<SearchRequest__Output, SearchStreamResponse>((requests, writer, context) => serveMultiplexedStream(requests, writer, context, searchStreamOptions)),
          UpsertItems: unary((request: UpsertItemsRequest__Output) => current().upsertItems(request)),
          DeleteItems: unary((request: DeleteItemsRequest__Output) => current().deleteItems(request)),
          GetItems: unary(async (request: GetItemsRequest__Output) => current().getItems(request)),
          EmbedItems: unary((request: EmbedItemsRequest__Output) => current().embedItems(request)),
          Stats: unary(async () => current().stats()),
          Snapshot: unary(() => current().snapshot()),
          LoadModel: unary(async (request: LoadModelRequest__Output) => current().loadModel({ ...request, bundlePath: await confineBundlePath(bundleRoot, request.bundlePath) })),
        },
      },
    ],
  });
  const { port, metricsPort } = await server.start();
  let shard: DurableShard | undefined;
  const ready = (async () => {
    const startedMs = Date.now();
    logger.info({ shard: `${config.shard.index}/${config.shard.count}`, dataDir: config.dataDir, modelVersion: model.modelVersion }, 'loading the shard');
    if (config.walRepair !== 'off') logger.warn({ walRepair: config.walRepair }, 'DLRS_WAL_REPAIR is set: a damaged write-ahead log will be cut at the damage instead of refusing the start; unset it once the shard is up');
    shard = await DurableShard.open(
      {
        dataDir: config.dataDir,
        index: { connectivity: config.indexConnectivity, expansionAdd: config.indexExpansionAdd, expansionSearch: config.indexExpansionSearch, quantization: config.indexQuantization, addThreads: config.indexAddThreads, placement: config.indexPlacement },
        tuning: { ...DEFAULT_SEARCH_TUNING, exactScanMaxItems: config.exactScanMaxItems },
        snapshotAfterRecords: config.snapshotAfterRecords,
        snapshotsKept: config.snapshotsKept,
        walRepair: config.walRepair,
        logger,
        fs: options.fs,
      },
      recoveryModelOf(model, config.shard),
    );
    service = new RetrievalService({
      model,
      shard,
      identity: config.shard,
      limits: { maxK: config.searchMaxK, maxQueries: config.searchMaxQueries, maxIds: config.requestMaxIds, maxFilterClauses: config.filterMaxClauses },
      openModel: options.openModel,
      logger,
      metrics: server.metrics,
    });
    // The version the shard serves after recovery, which may still be an older one than the bundle's.
    await warmRetrieval(service, { modelVersion: shard.state.modelVersion, dim: shard.state.store.dim }, config.searchMaxK, logger);
    server.setReady(true);
    logger.info({ items: shard.state.store.size, ms: Date.now() - startedMs, indexPlacement: shard.state.index.placement }, 'shard ready');
    return service;
  })();
  ready.catch((error: unknown) => logger.error({ err: error }, 'the shard failed to load'));
  let closing: Promise<void> | undefined;
  const close = (reason: string): Promise<void> => {
    closing ??= (async () => {
      await server.shutdown(reason);
      admin.close();
      await ready.catch(() => undefined);
      await shard?.close();
    })();
    return closing;
  };
  return { server, port, metricsPort, ready, close };
}

/** The time a unary Search must be answered by: the sooner of its timeout_ms (0 = none) and the call's gRPC deadline. */
function deadlineOf(request: SearchRequest__Output, context: CallContext): number {
  const callDeadlineMs = context.deadline instanceof Date ? context.deadline.getTime() : context.deadline;
  return Math.min(callDeadlineMs, request.timeoutMs > 0 ? Date.now() + request.timeoutMs : Number.POSITIVE_INFINITY);
}
