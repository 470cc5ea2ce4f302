import type { AttributeCondition } from '../store/attribute-index.js';
import type { ItemStore } from '../store/item-store.js';
import { TopK } from './top-k.js';
import type { IndexHits } from '../../../shared/vector-index/index.js';
import type { IndexThread } from '../hnsw/index-thread.js';

/** What a search may return: k items, none of the excluded slots, all satisfying the conditions. */
export interface SearchConstraints {
  k: number;
  excluded: ReadonlySet<number>;
  conditions: readonly AttributeCondition[];
}

/** Slots, by membership: a Set, or the keys of a Map. */
export type SlotSet = Pick<ReadonlySet<number>, 'has' | 'size'>;

/** When a filtered search scans the matching items exactly instead of searching the graph. */
export interface SearchTuning {
  /** A filter matching at most this many items is answered by an exact scan over them. */
  exactScanMaxItems: number;
  /** The graph is searched at most this deep (a fraction of the shard's items) before falling back to an exact scan. */
  maxDepthFraction: number;
  /** The cost of one graph candidate in exact dot products: a filter matching fewer than depth × this many items is scanned. */
  graphCandidateCost: number;
}

/**
 * Why these values: a filter matching at most 4096 items is scanned in well
 * under a millisecond, whatever the graph would cost; a graph search deeper
 * than a tenth of the shard visits most of it anyway; and a graph search costs
 * about ten exact dot products per candidate it returns (bench/retrieval at
 * 100k × 64, M = 16: 5.5 µs per candidate at depth 1000 against 0.5 µs per
 * scanned item).
 */
export const DEFAULT_SEARCH_TUNING: Readonly<SearchTuning> = Object.freeze({ exactScanMaxItems: 4096, maxDepthFraction: 0.1, graphCandidateCost: 10 });

/**
 * Why 2: under f16/i8 the graph ranks by approximate distances; fetching twice
 * k candidates and re-scoring them exactly lifts i8 recall@10 from 0.94 to
 * 0.999 (20k × 64 clustered, M = 16), at twice the graph work.
 */
const QUANTIZED_OVERSAMPLING = 2;
/** Why 2: a filter's matches are not spread evenly over the neighbourhood of a query; searching twice as deep as the expected need avoids most retries. */
const DEPTH_OVERSAMPLING = 2;
/** Why 4: few retries, each at most four times the work of the last. */
const DEPTH_GROWTH = 4;
/** Why 256: enough to tell a 1% filter from a 10% one, at the cost of 256 attribute checks. */
const SELECTIVITY_SAMPLE_SLOTS = 256;

/**
 * The k best items by inner product for each of `queryCount` queries
 * (row-major in `queries`), honouring exclusions and attribute conditions
 * exactly: a result never holds an excluded, deleted or non-matching item and
 * holds k items whenever k matching items exist. The graph is searched deeper
 * until k matches are found; a selective filter, or a search that would go
 * too deep, is answered by an exact scan over the matching items.
 *
 * Similarities are e_u·e_i of the store's float32 embeddings: an f32 index
 * scores exactly those vectors in float32, so its hits keep its scores and
 * order (equal scores in the index's order); under f16/i8, and whenever a hit
 * is `unsettled` (its row in the index may be an older embedding than the
 * store's, an index mutation being in flight), the candidates are re-scored
 * with the store's embeddings (equal scores by ascending slot).
 */
export async function filteredSearch(
  store: ItemStore,
  index: IndexThread,
  unsettled: SlotSet,
  queries: Float32Array,
  queryCount: number,
  constraints: SearchConstraints,
  tuning: SearchTuning = DEFAULT_SEARCH_TUNING,
): Promise<IndexHits[]> {
  const exactIndex = index.options.quantization === 'f32';
  const plan = planSearch(store, constraints, tuning, exactIndex ? 1 : QUANTIZED_OVERSAMPLING);
  const graph: Graph = { index, exactIndex, unsettled };
  const results: IndexHits[] = [];
  for (let q = 0; q < queryCount; q++) {
    const offset = q * store.dim;
    const fromGraph = plan.exactOnly ? undefined : await searchGraph(store, graph, queries, offset, constraints, plan.firstDepth, plan.maxDepth);
    results.push(fromGraph ?? exactScan(store, queries, offset, constraints, plan.matching));
  }
  return results;
}

interface SearchPlan {
  exactOnly: boolean;
  firstDepth: number;
  maxDepth: number;
  /** The matching slots when the conditions were enumerated for an exact scan. */
  matching: Int32Array | undefined;
}

