import { DlrsError } from '../../../shared/errors/index.js';
import type { Item, RawFeatureValue } from '../../../shared/features/index.js';
import type { Item__Output } from '../../../shared/generated/dlrs/v1/Item.js';
import type { SearchRequest__Output } from '../../../shared/generated/dlrs/v1/SearchRequest.js';
import { shardOf } from '../../../shared/sharding/index.js';
import type { AttributeField } from '../store/attribute-index.js';
import { compileFilter } from '../search/compile-filter.js';
import type { ShardQuery } from '../store/indexed-store.js';
import type { IndexedStore } from '../store/indexed-store.js';

/** Request limits of a shard. */
export interface RequestLimits {
  /** Largest k of a search. */
  maxK: number;
  /** Most query vectors in one search. */
  maxQueries: number;
  /** Most ids in exclude_ids, DeleteItems and GetItems, and items in UpsertItems. */
  maxIds: number;
  /** Most filter clauses. */
  maxFilterClauses: number;
}

/** Which shard this process is. */
export interface ShardIdentity {
  index: number;
  count: number;
}

/** The longest item id, in UTF-8 bytes, as common.proto documents. */
export const MAX_ITEM_ID_BYTES = 256;

/**
 * Checks a search request against the served state and returns it as a
 * shard query. Bad input is INVALID_ARGUMENT naming the field; a model
 * version other than the served one is FAILED_PRECONDITION.
 */
export function decodeSearch(request: SearchRequest__Output, state: IndexedStore, limits: RequestLimits): ShardQuery {
  if (request.modelVersion !== '' && request.modelVersion !== state.modelVersion) {
    throw new DlrsError('FAILED_PRECONDITION', `model version ${request.modelVersion} is not served; this shard serves ${state.modelVersion}`, { field: 'model_version' });
  }
  const dim = state.store.dim;
  if (request.dim !== dim) throw new DlrsError('INVALID_ARGUMENT', `must be ${dim}, got ${request.dim}`, { field: 'dim' });
  if (!Number.isInteger(request.k) || request.k < 1 || request.k > limits.maxK) {
    throw new DlrsError('INVALID_ARGUMENT', `must be between 1 and ${limits.maxK}, got ${request.k}`, { field: 'k' });
  }
  const bytes = request.queries;
  const rowBytes = 4 * dim;
  if (bytes.length === 0 || bytes.length % rowBytes !== 0) {
    throw new DlrsError('INVALID_ARGUMENT', `must hold q × ${dim} float32 values (a multiple of ${rowBytes} bytes), got ${bytes.length} bytes`, { field: 'queries' });
  }
  const queryCount = bytes.length / rowBytes;
  if (queryCount > limits.maxQueries) {
    throw new DlrsError('INVALID_ARGUMENT', `at most ${limits.maxQueries} queries, got ${queryCount}`, { field: 'queries' });
  }
  const queries = new Float32Array(queryCount * dim);
  new Uint8Array(queries.buffer).set(bytes);
  for (let i = 0; i < queries.length; i++) {
    if (!Number.isFinite(queries[i])) {
      throw new DlrsError('INVALID_ARGUMENT', `value ${i % dim} of query ${Math.floor(i / dim)} is not finite`, { field: 'queries' });
    }
  }
  const excludeIds = decodeIds(request.excludeIds, 'exclude_ids', limits.maxIds, true);
  const conditions = compileFilter(request.filter, state.store.attributes, limits.maxFilterClauses);
  return { queries, queryCount, k: request.k, excludeIds, conditions };
}

/**
 * Checks a list of item ids: each non-empty and at most MAX_ITEM_ID_BYTES;
 * at most `maxIds`, and at least one unless `emptyAllowed`.
 */
export function decodeIds(ids: readonly string[], field: string, maxIds: number, emptyAllowed = false): string[] {
  if (ids.length === 0 && !emptyAllowed) throw new DlrsError('INVALID_ARGUMENT', 'needs at least one id', { field });
  if (ids.length > maxIds) throw new DlrsError('INVALID_ARGUMENT', `at most ${maxIds} ids, got ${ids.length}`, { field });
  ids.forEach((id, i) => checkId(id, `${field}[${i}]`));
  return [...ids];
}

