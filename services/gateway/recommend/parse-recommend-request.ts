import { DlrsError } from '../../../shared/errors/index.js';
import { addEvent, createProfile, profileToMessage } from '../../../shared/features/index.js';
import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import type { AttributeFilter__Output } from '../../../shared/generated/dlrs/v1/AttributeFilter.js';
import type { RecommendRequest__Output } from '../../../shared/generated/dlrs/v1/RecommendRequest.js';
import {
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_KEY_BYTES,
  MAX_ATTRIBUTE_VALUE_BYTES,
  MAX_FEATURE_NAME_BYTES,
  MAX_FEATURE_TEXTS,
  MAX_FEATURE_TEXT_BYTES,
  MAX_FILTER_CLAUSES,
  MAX_REQUEST_ID_BYTES,
  MAX_TRACE_CONTEXT_ENTRIES,
  MAX_TRACE_CONTEXT_KEY_BYTES,
  MAX_TRACE_CONTEXT_VALUE_BYTES,
  checkBytes,
  checkCount,
  checkStringMap,
  requireId,
} from '../field-limits/index.js';
import { parseInteraction } from '../ingest/index.js';
import type { InteractionLimits } from '../ingest/index.js';
import type { ProfileStore } from '../profile-store/index.js';
import type { GatewayEvent, StoredProfile } from '../profiles/index.js';
import type { QueryModeName, RecommendQuery } from './recommend.js';

/** Bounds of a recommendation request. */
export interface RecommendLimits extends InteractionLimits {
  maxK: number;
  maxCandidates: number;
  maxExcludeIds: number;
  maxContextInteractions: number;
  /** The largest timeout_ms a RecommendStream request may ask for. */
  maxTimeoutMs: number;
}

/** What resolving the user needs. */
export interface ResolveUserDeps {
  store: ProfileStore<StoredProfile, GatewayEvent>;
  spec: () => FeatureSpec;
  itemFeatures: (itemIds: readonly string[]) => Promise<ReadonlyMap<string, Item['features'] | undefined>>;
}

/** k when the request leaves it 0 (the contract's default). */
export const DEFAULT_K = 10;
/** Candidates when the request leaves it 0 (the contract's default): enough for RankNet to reorder a top 10 well. */
export const DEFAULT_CANDIDATES = 300;

/**
 * Validates a RecommendRequest and resolves its user into UserNet's input: a stored
 * profile by user id (undefined when unknown: the popular fallback), or a profile learned
 * from the inline context's interactions. Throws INVALID_ARGUMENT naming the field.
 */
export async function parseRecommendRequest(request: RecommendRequest__Output, limits: RecommendLimits, deps: ResolveUserDeps, nowMs: number): Promise<{ userId: string; query: RecommendQuery }> {
  checkRequestEnvelope(request, limits);
  if (request.similarItems) throw invalid('similar_items', 'only on RecommendStream; call SimilarItems');
  const k = request.k === 0 ? DEFAULT_K : request.k;
  if (k > limits.maxK) throw invalid('k', `must be between 1 and ${limits.maxK}, got ${k}`);
  const candidates = request.candidates === 0 ? Math.min(limits.maxCandidates, Math.max(DEFAULT_CANDIDATES, k)) : request.candidates;
  if (candidates < k || candidates > limits.maxCandidates) throw invalid('candidates', `must be between k (${k}) and ${limits.maxCandidates}, got ${candidates}`);
  checkCount(request.excludeIds.length, limits.maxExcludeIds, 'exclude_ids');
  request.excludeIds.forEach((id, i) => requireId(id, `exclude_ids[${i}]`));
  const spec = deps.spec();
  const filter = request.filter ?? undefined;
  if (filter) checkFilter(filter, spec);
  const base = { requestId: request.requestId, k, candidates, excludeIds: request.excludeIds, filter, includeSeen: request.includeSeen, queryMode: queryModeOf(request.queryMode) };

  if (request.user === 'userId' && request.userId !== undefined) {
    const userId = requireId(request.userId, 'user_id');
    const stored = await deps.store.get(userId);
    const profile = stored === undefined ? undefined : profileToMessage(stored.learned, { userId, updatedAtMs: stored.updatedAtMs });
    return { userId, query: { ...base, profile } };
  }
  if (request.user === 'context' && request.context) {
    const { interactions, attributes } = request.context;
    checkCount(interactions.length, limits.maxContextInteractions, 'context.interactions');
    checkStringMap(attributes, { maxEntries: MAX_ATTRIBUTES, maxKeyBytes: MAX_ATTRIBUTE_KEY_BYTES, maxValueBytes: MAX_ATTRIBUTE_VALUE_BYTES }, 'context.attributes');
    const events = interactions.map((interaction, i) => parseInteraction(interaction, `context.interactions[${i}]`, limits, nowMs));
    if (events.length === 0 && Object.keys(attributes).length === 0) return { userId: '', query: { ...base, profile: undefined } };
    let features: ReadonlyMap<string, Item['features'] | undefined>;
    try {
      features = await deps.itemFeatures([...new Set(events.map((event) => event.itemId))]);
    } catch (error) {
      throw new DlrsError('UNAVAILABLE', `the context's item features could not be fetched: ${DlrsError.from(error).message}`, { cause: error });
    }
    const learned = createProfile();
    for (const event of events) addEvent(learned, spec, features.get(event.itemId), event);
    return { userId: '', query: { ...base, profile: profileToMessage(learned, { userId: '', attributes, updatedAtMs: nowMs }) } };
  }
  throw invalid('user', 'user_id or context is required');
}

