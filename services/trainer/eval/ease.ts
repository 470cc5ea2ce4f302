// EASE (Steck 2019): B = I − P·diagMat(1/diag(P)), P = (XᵀX + λI)⁻¹, scores = x·B, over the items
// with at least one train interaction (the model has no row for the others).
import { gram, nonEmptyRows } from './gram.js';
import type { Recommender } from './recommender.js';
import { scoreRanker } from './score-ranker.js';
import type { UserScorer } from './score-ranker.js';
import { spdInverse } from './spd-inverse.js';
import type { TrainData } from './train-data.js';
import { rowOf } from './train-data.js';

/** λ searched on validation; Steck reports optima in the hundreds on MovieLens-sized data. */
const LAMBDAS = [50, 100, 200, 300, 500, 800, 1200, 2000];

export const ease: Recommender = {
  name: 'EASE',
  grid: LAMBDAS.map((lambda) => ({ lambda })),
  fit: (data, params) => Promise.resolve([scoreRanker('EASE', data, easeScorer(data, Number(params.lambda)), true)]),
};

/**
 * Writes the EASE scores x·B of an input row x into `out` (numItems long): x holds `items` with
 * `weights` (1 each when absent). The scores of the row's own items are meaningless; the rankers
 * exclude them.
 */
export type EaseRowScorer = (items: ArrayLike<number>, weights: ArrayLike<number> | undefined, out: Float32Array) => void;

/** Which inverse EASE computes: the smaller side's (default) or the one given (both give the same scores). */
export type EaseSide = 'user' | 'item' | 'auto';

/** EASE scores of each user's binary train row. */
export function easeScorer(data: TrainData, lambda: number, side: EaseSide = 'auto'): UserScorer {
  const score = easeRowScorer(data, lambda, side);
  return (user, out) => score(rowOf(data.byUser, user), undefined, out);
}

// One fitted λ per train set: the recency-weighted variant searches its half-life at a fixed λ,
// so consecutive grid points reuse the inverse instead of recomputing it.
let cached: { data: TrainData; lambda: number; side: EaseSide; scorer: EaseRowScorer } | undefined;

/**
 * The EASE row scorer for `data` at `lambda`. With fewer users than items (ml-latest-small:
 * 610 × ~9k) the item-side inverse is replaced, exactly, by the Woodbury identity: with
 * M = (X·Xᵀ + λI)⁻¹ (users × users), x·P = (x − x·Xᵀ·M·X) / λ and P_jj = (1 − x_jᵀ·M·x_j) / λ,
 * so off the row's own items the score −(x·P)_j / P_jj is (x·Xᵀ·M·X)_j / (1 − x_jᵀ·M·x_j).
 * Otherwise P is inverted directly. Both inverses use our Cholesky.
 */
export function easeRowScorer(data: TrainData, lambda: number, side: EaseSide = 'auto'): EaseRowScorer {
  if (cached?.data === data && cached.lambda === lambda && cached.side === side) return cached.scorer;
  const userSide = side === 'auto' ? nonEmptyRows(data.byUser).size < nonEmptyRows(data.byItem).size : side === 'user';
  const scorer = userSide ? woodburyScorer(data, lambda) : itemSideScorer(data, lambda);
  cached = { data, lambda, side, scorer };
  return scorer;
}

function woodburyScorer(data: TrainData, lambda: number): EaseRowScorer {
  const users = nonEmptyRows(data.byUser);
  const n = users.size;
  const g = gram(data.byItem, users.index, n);
  for (let u = 0; u < n; u++) g[u * n + u] += lambda;
  const m = spdInverse(g, n);
  // 1 / (1 − x_jᵀ·M·x_j) per item: the column scale of every score.
  const scale = new Float64Array(data.numItems);
  for (let j = 0; j < data.numItems; j++) {
    const holders = rowOf(data.byItem, j);
    if (holders.length === 0) continue;
    let quadratic = 0;
    for (const h of holders) {
      const rh = users.index[h] * n;
      for (const h2 of holders) quadratic += m[rh + users.index[h2]];
    }
    scale[j] = 1 / (1 - quadratic);
  }
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  return (items, weights, out) => {
    // a = X·xᵀ (users), b = M·a, out_j = (Xᵀ·b)_j · scale_j.
    a.fill(0);
    for (let k = 0; k < items.length; k++) {
      const w = weights === undefined ? 1 : weights[k];
      for (const h of rowOf(data.byItem, items[k])) a[users.index[h]] += w;
    }
    for (let u = 0; u < n; u++) {
      let s = 0;
      const ru = u * n;
      for (let v = 0; v < n; v++) s += m[ru + v] * a[v];
      b[u] = s;
    }
    for (let j = 0; j < data.numItems; j++) {
      let s = 0;
      for (const h of rowOf(data.byItem, j)) s += b[users.index[h]];
      out[j] = s * scale[j];
    }
  };
}

function itemSideScorer(data: TrainData, lambda: number): EaseRowScorer {
  const items = nonEmptyRows(data.byItem);
  const n = items.size;
  const g = gram(data.byUser, items.index, n);
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  const p = spdInverse(g, n);
  // B_ij = −P_ij / P_jj off the diagonal, 0 on it.
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) b[i * n + j] = -p[i * n + j] / p[j * n + j];
  return (row, weights, out) => {
    out.fill(0);
    for (let k = 0; k < row.length; k++) {
      const position = items.index[row[k]];
      if (position < 0) continue;
      const w = weights === undefined ? 1 : weights[k];
      const ri = position * n;
      for (let c = 0; c < n; c++) out[items.rows[c]] += w * b[ri + c];
    }
  };
}
