import type { SimilarItemsRequest__Output } from '../../../shared/generated/dlrs/v1/SimilarItemsRequest.js';
import { MAX_SIMILAR_QUERY_ITEMS, checkCount, requireId } from '../field-limits/index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { DEFAULT_K, parseRecommendRequest } from './parse-recommend-request.js';
import type { RecommendLimits, ResolveUserDeps } from './parse-recommend-request.js';
import type { RecommendQuery } from './recommend.js';

/**
 * Validates a SimilarItemsRequest into a RecommendQuery searching with the given items: the
 * fields it shares with RecommendRequest are checked by the same rules (and named alike); the
 * query items join the exclusions. Without a user the answer is the k nearest, so only k are
 * retrieved unless `candidates` asks for more. Throws INVALID_ARGUMENT naming the field.
 */
export async function parseSimilarItemsRequest(request: SimilarItemsRequest__Output, limits: RecommendLimits, deps: ResolveUserDeps, nowMs: number): Promise<{ userId: string; query: RecommendQuery }> {
  if (request.itemIds.length === 0) throw new DlrsError('INVALID_ARGUMENT', 'at least one item id is required', { field: 'item_ids' });
  checkCount(request.itemIds.length, MAX_SIMILAR_QUERY_ITEMS, 'item_ids');
  request.itemIds.forEach((id, i) => requireId(id, `item_ids[${i}]`));
  const withUser = request.userId !== '';
  const candidates = request.candidates !== 0 || withUser ? request.candidates : request.k === 0 ? DEFAULT_K : request.k;
  const { userId, query } = await parseRecommendRequest(
    {
      requestId: request.requestId,
      ...(withUser ? { user: 'userId', userId: request.userId } : { user: 'context', context: { interactions: [], attributes: {} } }),
      k: request.k,
      candidates,
      excludeIds: request.excludeIds,
      filter: request.filter,
      includeSeen: true,
      timeoutMs: 0,
      traceContext: {},
      queryMode: 'QUERY_MODE_UNSPECIFIED',
    },
    limits,
    deps,
    nowMs,
  );
  const similarTo = [...new Set(request.itemIds)];
  return { userId, query: { ...query, excludeIds: [...new Set([...query.excludeIds, ...similarTo])], similarTo } };
}