/**
 * Checks what a request carries besides the query: request_id, trace_context and timeout_ms.
 * RecommendStream runs it before the request's span starts, so that an oversized trace
 * context never reaches the propagator.
 */
export function checkRequestEnvelope(request: RecommendRequest__Output, limits: Pick<RecommendLimits, 'maxTimeoutMs'>): void {
  checkBytes(request.requestId, MAX_REQUEST_ID_BYTES, 'request_id');
  checkStringMap(request.traceContext, { maxEntries: MAX_TRACE_CONTEXT_ENTRIES, maxKeyBytes: MAX_TRACE_CONTEXT_KEY_BYTES, maxValueBytes: MAX_TRACE_CONTEXT_VALUE_BYTES }, 'trace_context');
  if (request.timeoutMs > limits.maxTimeoutMs) throw invalid('timeout_ms', `at most ${limits.maxTimeoutMs} ms, got ${request.timeoutMs}`);
}

// The tiers would reject these too, but only after the embedding was computed, and in
// their words; the gateway knows the feature spec and answers at once.
function checkFilter(filter: AttributeFilter__Output, spec: FeatureSpec): void {
  const kinds = new Map(spec.features.map((feature) => [feature.name, feature.kind]));
  checkCount(filter.clauses.length, MAX_FILTER_CLAUSES, 'filter.clauses');
  filter.clauses.forEach((clause, i) => {
    const field = `filter.clauses[${i}]`;
    checkBytes(clause.field, MAX_FEATURE_NAME_BYTES, `${field}.field`);
    const kind = kinds.get(clause.field);
    if (kind === undefined) throw invalid(`${field}.field`, `unknown feature '${clause.field}'; the model has ${[...kinds.keys()].join(', ') || 'none'}`);
    if (clause.condition === 'range') {
      if (kind !== 'continuous') throw invalid(`${field}.range`, `applies to continuous features; '${clause.field}' is ${kind}`);
      const { min, max } = clause.range ?? {};
      if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max))) throw invalid(`${field}.range`, 'bounds must be finite');
      if (min !== undefined && max !== undefined && min > max) throw invalid(`${field}.range`, `min ${min} exceeds max ${max}`);
    } else if (clause.condition === 'equals' || clause.condition === 'anyOf') {
      if (kind === 'continuous') throw invalid(`${field}.${clause.condition === 'equals' ? 'equals' : 'any_of'}`, `applies to categorical features; '${clause.field}' is continuous`);
      if (clause.condition === 'equals') checkBytes(clause.equals ?? '', MAX_FEATURE_TEXT_BYTES, `${field}.equals`);
      else {
        const values = clause.anyOf?.values ?? [];
        if (values.length === 0) throw invalid(`${field}.any_of`, 'needs at least one value');
        checkCount(values.length, MAX_FEATURE_TEXTS, `${field}.any_of.values`);
        values.forEach((value, j) => checkBytes(value, MAX_FEATURE_TEXT_BYTES, `${field}.any_of.values[${j}]`));
      }
    } else {
      throw invalid(field, 'needs a condition: equals, any_of or range');
    }
  });
}

function queryModeOf(mode: RecommendRequest__Output['queryMode']): QueryModeName {
  if (mode === 'PSEUDO_USER' || mode === 'LAST_ITEM' || mode === 'USER_NET') return mode;
  if (mode === 'QUERY_MODE_UNSPECIFIED') return 'USER_NET';
  throw invalid('query_mode', `unknown value ${String(mode)}; expected USER_NET, PSEUDO_USER or LAST_ITEM`);
}

function invalid(field: string, message: string): DlrsError {
  return new DlrsError('INVALID_ARGUMENT', message, { field });
}
