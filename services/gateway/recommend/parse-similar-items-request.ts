import type { RecommendRequest__Output } from '../../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { SimilarItemsRequest__Output } from '../../../shared/generated/dlrs/v1/SimilarItemsRequest.js';
import type { FeatureSpec } from '../../../shared/features/index.js';
import type { Item__Output } from '../../../shared/generated/dlrs/v1/Item.js';
import { MAX_SIMILAR_QUERY_ITEMS, checkCount, checkItemBody, requireId } from '../field-limits/index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { DEFAULT_K, parseRecommendRequest } from './parse-recommend-request.js';
import type { RecommendLimits, ResolveUserDeps } from './parse-recommend-request.js';
import type { RecommendQuery } from './recommend.js';

/**
 * Validates a SimilarItemsRequest into a RecommendQuery searching with the given items (or the
 * item given by features): the fields it shares with RecommendRequest are checked by the same
 * rules (and named alike); the query items (the feature item's id, when given) join the
 * exclusions. Without a user the answer is the k nearest, so only k are retrieved unless
 * `candidates` asks for more. Throws INVALID_ARGUMENT naming the field.
 */
export async function parseSimilarItemsRequest(request: SimilarItemsRequest__Output, limits: RecommendLimits, deps: ResolveUserDeps, nowMs: number): Promise<{ userId: string; query: RecommendQuery }> {
  const item = request.item ?? undefined;
  if (request.itemIds.length === 0 && item === undefined) throw new DlrsError('INVALID_ARGUMENT', 'item_ids or item is required', { field: 'item_ids' });
  if (request.itemIds.length > 0 && item !== undefined) throw new DlrsError('INVALID_ARGUMENT', 'give item_ids or item, not both', { field: 'item_ids' });
  checkCount(request.itemIds.length, MAX_SIMILAR_QUERY_ITEMS, 'item_ids');
  request.itemIds.forEach((id, i) => requireId(id, `item_ids[${i}]`));
  if (item !== undefined) checkQueryItem(item, deps.spec());
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
      similarItems: null,
    },
    limits,
    deps,
    nowMs,
  );
  if (item !== undefined) {
    return { userId, query: { ...query, excludeIds: item.id === '' ? query.excludeIds : [...new Set([...query.excludeIds, item.id])], similarToItem: item } };
  }
  const similarTo = [...new Set(request.itemIds)];
  return { userId, query: { ...query, excludeIds: [...new Set([...query.excludeIds, ...similarTo])], similarTo } };
}

/**
 * A query item by features: the lengths UpsertItems checks, at least one feature, and each
 * feature known to the served model with a value of its kind, so that a typo is named here
 * rather than embedded as out-of-vocabulary.
 */
function checkQueryItem(item: Item__Output, spec: FeatureSpec): void {
  checkItemBody(item, 'item');
  const names = Object.keys(item.features);
  if (names.length === 0) throw new DlrsError('INVALID_ARGUMENT', 'needs at least one feature', { field: 'item.features' });
  const kinds = new Map(spec.features.map((feature) => [feature.name, feature.kind]));
  for (const name of names) {
    const field = `item.features[${JSON.stringify(name)}]`;
    const kind = kinds.get(name);
    if (kind === undefined) throw new DlrsError('INVALID_ARGUMENT', `unknown feature '${name}'; the model has ${[...kinds.keys()].join(', ') || 'none'}`, { field });
    const sent = item.features[name].value;
    const allowed = kind === 'continuous' ? ['number'] : kind === 'categorical' ? ['text'] : ['texts', 'text'];
    if (sent === undefined || !allowed.includes(sent)) throw new DlrsError('INVALID_ARGUMENT', `feature '${name}' is ${kind}: send ${allowed[0]}`, { field });
  }
}

/**
 * The SimilarItems request a RecommendStream message carries, under the message's request_id.
 * The message's Recommend fields must be unset: a client that fills both meant something this
 * call cannot do, and is told so (INVALID_ARGUMENT naming `similar_items`).
 */
export function similarItemsOnStream(request: RecommendRequest__Output): SimilarItemsRequest__Output {
  const inner = request.similarItems;
  if (!inner) throw new DlrsError('INVALID_ARGUMENT', 'is required', { field: 'similar_items' });
  const recommendFields = request.user !== undefined || request.k !== 0 || request.candidates !== 0 || request.excludeIds.length > 0 || request.filter !== null || request.includeSeen || request.queryMode !== 'QUERY_MODE_UNSPECIFIED';
  if (recommendFields) throw new DlrsError('INVALID_ARGUMENT', 'carries the whole request: leave user, k, candidates, exclude_ids, filter, include_seen and query_mode unset beside it', { field: 'similar_items' });
  return { ...inner, requestId: request.requestId };
}
