import { performance } from 'node:perf_hooks';
import type { Logger } from '../../shared/logging/index.js';
import type { EmbedUsersRequest__Output } from '../../shared/generated/dlrs/v1/EmbedUsersRequest.js';
import type { EmbedUsersResponse } from '../../shared/generated/dlrs/v1/EmbedUsersResponse.js';
import type { ModelInfo } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse } from '../../shared/generated/dlrs/v1/RankResponse.js';
import { float32Bytes } from './wire/float32-bytes.js';
import type { LoadedModel } from './model/loaded-model.js';
import type { SubmitOptions } from './inference/micro-batcher.js';
import { RANK_NETWORK } from './model/rank-net-runner.js';
import { parseRankRequest } from './wire/rank-request.js';
import { DlrsError } from '../../shared/errors/index.js';
import { topKOrder } from './model/top-k-order.js';
import { USER_NETWORK } from './model/user-net-runner.js';

/** Request-size limits of the ranking service. */
export interface RankingLimits {
  /** Most candidates one Rank request may carry. */
  maxCandidates: number;
  /** Most profiles one EmbedUsers request may carry. */
  maxProfiles: number;
}

/** Told about every finished Rank / EmbedUsers request (unary or on a stream): the network, the status code and its duration. */
export type RequestListener = (network: string, code: string, durationSeconds: number) => void;

/** Told about every Rank request parsed: how many of its candidates come from the item table and how many it carried. */
export type CandidatesListener = (fromTable: number, shipped: number) => void;

/** Loads and warms the model bundle at a path. */
export type ModelLoader = (bundlePath: string) => Promise<LoadedModel>;

/**
 * The ranking service's calls, independent of the transport: Rank and EmbedUsers on the
 * served model, GetModel, and LoadModel, which warms a new model beside the old one and
 * switches atomically. Every method throws DlrsErrors; the gRPC layer maps them.
 */
export class RankingService {
  private current: LoadedModel;
  private loadQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    initial: LoadedModel,
    private readonly loader: ModelLoader,
    private readonly limits: RankingLimits,
    private readonly logger: Logger,
    private readonly onRequest: RequestListener = () => undefined,
    private readonly onCandidates: CandidatesListener = () => undefined,
  ) {
    this.current = initial;
  }

  /** The served model. */
  get model(): LoadedModel {
    return this.current;
  }

  /** GetModel: which model is served. */
  getModel(): ModelInfo {
    return { ...this.current.info };
  }

  /** Rank: one user's candidates scored by RankNet, optionally with the top-k order. */
  rank(request: RankRequest__Output, options: SubmitOptions): Promise<RankResponse> {
    return this.counted(RANK_NETWORK, () => this.rankOnce(request, options));
  }

  /** EmbedUsers: profiles encoded with the model's feature spec and embedded by UserNet. */
  embedUsers(request: EmbedUsersRequest__Output, options: SubmitOptions): Promise<EmbedUsersResponse> {
    return this.counted(USER_NETWORK, () => this.embedOnce(request, options));
  }

  private async counted<T>(network: string, work: () => Promise<T>): Promise<T> {
    const startMs = performance.now();
    try {
      const result = await work();
      this.onRequest(network, 'OK', (performance.now() - startMs) / 1000);
      return result;
    } catch (error) {
      this.onRequest(network, DlrsError.from(error).code, (performance.now() - startMs) / 1000);
      throw error;
    }
  }

  private async rankOnce(request: RankRequest__Output, options: SubmitOptions): Promise<RankResponse> {
    const model = this.modelFor(request.modelVersion);
    const { rows, candidates, shipped } = parseRankRequest(request, model.info.dim, this.limits.maxCandidates, model.description.itemTable);
    this.onCandidates(candidates - shipped, shipped);
    const scores = await model.rank(rows, candidates, options);
    return {
      requestId: request.requestId,
      modelVersion: model.info.modelVersion,
      scores: float32Bytes(scores),
      order: request.topK > 0 ? topKOrder(scores, request.topK) : [],
    };
  }

  private async embedOnce(request: EmbedUsersRequest__Output, options: SubmitOptions): Promise<EmbedUsersResponse> {
    const model = this.modelFor(request.modelVersion);
    const count = request.profiles.length;
    if (count === 0) throw new DlrsError('INVALID_ARGUMENT', 'holds no profile; at least one is needed', { field: 'profiles' });
    if (count > this.limits.maxProfiles) {
      throw new DlrsError('INVALID_ARGUMENT', `holds ${count} profiles; at most ${this.limits.maxProfiles} are allowed`, { field: 'profiles' });
    }
    const { embeddings, biases } = await model.embed(model.description.encodeUsers.read(request.profiles), options);
    return {
      requestId: request.requestId,
      modelVersion: model.info.modelVersion,
      dim: model.info.dim,
      count,
      embeddings: float32Bytes(embeddings),
      biases: float32Bytes(biases),
      resolvesBundleItems: model.description.itemTable !== undefined,
    };
  }

  /**
   * LoadModel: loads and warms the bundle beside the served model, switches to it at once,
   * then lets the old model finish what it had accepted and stops it. Loads run one at a time.
   */
  loadModel(bundlePath: string): Promise<ModelInfo> {
    if (bundlePath === '') return Promise.reject(new DlrsError('INVALID_ARGUMENT', 'is required', { field: 'bundle_path' }));
    const run = this.loadQueue.then(() => this.switchTo(bundlePath));
    this.loadQueue = run.catch(() => undefined);
    return run;
  }

  /** Stops the served model after its accepted requests. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await this.loadQueue;
    await this.current.close();
  }

  private async switchTo(bundlePath: string): Promise<ModelInfo> {
    if (this.closed) throw new DlrsError('UNAVAILABLE', 'the service is shutting down');
    const next = await this.loader(bundlePath);
    if (this.closed) {
      await next.close();
      throw new DlrsError('UNAVAILABLE', 'the service is shutting down');
    }
    const previous = this.current;
    this.current = next;
    this.logger.info({ modelVersion: next.info.modelVersion, previousVersion: previous.info.modelVersion, bundlePath }, 'switched to the new model');
    await previous.close();
    this.logger.info({ modelVersion: previous.info.modelVersion }, 'previous model stopped');
    return this.getModel();
  }

  /** The served model, when `version` names it or is empty; FAILED_PRECONDITION otherwise. */
  private modelFor(version: string): LoadedModel {
    const model = this.current;
    if (version !== '' && version !== model.info.modelVersion) {
      throw new DlrsError('FAILED_PRECONDITION', `is ${version}; this service serves ${model.info.modelVersion}`, { field: 'model_version' });
    }
    return model;
  }
}
