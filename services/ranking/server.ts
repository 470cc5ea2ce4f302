import { dirname } from 'node:path';
import { openAdminAccess } from '../../shared/auth/index.js';
import { confineBundlePath } from '../../shared/bundle/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import type { EmbedUsersRequest__Output } from '../../shared/generated/dlrs/v1/EmbedUsersRequest.js';
import type { LoadModelRequest__Output } from '../../shared/generated/dlrs/v1/LoadModelRequest.js';
import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankStreamRequest__Output } from '../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import { bidi, createGrpcServer, serveMultiplexedStream, unary } from '../../shared/grpc/index.js';
import type { CallContext, GrpcServer } from '../../shared/grpc/index.js';
import type { Logger } from '../../shared/logging/index.js';
import { createMetricsRegistry } from '../../shared/metrics/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { servingSettings } from './config.js';
import type { RankingConfig } from './config.js';
import { LoadedModel } from './model/loaded-model.js';
import type { ModelDescription } from './model/loaded-model.js';
import type { SubmitOptions } from './inference/micro-batcher.js';
import { rankStream } from './wire/rank-stream.js';
import { createRankingMetrics } from './ranking-metrics.js';
import { warmRanking } from './warm-ranking.js';
import { RankingService } from './ranking-service.js';

/** Reads the model bundle at a path into what the service serves. */
export type BundleDescriber = (bundlePath: string) => Promise<ModelDescription>;

/** Options of {@link startRankingServer}. */
export interface RankingServerOptions {
  config: RankingConfig;
  logger: Logger;
  /** The bundle served first. */
  bundlePath: string;
  describe: BundleDescriber;
}

/** A running ranking server. */
export interface RankingServer {
  readonly server: GrpcServer;
  readonly port: number;
  readonly metricsPort: number;
  /** The service; defined once the first model is warm. */
  readonly service: RankingService;
  /** Stops serving: gRPC drain, then the model's accepted requests, then the workers. Safe to call twice. */
  close(reason: string): Promise<void>;
}

/** What a call's context means to the batcher: its deadline and its cancellation. */
function submitOptions(context: CallContext): SubmitOptions {
  const deadlineMs = context.deadline instanceof Date ? context.deadline.getTime() : context.deadline;
  return { signal: context.signal, ...(Number.isFinite(deadlineMs) ? { deadlineAtMs: deadlineMs } : {}) };
}

/**
 * Starts the ranking gRPC server: it listens at once with health NOT_SERVING, loads and warms
 * the first model, and only then reports SERVING. Health, reflection, /metrics and graceful
 * shutdown come from shared/grpc.
 */
export async function startRankingServer(options: RankingServerOptions): Promise<RankingServer> {
  const { config, describe } = options;
  const logger = options.logger.child({ component: 'ranking' });
  const metrics = createMetricsRegistry({ serviceName: 'ranking' });
  const rankingMetrics = createRankingMetrics(metrics);
  const settings = servingSettings(config);
  const limits = { maxCandidates: config.maxCandidates, maxProfiles: config.maxProfiles };
  const loadModel = async (bundlePath: string): Promise<LoadedModel> => {
    const description = await describe(bundlePath);
    const table = description.itemTable;
    if (table !== undefined) logger.info({ modelVersion: description.modelVersion, items: table.size, bytes: table.memoryBytes() }, 'item table built');
    const model = await LoadedModel.load(description, settings, logger, (network) => rankingMetrics.observe(network));
    // The table of the model about to be served (a load that fails before this leaves the gauge as it was).
    rankingMetrics.itemTable(table?.memoryBytes() ?? 0);
    return model;
  };

  const state: { service?: RankingService } = {};
  const serving = (): RankingService => {
    if (state.service === undefined) throw new DlrsError('UNAVAILABLE', 'the model is still loading');
    return state.service;
  };
  const rankStreamOptions = rankStream(serving, { defaultTimeoutMs: config.streamRequestTimeoutMs, maxInFlight: config.streamMaxInFlight });
  const protos = loadProtos();
  // LoadModel reads files and replaces the model: it needs an internal token or an allowed client certificate.
  const admin = await openAdminAccess(config, ['/dlrs.v1.Ranking/LoadModel'], logger);
  const bundleRoot = config.bundleRoot ?? dirname(options.bundlePath);
  const server = createGrpcServer({
    logger: options.logger,
    config,
    authorize: admin.authorize,
    packageDefinitions: [protos.packageDefinition],
    name: 'ranking',
    metrics,
    services: [
      {
        definition: protos.grpcObject.dlrs.v1.Ranking.service,
        implementation: {
          EmbedUsers: unary((request: EmbedUsersRequest__Output, context) => serving().embedUsers(request, submitOptions(context))),
          Rank: unary((request: RankRequest__Output, context) => serving().rank(request, submitOptions(context))),
          RankStream: bidi<RankStreamRequest__Output, RankStreamResponse>((requests, writer, context) => serveMultiplexedStream(requests, writer, context, rankStreamOptions)),
          GetModel: unary(async () => serving().getModel()),
          LoadModel: unary(async (request: LoadModelRequest__Output) => serving().loadModel(await confineBundlePath(bundleRoot, request.bundlePath))),
        },
      },
    ],
  });
  const { port, metricsPort } = await server.start();
  let first: LoadedModel;
  try {
    first = await loadModel(options.bundlePath);
  } catch (error) {
    await server.shutdown('the first model failed to load');
    admin.close();
    await metrics.shutdown();
    throw error;
  }
  const ready = new RankingService(
    first,
    loadModel,
    limits,
    logger,
    (network, code, durationSeconds) => rankingMetrics.request(network, code, durationSeconds),
    (fromTable, shipped) => rankingMetrics.candidates(fromTable, shipped),
  );
  state.service = ready;
  // A service of its own, so that the synthetic calls stay out of the request metrics.
  await warmRanking(new RankingService(first, loadModel, limits, logger), limits.maxCandidates, logger);
  rankingMetrics.startSampling(() => ({ pool: ready.model.pool.stats(), queuedRows: ready.model.queuedRows() }));
  server.setReady(true);
  logger.info({ modelVersion: first.info.modelVersion, dim: first.info.dim, port, settings }, 'ranking ready');

  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    metricsPort,
    service: ready,
    close(reason) {
      closing ??= (async () => {
        await server.shutdown(reason);
        admin.close();
        rankingMetrics.stop();
        await ready.close();
        await metrics.shutdown();
      })();
      return closing;
    },
  };
}
