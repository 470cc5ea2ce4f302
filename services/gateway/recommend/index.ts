export { DEFAULT_CANDIDATES, DEFAULT_K, checkRequestEnvelope, parseRecommendRequest } from './parse-recommend-request.js';
export { parseSimilarItemsRequest, similarItemsOnStream } from './parse-similar-items-request.js';
export type { RecommendLimits, ResolveUserDeps } from './parse-recommend-request.js';
export type { CallBudget, EmbeddedItem, ItemEmbeddings, RankingPort, RetrievalShardPort } from './ports.js';
export { POPULAR_OVERFETCH, recommend } from './recommend.js';
export type { DegradedReasonName, RecommendDeps, RecommendedItem, RecommendOutcome, RecommendQuery } from './recommend.js';
export { DEFAULT_STAGE_SHARES } from './stage-budget.js';
export type { StageShares } from './stage-budget.js';
