import type { Logger } from '../../../shared/logging/index.js';
import type { SessionSettings } from '../inference/inference-messages.js';
import { startInference } from '../inference/start-inference.js';
import type { InferenceBackend } from '../inference/start-inference.js';
import { MicroBatcher } from '../inference/micro-batcher.js';
import type { BatchObserver, MicroBatcherOptions, SubmitOptions } from '../inference/micro-batcher.js';
import { RANK_NETWORK, rankNetRunner } from './rank-net-runner.js';
import type { InferenceListener } from './rank-net-runner.js';
import type { RankRows } from '../wire/rank-request.js';
import type { ItemTable } from './item-table.js';
import { USER_NETWORK, userNetRunner } from './user-net-runner.js';
import type { UserEmbeddings, UserEncoder, UserRows } from './user-net-runner.js';

/** A model bundle as the ranking service needs it. */
export interface ModelDescription {
  modelVersion: string;
  /** Embedding dimension d. */
  dim: number;
  bundlePath: string;
  /** user_net.onnx: a path or its bytes. */
  userNet: string | Uint8Array;
  /** rank_net.onnx: a path or its bytes. */
  rankNet: string | Uint8Array;
  encodeUsers: UserEncoder;
  /** The bundle's items embedded by its ItemNet, for Rank requests that name candidates by id; undefined = not held (every candidate's embedding must come with the request). */
  itemTable?: ItemTable;
}

/** The batcher knobs of one network (the in-flight limit is the pool size). */
export type BatcherSettings = Omit<MicroBatcherOptions, 'maxBatchesInFlight'>;

/** How a model is served: its worker pool and its two batchers. */
export interface ServingSettings {
  /** Inference worker threads; 0 runs the sessions on the event loop (no hand-off per batch). */
  poolSize: number;
  session: SessionSettings;
  userBatcher: BatcherSettings;
  rankBatcher: BatcherSettings;
  /** Batch sizes run once per network before the model serves. */
  warmupBatchRows: number[];
}

/** What metrics see of one network of a served model. */
export interface NetworkObserver {
  batch: BatchObserver;
  onRun: InferenceListener;
}

/** Which model is served: the answer of GetModel. */
export interface ServedModelInfo {
  modelVersion: string;
  dim: number;
  bundlePath: string;
  loadedAtMs: number;
}

/**
 * One model version in service: its UserNet and RankNet sessions (in worker threads or inline),
 * and one micro-batcher per network in front of it. Loaded and warmed before it serves.
 */
export class LoadedModel {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly description: ModelDescription,
    readonly info: ServedModelInfo,
    readonly pool: InferenceBackend,
    private readonly userBatcher: MicroBatcher<UserRows, UserEmbeddings>,
    private readonly rankBatcher: MicroBatcher<RankRows, Float32Array>,
  ) {}

  /** Starts the workers, builds and warms the sessions, then creates the batchers. */
  static async load(description: ModelDescription, settings: ServingSettings, logger: Logger, observe?: (network: string) => NetworkObserver): Promise<LoadedModel> {
    const pool = await startInference({
      models: { [USER_NETWORK]: description.userNet, [RANK_NETWORK]: description.rankNet },
      size: settings.poolSize,
      session: settings.session,
      warmupBatchRows: settings.warmupBatchRows,
      logger: logger.child({ modelVersion: description.modelVersion }),
    });
    const user = observe?.(USER_NETWORK);
    const rank = observe?.(RANK_NETWORK);
    // Inline, each batcher keeps one batch in flight: the next one forms while it runs.
    const inFlight = { maxBatchesInFlight: Math.max(1, settings.poolSize) };
    const userBatcher = new MicroBatcher(userNetRunner(pool, description.dim, description.encodeUsers, user?.onRun), { ...settings.userBatcher, ...inFlight }, user?.batch, 'usernet batch');
    const rankBatcher = new MicroBatcher(rankNetRunner(pool, description.dim, rank?.onRun), { ...settings.rankBatcher, ...inFlight }, rank?.batch, 'ranknet batch');
    const info = { modelVersion: description.modelVersion, dim: description.dim, bundlePath: description.bundlePath, loadedAtMs: Date.now() };
    return new LoadedModel(description, info, pool, userBatcher, rankBatcher);
  }

  /** Scores one request's candidates (queued into the RankNet batcher). */
  rank(rows: RankRows, candidates: number, options: SubmitOptions): Promise<Float32Array> {
    return this.rankBatcher.submit(rows, candidates, options);
  }

  /** Embeds one request's profiles, read by the model's encoder (queued into the UserNet batcher). */
  embed(rows: UserRows, options: SubmitOptions): Promise<UserEmbeddings> {
    return this.userBatcher.submit(rows, rows.count, options);
  }

  /** Rows waiting in the two batchers. */
  queuedRows(): { user: number; rank: number } {
    return { user: this.userBatcher.queuedRows, rank: this.rankBatcher.queuedRows };
  }

  /** Runs what is queued and what runs to the end, then stops the workers. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([this.userBatcher.close(), this.rankBatcher.close()]);
      await this.pool.close();
    })();
    return this.closing;
  }
}
