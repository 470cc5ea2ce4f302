// The similar-items protocol (docs/evaluation.md, "Similar items"): given the last item a user
// had in train, is the user's next item (the earliest held-out one) among its nearest items?
import type { ItemCatalog } from '../../../shared/features/index.js';
import type { Events, HeldOut } from './split.js';
import type { TrainData } from './train-data.js';
import { rowOf } from './train-data.js';

/** One query: the user's last train item and the item that came next. */
export interface NextItemPair {
  readonly query: number;
  readonly next: number;
}

/** Scores every catalog item against a query item (higher = more similar); `out` has one slot per item. */
export type ItemSimilarity = (query: number, out: Float64Array) => void;

/** HitRate@10 and MRR (reciprocal rank of the next item in the full ranking) of one method. */
export interface SimilarItemsMetrics {
  readonly name: string;
  readonly hitRate10: number;
  readonly mrr: number;
  readonly pairs: number;
}

/** One pair per held-out user with train events: the last train item → the earliest held-out item. */
export function nextItemPairs(train: Events, test: HeldOut, all: Events): NextItemPair[] {
  const lastTrain = new Map<number, { item: number; t: number }>();
  for (let k = 0; k < train.user.length; k++) {
    const seen = lastTrain.get(train.user[k]);
    if (seen === undefined || train.timestamp[k] >= seen.t) lastTrain.set(train.user[k], { item: train.item[k], t: train.timestamp[k] });
  }
  const firstSeen = new Map<string, number>();
  for (let k = 0; k < all.user.length; k++) firstSeen.set(`${all.user[k]}:${all.item[k]}`, all.timestamp[k]);
  const pairs: NextItemPair[] = [];
  for (const [i, user] of test.users.entries()) {
    const last = lastTrain.get(user);
    if (last === undefined) continue;
    let next = -1;
    let nextT = Infinity;
    for (let j = test.offsets[i]; j < test.offsets[i + 1]; j++) {
      const t = firstSeen.get(`${user}:${test.items[j]}`) ?? Infinity;
      if (t < nextT) [next, nextT] = [test.items[j], t];
    }
    if (next >= 0) pairs.push({ query: last.item, next });
  }
  return pairs;
}

/** Ranks the catalog for each pair's query (the query itself excluded) and measures where the next item lands. */
export function evaluateSimilarItems(name: string, similarity: ItemSimilarity, pairs: readonly NextItemPair[], numItems: number): SimilarItemsMetrics {
  const scores = new Float64Array(numItems);
  let hits = 0;
  let reciprocal = 0;
  for (const { query, next } of pairs) {
    similarity(query, scores);
    scores[query] = -Infinity;
    const target = scores[next];
    // Ties count against the next item: a method that cannot tell items apart earns nothing.
    let rank = 1;
    for (let i = 0; i < numItems; i++) if (i !== next && scores[i] >= target) rank++;
    if (rank <= 10) hits++;
    reciprocal += 1 / rank;
  }
  return { name, hitRate10: hits / pairs.length, mrr: reciprocal / pairs.length, pairs: pairs.length };
}

/** Inner product e_q · e_i, or the cosine with `cosine`, over n × d embeddings. */
export function embeddingSimilarity(e: Float32Array, dim: number, cosine: boolean): ItemSimilarity {
  const n = e.length / dim;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += e[i * dim + j] ** 2;
    norms[i] = cosine ? Math.sqrt(s) || 1 : 1;
  }
  return (q, out) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += e[q * dim + j] * e[i * dim + j];
      out[i] = s / (norms[q] * norms[i]);
    }
  };
}

/** Item-kNN: the cosine of two items' train user sets (co-occurrence over sqrt of the counts). */
export function coOccurrenceCosine(train: TrainData): ItemSimilarity {
  return (q, out) => {
    out.fill(0);
    for (const user of rowOf(train.byItem, q)) for (const item of rowOf(train.byUser, user)) out[item]++;
    const nq = rowOf(train.byItem, q).length || 1;
    for (let i = 0; i < out.length; i++) if (out[i] > 0) out[i] /= Math.sqrt(nq * rowOf(train.byItem, i).length);
  };
}

/** Jaccard of two items' values over the catalog's multi-valued features (genres, tags), as one set. */
export function featureJaccard(catalog: ItemCatalog, featureNames: readonly string[]): ItemSimilarity {
  const n = catalog.ids.length;
  const sets: Set<string>[] = Array.from({ length: n }, () => new Set<string>());
  for (const name of featureNames) {
    const column = catalog.features.get(name);
    if (column?.kind !== 'multi') continue;
    for (let r = 0; r < n; r++) for (let k = column.offsets[r]; k < column.offsets[r + 1]; k++) sets[r].add(`${name}=${column.levels[column.codes[k]]}`);
  }
  return (q, out) => {
    const a = sets[q];
    for (let i = 0; i < n; i++) {
      const b = sets[i];
      let common = 0;
      for (const value of b) if (a.has(value)) common++;
      const union = a.size + b.size - common;
      out[i] = union === 0 ? 0 : common / union;
    }
  };
}
