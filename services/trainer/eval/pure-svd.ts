// PureSVD (Cremonesi et al. 2010): scores = X·V_k·V_kᵀ, the projection of each user's binary row
// onto the top-k right singular vectors of the binary user-item matrix X.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { gram, nonEmptyRows } from './gram.js';
import type { Recommender } from './recommender.js';
import { factorScorer, scoreRanker } from './score-ranker.js';
import type { TrainData } from './train-data.js';
import { rowOf } from './train-data.js';

/** Ranks searched on validation; the optimum on ml-latest-small is small (about 10), so the grid is dense there. */
const RANKS = [5, 10, 20, 30, 50, 75, 100, 150];

/**
 * The truncated SVD comes exactly from the symmetric eigendecomposition (ml-matrix's EVD) of the
 * Gram matrix on the smaller side: X·Xᵀ = U·Σ²·Uᵀ gives X·V_k·V_kᵀ = U_k·U_kᵀ·X, and Xᵀ·X = V·Σ²·Vᵀ
 * gives it directly. Either way the scores are user factors · item factors.
 */
export const pureSvd: Recommender = {
  name: 'PureSVD',
  grid: RANKS.map((rank) => ({ rank })),
  fit: (data, params) => {
    const rank = Number(params.rank);
    const { userFactors, itemFactors, dim } = factorize(data, rank);
    return Promise.resolve([scoreRanker('PureSVD', data, factorScorer(userFactors, itemFactors, dim))]);
  },
};

function factorize(data: TrainData, rank: number): { userFactors: Float64Array; itemFactors: Float64Array; dim: number } {
  const users = nonEmptyRows(data.byUser);
  const items = nonEmptyRows(data.byItem);
  const userSide = users.size <= items.size;
  const side = userSide ? users : items;
  const vectors = topEigenvectors(decomposition(data, userSide, side), side.size, rank);
  const dim = Math.min(rank, side.size);
  const userFactors = new Float64Array(data.numUsers * dim);
  const itemFactors = new Float64Array(data.numItems * dim);
  // The side that was decomposed takes its eigenvectors; the other side is the sparse rows summed over them.
  const [direct, summed, otherCsr, otherCount] = userSide
    ? [userFactors, itemFactors, data.byItem, data.numItems]
    : [itemFactors, userFactors, data.byUser, data.numUsers];
  side.rows.forEach((r, p) => direct.set(vectors.subarray(p * dim, (p + 1) * dim), r * dim));
  for (let o = 0; o < otherCount; o++) {
    for (const r of rowOf(otherCsr, o)) {
      const p = side.index[r] * dim;
      for (let f = 0; f < dim; f++) summed[o * dim + f] += vectors[p + f];
    }
  }
  return { userFactors, itemFactors, dim };
}

// One eigendecomposition per train set: the rank grid only truncates it, so the grid's points
// after the first reuse it instead of repeating the O(n³) step.
let cached: { data: TrainData; evd: EigenvalueDecomposition } | undefined;

/** The eigendecomposition of the Gram matrix of `data` over `side`'s rows (the users' when `userSide`). */
function decomposition(data: TrainData, userSide: boolean, side: { readonly index: Int32Array; readonly size: number }): EigenvalueDecomposition {
  if (cached?.data === data) return cached.evd;
  const g = gram(userSide ? data.byItem : data.byUser, side.index, side.size);
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(side.size, side.size, g), { assumeSymmetric: true });
  cached = { data, evd };
  return evd;
}

/** The eigenvectors of the `count` largest eigenvalues of a symmetric n × n matrix's decomposition, as rows of an n × count matrix. */
function topEigenvectors(evd: EigenvalueDecomposition, n: number, count: number): Float64Array {
  const values = evd.realEigenvalues;
  const order = values.map((_, k) => k).sort((a, b) => values[b] - values[a]).slice(0, Math.min(count, n));
  const vectors = evd.eigenvectorMatrix;
  const out = new Float64Array(n * order.length);
  for (let r = 0; r < n; r++) order.forEach((c, f) => (out[r * order.length + f] = vectors.get(r, c)));
  return out;
}
