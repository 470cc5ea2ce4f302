// iALS (Hu, Koren & Volinsky 2008): confidence-weighted implicit matrix factorisation, each
// half-step solved by a few warm-started conjugate-gradient steps (Takács, Pilászy & Tikk 2011).
import type { Recommender } from './recommender.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { factorScorer, scoreRanker } from './score-ranker.js';
import type { Csr } from './train-data.js';
import { rowOf } from './train-data.js';

/** Factors searched on validation. */
const FACTORS = [64];
/** Confidence c = 1 + α on observed pairs. */
const ALPHAS = [2, 4];
/** L2 weight on the factors. */
const LAMBDAS = [20, 50, 80];
/** Alternations: the validation MAP flattens after about ten on MovieLens. */
const ITERATIONS = 15;
/** CG steps per row and half-step: warm starts make three enough (Takács et al.). */
const CG_STEPS = 3;
/** Scale of the random initial factors: small, so that the first solves are driven by the data. */
const INIT_SCALE = 0.01;

/** iALS tuned over factors × α × λ. */
export const ials: Recommender = {
  name: 'iALS',
  stochastic: true,
  grid: FACTORS.flatMap((factors) => ALPHAS.flatMap((alpha) => LAMBDAS.map((lambda) => ({ factors, alpha, lambda })))),
  fit: (data, params, context) => {
    const dim = Number(params.factors);
    const alpha = Number(params.alpha);
    const lambda = Number(params.lambda);
    const rng = new SeededRandom(context.seed);
    const users = Float64Array.from({ length: data.numUsers * dim }, () => rng.normal() * INIT_SCALE);
    const items = Float64Array.from({ length: data.numItems * dim }, () => rng.normal() * INIT_SCALE);
    for (let it = 0; it < ITERATIONS; it++) {
      solveSide(users, items, data.byUser, dim, alpha, lambda);
      solveSide(items, users, data.byItem, dim, alpha, lambda);
    }
    return Promise.resolve([scoreRanker('iALS', data, factorScorer(users, items, dim))]);
  },
};

/**
 * Updates every row x of `target` towards the solution of
 * (YᵀY + λI + α·Σ_{i∈row} y_i·y_iᵀ)·x = (1 + α)·Σ_{i∈row} y_i, with Y = `fixed`.
 */
function solveSide(target: Float64Array, fixed: Float64Array, rows: Csr, dim: number, alpha: number, lambda: number): void {
  const yty = new Float64Array(dim * dim);
  const numFixed = fixed.length / dim;
  for (let i = 0; i < numFixed; i++) {
    const o = i * dim;
    for (let a = 0; a < dim; a++) {
      const ya = fixed[o + a];
      if (ya === 0) continue;
      for (let b = 0; b < dim; b++) yty[a * dim + b] += ya * fixed[o + b];
    }
  }
  for (let a = 0; a < dim; a++) yty[a * dim + a] += lambda;
  const x = new Float64Array(dim);
  const r = new Float64Array(dim);
  const p = new Float64Array(dim);
  const ap = new Float64Array(dim);
  const numRows = rows.offsets.length - 1;
  const multiply = (v: Float64Array, out: Float64Array, cols: Int32Array): void => {
    for (let a = 0; a < dim; a++) {
      let s = 0;
      const ra = a * dim;
      for (let b = 0; b < dim; b++) s += yty[ra + b] * v[b];
      out[a] = s;
    }
    for (const c of cols) {
      const o = c * dim;
      let dot = 0;
      for (let a = 0; a < dim; a++) dot += fixed[o + a] * v[a];
      dot *= alpha;
      for (let a = 0; a < dim; a++) out[a] += dot * fixed[o + a];
    }
  };
  for (let row = 0; row < numRows; row++) {
    const cols = rowOf(rows, row);
    const base = row * dim;
    for (let a = 0; a < dim; a++) x[a] = target[base + a];
    multiply(x, ap, cols);
    for (let a = 0; a < dim; a++) r[a] = -ap[a];
    for (const c of cols) for (let a = 0; a < dim; a++) r[a] += (1 + alpha) * fixed[c * dim + a];
    p.set(r);
    let rs = dot(r, r);
    for (let step = 0; step < CG_STEPS && rs > 1e-20; step++) {
      multiply(p, ap, cols);
      const stepSize = rs / dot(p, ap);
      for (let a = 0; a < dim; a++) {
        x[a] += stepSize * p[a];
        r[a] -= stepSize * ap[a];
      }
      const next = dot(r, r);
      for (let a = 0; a < dim; a++) p[a] = r[a] + (next / rs) * p[a];
      rs = next;
    }
    target.set(x, base);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}