/**
 * Checks items to upsert against the feature spec and the shard: ids valid,
 * distinct and of this shard (else FAILED_PRECONDITION), features known and of
 * the right type, numbers finite. Returns them as raw items.
 */
export function decodeItems(items: readonly Item__Output[], fields: readonly AttributeField[], shard: ShardIdentity, maxItems: number): Item[] {
  checkItemCount(items, maxItems);
  const kinds = new Map(fields.map((f) => [f.name, f.kind]));
  const seen = new Set<string>();
  return items.map((item, i) => {
    const where = `items[${i}]`;
    checkId(item.id, `${where}.id`);
    if (seen.has(item.id)) throw new DlrsError('INVALID_ARGUMENT', `duplicate id '${item.id}'`, { field: `${where}.id` });
    seen.add(item.id);
    const owner = shardOf(item.id, shard.count);
    if (owner !== shard.index) {
      throw new DlrsError('FAILED_PRECONDITION', `item '${item.id}' belongs to shard ${owner} of ${shard.count}, this is shard ${shard.index}`, { field: `${where}.id` });
    }
    const features = decodeFeatures(item, kinds, where);
    return item.title ? { id: item.id, title: item.title, features } : { id: item.id, features };
  });
}

/**
 * Checks items to embed only (EmbedItems): features as decodeItems checks them; ids optional
 * (at most MAX_ITEM_ID_BYTES) and of any shard, since nothing is stored.
 */
export function decodeItemsToEmbed(items: readonly Item__Output[], fields: readonly AttributeField[], maxItems: number): Item[] {
  checkItemCount(items, maxItems);
  const kinds = new Map(fields.map((f) => [f.name, f.kind]));
  return items.map((item, i) => {
    const where = `items[${i}]`;
    if (item.id !== '') checkId(item.id, `${where}.id`);
    return { id: item.id, features: decodeFeatures(item, kinds, where) };
  });
}

function checkItemCount(items: readonly Item__Output[], maxItems: number): void {
  if (items.length === 0) throw new DlrsError('INVALID_ARGUMENT', 'needs at least one item', { field: 'items' });
  if (items.length > maxItems) throw new DlrsError('INVALID_ARGUMENT', `at most ${maxItems} items, got ${items.length}`, { field: 'items' });
}

function decodeFeatures(item: Item__Output, kinds: ReadonlyMap<string, AttributeField['kind']>, where: string): Record<string, RawFeatureValue> {
  const features: Record<string, RawFeatureValue> = {};
  for (const [name, value] of Object.entries(item.features ?? {})) {
    const field = `${where}.features[${name}]`;
    const kind = kinds.get(name);
    if (kind === undefined) throw new DlrsError('INVALID_ARGUMENT', `unknown feature '${name}'`, { field });
    if (kind === 'continuous') {
      if (value.value !== 'number') throw new DlrsError('INVALID_ARGUMENT', `feature '${name}' is continuous: send number`, { field });
      if (!Number.isFinite(value.number)) throw new DlrsError('INVALID_ARGUMENT', 'must be finite', { field });
      features[name] = value.number as number;
    } else if (kind === 'categorical') {
      if (value.value !== 'text') throw new DlrsError('INVALID_ARGUMENT', `feature '${name}' is categorical: send text`, { field });
      features[name] = value.text as string;
    } else {
      if (value.value !== 'texts' && value.value !== 'text') throw new DlrsError('INVALID_ARGUMENT', `feature '${name}' is multi-valued: send texts`, { field });
      features[name] = value.value === 'text' ? [value.text as string] : [...(value.texts?.values ?? [])];
    }
  }
  return features;
}

function checkId(id: string, field: string): void {
  if (id.length === 0) throw new DlrsError('INVALID_ARGUMENT', 'must not be empty', { field });
  if (Buffer.byteLength(id, 'utf8') > MAX_ITEM_ID_BYTES) throw new DlrsError('INVALID_ARGUMENT', `must be at most ${MAX_ITEM_ID_BYTES} bytes of UTF-8`, { field });
}
