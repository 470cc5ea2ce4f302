// EASE (Steck 2019): B = I − P·diagMat(1/diag(P)), P = (XᵀX + λI)⁻¹, scores = X·B, over the items
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

/**
 * With fewer users than items (ml-latest-small: 610 × ~9k) the item-side inverse is replaced,
 * exactly, by the Woodbury identity: with M = (X·Xᵀ + λI)⁻¹ (users × users),
 * X·P = M·X and diag(P)_j = (1 − x_jᵀ·M·x_j) / λ, so the scores off the user's own items are
 * −(M·X)_{uj} / P_jj. Otherwise P is inverted directly. Both inverses use our Cholesky.
 */
export const ease: Recommender = {
  name: 'EASE',
  grid: LAMBDAS.map((lambda) => ({ lambda })),
  fit: (data, params) => {
    const lambda = Number(params.lambda);
    const side = nonEmptyRows(data.byUser).size < nonEmptyRows(data.byItem).size ? 'user' : 'item';
    return Promise.resolve([scoreRanker('EASE', data, easeScorer(data, lambda, side), true)]);
  },
};

/** EASE scores through the user-side (Woodbury) or the item-side inverse; both give the same scores off the user's items. */
export function easeScorer(data: TrainData, lambda: number, side: 'user' | 'item'): UserScorer {
  return side === 'user' ? woodburyScorer(data, lambda) : itemSideScorer(data, lambda);
}

function woodburyScorer(data: TrainData, lambda: number): UserScorer {
  const users = nonEmptyRows(data.byUser);
  const n = users.size;
  const g = gram(data.byItem, users.index, n);
  for (let u = 0; u < n; u++) g[u * n + u] += lambda;
  const m = spdInverse(g, n);
  // scores[u][j] = −(M·X)_{uj} / P_jj, user-major so that scoring a user copies one row.
  const scores = new Float32Array(n * data.numItems);
  const column = new Float64Array(n);
  for (let j = 0; j < data.numItems; j++) {
    const holders = rowOf(data.byItem, j);
    if (holders.length === 0) continue;
    column.fill(0);
    let quadratic = 0;
    for (const h of holders) {
      const ph = users.index[h];
      const rh = ph * n;
      for (let u = 0; u < n; u++) column[u] += m[rh + u];
      for (const h2 of holders) quadratic += m[rh + users.index[h2]];
    }
    const pjj = (1 - quadratic) / lambda;
    for (let u = 0; u < n; u++) scores[u * data.numItems + j] = -column[u] / pjj;
  }
  return (user, out) => {
    const p = users.index[user];
    if (p < 0) out.fill(0);
    else out.set(scores.subarray(p * data.numItems, (p + 1) * data.numItems));
  };
}

function itemSideScorer(data: TrainData, lambda: number): UserScorer {
  const items = nonEmptyRows(data.byItem);
  const n = items.size;
  const g = gram(data.byUser, items.index, n);
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  const p = spdInverse(g, n);
  // B_ij = −P_ij / P_jj off the diagonal, 0 on it.
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) b[i * n + j] = -p[i * n + j] / p[j * n + j];
  return (user, out) => {
    out.fill(0);
    for (const i of rowOf(data.byUser, user)) {
      const ri = items.index[i] * n;
      for (let k = 0; k < n; k++) out[items.rows[k]] += b[ri + k];
    }
  };
}
