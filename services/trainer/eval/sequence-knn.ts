// SKNN, a sequence-aware item kNN: items are neighbours when they occur within `window` positions
// of each other in some user's time-ordered train history; a user is scored from their last
// `lastN` items, each weighted 2^(−n/h) by recency position n (0 = most recent).
import type { Recommender } from './recommender.js';
import { scoreRanker } from './score-ranker.js';
import type { UserScorer } from './score-ranker.js';
import { recencyWeights, timeOrderedRows } from './train-sequences.js';
import type { Csr, TrainData } from './train-data.js';
import { rowOf } from './train-data.js';

/** How many of the user's latest items query the neighbourhood. */
const LAST_N = [5, 10, 20];
/** Recency half-life over those items, in positions. */
const HALF_LIVES = [2, 5, 10];
/** Co-occurrence window in positions (each side); 10 and 20 were weaker, 400 no better (docs/experiments.md). */
const WINDOWS = [50, 100, 200];

export const sequenceKnn: Recommender = {
  name: 'SKNN',
  grid: WINDOWS.flatMap((window) => LAST_N.flatMap((lastN) => HALF_LIVES.map((halfLife) => ({ lastN, halfLife, window })))),
  fit: (data, params) =>
    Promise.resolve([scoreRanker('SKNN', data, sequenceKnnScorer(data, Number(params.lastN), Number(params.halfLife), Number(params.window)))]),
};

/**
 * score_j = Σ_n 2^(−n/h) · c(i_n, j) / √(f(i_n) · f(j)) over the user's last `lastN` items i_n,
 * where c counts the (user, position pair) co-occurrences of two items within `window` positions
 * and f is an item's train frequency: the cosine of the windowed co-occurrence, so that popular
 * items do not win by frequency alone. Co-occurrences are counted on demand from the items'
 * occurrence lists, which costs per user what a precomputed item-item table would cost to read.
 */
export function sequenceKnnScorer(data: TrainData, lastN: number, halfLife: number, window: number): UserScorer {
  const rows = timeOrderedRows(data);
  const occurrences = occurrenceLists(rows, data.numItems);
  // The user owning each position of `rows.indices`.
  const owners = new Int32Array(rows.indices.length);
  for (let u = 0; u + 1 < rows.offsets.length; u++) owners.fill(u, rows.offsets[u], rows.offsets[u + 1]);
  const weights = recencyWeights(lastN, halfLife);
  const counts = new Float64Array(data.numItems);
  const touched = new Int32Array(data.numItems);
  const seq = rows.indices;
  return (user, out) => {
    out.fill(0);
    const history = rowOf(rows, user);
    const taken = Math.min(lastN, history.length);
    for (let n = 0; n < taken; n++) {
      const item = history[history.length - 1 - n];
      const occ = rowOf(occurrences, item);
      let numTouched = 0;
      for (const at of occ) {
        const owner = owners[at];
        const from = Math.max(rows.offsets[owner], at - window);
        const to = Math.min(rows.offsets[owner + 1], at + window + 1);
        for (let q = from; q < to; q++) {
          if (q === at) continue;
          const j = seq[q];
          if (counts[j] === 0) touched[numTouched++] = j;
          counts[j]++;
        }
      }
      const scale = weights[n] / Math.sqrt(occ.length);
      for (let t = 0; t < numTouched; t++) {
        const j = touched[t];
        out[j] += (scale * counts[j]) / Math.sqrt(occurrences.offsets[j + 1] - occurrences.offsets[j]);
        counts[j] = 0;
      }
    }
  };
}

/** Row i lists the positions in `rows.indices` where item i occurs. */
function occurrenceLists(rows: Csr, numItems: number): Csr {
  const offsets = new Int32Array(numItems + 1);
  for (const i of rows.indices) offsets[i + 1]++;
  for (let i = 0; i < numItems; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, numItems);
  const indices = new Int32Array(rows.indices.length);
  rows.indices.forEach((i, at) => (indices[fill[i]++] = at));
  return { offsets, indices };
}
