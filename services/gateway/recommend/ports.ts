import type { CancelSignal } from '../../../shared/grpc/index.js';
import type { EmbedUsersRequest } from '../../../shared/generated/dlrs/v1/EmbedUsersRequest.js';
import type { EmbedUsersResponse__Output } from '../../../shared/generated/dlrs/v1/EmbedUsersResponse.js';
import type { RankRequest } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse__Output } from '../../../shared/generated/dlrs/v1/RankResponse.js';
import type { SearchRequest } from '../../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse__Output } from '../../../shared/generated/dlrs/v1/SearchResponse.js';

/** The time a downstream call may take: it is cancelled when `signal` aborts, at `deadlineMs` at the latest. */
export interface CallBudget {
  /** Absolute deadline, ms since the epoch; passed on as the gRPC deadline. */
  deadlineMs: number;
  signal: CancelSignal;
}

/** The ranking tier as the orchestration sees it (a unary client or a RankStream multiplexer). */
export interface RankingPort {
  embedUsers(request: EmbedUsersRequest, budget: CallBudget): Promise<EmbedUsersResponse__Output>;
  rank(request: RankRequest, budget: CallBudget): Promise<RankResponse__Output>;
}

/** One retrieval shard as the orchestration sees it. */
export interface RetrievalShardPort {
  /** The shard's index, for degraded details. */
  readonly shard: number;
  search(request: SearchRequest, budget: CallBudget): Promise<SearchResponse__Output>;
}

/** Stored item embeddings of one model version. */
export interface ItemEmbeddings {
  modelVersion: string;
  dim: number;
  /** d little-endian float32 per item found; absent ids do not exist. */
  embeddings: Map<string, Buffer>;
}

/** ItemNet's e_i of one item outside the catalog (EmbedItems on a shard). */
export interface EmbeddedItem {
  /** The version whose ItemNet embedded it: search only under this version. */
  modelVersion: string;
  dim: number;
  /** d little-endian float32. */
  embedding: Buffer;
}