function planSearch(store: ItemStore, constraints: SearchConstraints, tuning: SearchTuning, oversampling: number): SearchPlan {
  const { k, excluded, conditions } = constraints;
  const size = store.size;
  const maxDepth = Math.max(k * oversampling + excluded.size, Math.ceil(size * tuning.maxDepthFraction));
  if (conditions.length === 0) {
    return { exactOnly: false, firstDepth: k * oversampling + excluded.size, maxDepth, matching: undefined };
  }
  const estimate = store.attributes.estimateMatches(conditions) ?? sampleMatches(store, conditions);
  if (estimate <= tuning.exactScanMaxItems) {
    return { exactOnly: true, firstDepth: 0, maxDepth: 0, matching: matchingSlots(store, conditions) };
  }
  const firstDepth = Math.ceil((k * oversampling * size * DEPTH_OVERSAMPLING) / Math.max(1, estimate)) + excluded.size;
  const scanIsCheaper = estimate <= firstDepth * tuning.graphCandidateCost;
  return { exactOnly: firstDepth > maxDepth || scanIsCheaper, firstDepth, maxDepth, matching: undefined };
}

/** The index, whether its scores are exact (f32), and the slots whose indexed rows may be stale. */
interface Graph {
  index: IndexThread;
  exactIndex: boolean;
  unsettled: SlotSet;
}

async function searchGraph(
  store: ItemStore,
  graph: Graph,
  queries: Float32Array,
  offset: number,
  constraints: SearchConstraints,
  firstDepth: number,
  maxDepth: number,
): Promise<IndexHits | undefined> {
  const wanted = Math.min(constraints.k, store.size);
  for (let depth = firstDepth; ; depth *= DEPTH_GROWTH) {
    const hits = await graph.index.search(queries, offset, Math.min(depth, store.size));
    const found = graph.exactIndex && !holdsAny(hits.slots, graph.unsettled) ? keepAllowed(store, hits, constraints) : rescoreAllowed(store, hits, queries, offset, constraints);
    if (found.slots.length >= wanted) return found;
    if (depth >= store.size || depth * DEPTH_GROWTH > maxDepth) return undefined;
  }
}

function holdsAny(slots: Int32Array, set: SlotSet): boolean {
  if (set.size === 0) return false;
  for (const slot of slots) if (set.has(slot)) return true;
  return false;
}

/** The first k allowed hits in the index's order with the index's scores, compacted in place: the hits are this search's own arrays. */
function keepAllowed(store: ItemStore, hits: IndexHits, constraints: SearchConstraints): IndexHits {
  const { k, excluded, conditions } = constraints;
  const { slots, similarities } = hits;
  let kept = 0;
  for (let i = 0; i < slots.length && kept < k; i++) {
    const slot = slots[i];
    if (!allowed(store, slot, excluded, conditions)) continue;
    slots[kept] = slot;
    similarities[kept] = similarities[i];
    kept++;
  }
  return { slots: slots.subarray(0, kept), similarities: similarities.subarray(0, kept) };
}

/** The k best allowed hits by the store's float32 embeddings. */
function rescoreAllowed(store: ItemStore, hits: IndexHits, queries: Float32Array, offset: number, constraints: SearchConstraints): IndexHits {
  const { k, excluded, conditions } = constraints;
  const top = new TopK(k);
  for (const slot of hits.slots) {
    if (allowed(store, slot, excluded, conditions)) top.push(slot, dot(store, slot, queries, offset));
  }
  return drain(top);
}

function allowed(store: ItemStore, slot: number, excluded: ReadonlySet<number>, conditions: readonly AttributeCondition[]): boolean {
  if (excluded.has(slot) || !store.isLive(slot)) return false;
  return conditions.length === 0 || store.attributes.matches(slot, conditions);
}

function exactScan(store: ItemStore, queries: Float32Array, offset: number, constraints: SearchConstraints, matching: Int32Array | undefined): IndexHits {
  const { k, excluded, conditions } = constraints;
  const top = new TopK(k);
  const candidates = matching ?? (conditions.length === 0 ? store.liveSlots() : matchingSlots(store, conditions));
  for (const slot of candidates) {
    if (!excluded.has(slot)) top.push(slot, dot(store, slot, queries, offset));
  }
  return drain(top);
}

function matchingSlots(store: ItemStore, conditions: readonly AttributeCondition[]): Int32Array {
  return store.attributes.matchingSlots(conditions, store.slotLimit, (slot) => store.isLive(slot));
}

function sampleMatches(store: ItemStore, conditions: readonly AttributeCondition[]): number {
  const limit = store.slotLimit;
  const stride = Math.max(1, Math.floor(limit / SELECTIVITY_SAMPLE_SLOTS));
  let live = 0;
  let matched = 0;
  for (let slot = 0; slot < limit; slot += stride) {
    if (!store.isLive(slot)) continue;
    live++;
    if (store.attributes.matches(slot, conditions)) matched++;
  }
  return live === 0 ? store.size : (matched / live) * store.size;
}

function dot(store: ItemStore, slot: number, queries: Float32Array, offset: number): number {
  const rows = store.embeddings;
  const dim = store.dim;
  const base = slot * dim;
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += rows[base + j] * queries[offset + j];
  return sum;
}

function drain(top: TopK): IndexHits {
  const { slots, scores } = top.drain();
  return { slots, similarities: scores };
}
