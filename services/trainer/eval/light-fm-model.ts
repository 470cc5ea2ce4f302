// A LightFM-style factorisation model (Kula 2015): user and item vectors are the weighted sums of
// their features' embeddings, plus an item bias; trained by WARP or BPR with Adagrad.
import type { SeededRandom } from '../../../shared/random/index.js';
import type { FeatureRows } from './light-fm-features.js';
import type { Csr } from './train-data.js';
import { rowOf } from './train-data.js';

/** Pairwise objectives: WARP (weighted approximate rank pairwise) or BPR (Bayesian personalised ranking). */
export type LightFmLoss = 'warp' | 'bpr';

/**
 * Where L2 acts: 'touched' adds l2·θ to the gradient of each embedding and bias a step updates
 * (inside Adagrad); 'decay' shrinks every parameter after each update by 1 / (1 + l2 · the mean
 * Adagrad rate of the parameters the update touched), LightFM's global regulariser.
 */
export type LightFmL2 = 'touched' | 'decay';

/** Training settings of one run. */
export interface LightFmSettings {
  readonly dim: number;
  readonly loss: LightFmLoss;
  /** Adagrad's base learning rate. */
  readonly learningRate: number;
  /** L2 weight (see `l2Mode`). */
  readonly l2: number;
  /** Default 'touched'. */
  readonly l2Mode?: LightFmL2;
}

/** LightFM's cap on sampled negatives per positive: past it the positive is taken as ranked high enough. */
export const WARP_MAX_SAMPLED = 10;
/** LightFM's clip of the WARP weight log(rank estimate), keeping one step bounded. */
const WARP_MAX_LOSS = 10;
/** Adagrad accumulators start at 1, as in LightFM, so the first steps are not huge. */
const ADAGRAD_INITIAL = 1;
/** BPR redraws a negative that is a positive of the user at most this many times. */
const BPR_REDRAWS = 10;
/** Below this the decay's running scale is folded into the stored parameters, to keep their floats in range. */
const MIN_SCALE = 1e-4;

/** What one WARP step did, for specs: how many negatives it drew and the weight it applied (0 = no update). */
export interface WarpStep {
  readonly trials: number;
  readonly weight: number;
}

/**
 * The model's parameters and their Adagrad accumulators. `users` and `items` give each entity's
 * feature row; `positives` (rows = users, ascending item lists) tells WARP and BPR which sampled
 * items are not negatives; negatives are drawn uniformly from `candidates` (the items that have
 * features at all).
 */
export class LightFmModel {
  readonly dim: number;
  private readonly userEmbedding: Float32Array;
  private readonly itemEmbedding: Float32Array;
  private readonly itemBias: Float32Array;
  private readonly userAccumulator: Float32Array;
  private readonly itemAccumulator: Float32Array;
  private readonly biasAccumulator: Float32Array;
  private readonly u: Float64Array;
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private readonly gradient: Float64Array;
  /** 'decay': the parameters are stored divided by these (user side; item embeddings and biases), so shrinking all is one multiply. */
  private userScale = 1;
  private itemScale = 1;
  /** Sum and count of the Adagrad rates of one update's parameters ('decay'). */
  private rateSum = 0;
  private rateCount = 0;

  constructor(
    readonly settings: LightFmSettings,
    numUserFeatures: number,
    numItemFeatures: number,
    private readonly rng: SeededRandom,
  ) {
    const dim = settings.dim;
    this.dim = dim;
    // LightFM's initialisation: uniform in ±0.5 / dim, biases 0.
    const init = (): number => (rng.next() - 0.5) / dim;
    this.userEmbedding = Float32Array.from({ length: numUserFeatures * dim }, init);
    this.itemEmbedding = Float32Array.from({ length: numItemFeatures * dim }, init);
    this.itemBias = new Float32Array(numItemFeatures);
    this.userAccumulator = new Float32Array(numUserFeatures * dim).fill(ADAGRAD_INITIAL);
    this.itemAccumulator = new Float32Array(numItemFeatures * dim).fill(ADAGRAD_INITIAL);
    this.biasAccumulator = new Float32Array(numItemFeatures).fill(ADAGRAD_INITIAL);
    this.u = new Float64Array(dim);
    this.pos = new Float64Array(dim);
    this.neg = new Float64Array(dim);
    this.gradient = new Float64Array(dim);
  }

  /** One pass over every (user, item) pair of `positives`, in a random order. */
  trainEpoch(users: FeatureRows, items: FeatureRows, positives: Csr, candidates: Int32Array): void {
    const numUsers = positives.offsets.length - 1;
    const pairs = new Int32Array(positives.indices.length);
    const owner = new Int32Array(positives.indices.length);
    for (let user = 0; user < numUsers; user++) owner.fill(user, positives.offsets[user], positives.offsets[user + 1]);
    for (let k = 0; k < pairs.length; k++) pairs[k] = k;
    this.rng.shuffle(pairs);
    for (const k of pairs) {
      if (this.settings.loss === 'warp') this.warpStep(users, items, positives, candidates, owner[k], positives.indices[k]);
      else this.bprStep(users, items, positives, candidates, owner[k], positives.indices[k]);
    }
  }

  /**
   * WARP for one positive pair: draw negatives uniformly until one scores above the positive
   * minus the margin 1 (a drawn positive of the user counts as a trial but is skipped), at most
   * WARP_MAX_SAMPLED; with N candidates and t trials the positive's rank is estimated as
   * ⌊(N − 1) / t⌋, and the hinge step is weighted by log of that estimate.
   */
  warpStep(users: FeatureRows, items: FeatureRows, positives: Csr, candidates: Int32Array, user: number, item: number): WarpStep {
    const { u, pos, neg } = this;
    sumRow(this.userEmbedding, users, user, this.dim, u, this.userScale);
    const positiveScore = this.itemScore(items, item, u, pos);
    for (let trials = 1; trials <= WARP_MAX_SAMPLED; trials++) {
      const negative = candidates[this.rng.int(candidates.length)];
      const negativeScore = this.itemScore(items, negative, u, neg);
      if (negativeScore <= positiveScore - 1 || isPositive(positives, user, negative)) continue;
      const weight = Math.min(WARP_MAX_LOSS, Math.log(Math.max(1, Math.floor((candidates.length - 1) / trials))));
      this.pairUpdate(users, items, user, item, negative, weight);
      return { trials, weight };
    }
    return { trials: WARP_MAX_SAMPLED, weight: 0 };
  }

  /** BPR for one positive pair: one uniform negative (redrawn when it is a positive), logistic step. */
  bprStep(users: FeatureRows, items: FeatureRows, positives: Csr, candidates: Int32Array, user: number, item: number): void {
    const { u, pos, neg } = this;
    let negative = candidates[this.rng.int(candidates.length)];
    for (let redraw = 0; redraw < BPR_REDRAWS && isPositive(positives, user, negative); redraw++) negative = candidates[this.rng.int(candidates.length)];
    if (isPositive(positives, user, negative)) return;
    sumRow(this.userEmbedding, users, user, this.dim, u, this.userScale);
    const difference = this.itemScore(items, item, u, pos) - this.itemScore(items, negative, u, neg);
    this.pairUpdate(users, items, user, item, negative, 1 / (1 + Math.exp(difference)));
  }

  /** The score u·v + b of `item` given the user vector `u`; the item's vector is left in `v`. */
  private itemScore(items: FeatureRows, item: number, u: Float64Array, v: Float64Array): number {
    sumRow(this.itemEmbedding, items, item, this.dim, v, this.itemScale);
    let score = 0;
    for (let k = 0; k < this.dim; k++) score += u[k] * v[k];
    for (let e = items.offsets[item]; e < items.offsets[item + 1]; e++) score += items.weights[e] * this.itemBias[items.indices[e]] * this.itemScale;
    return score;
  }

  /**
   * Descends weight · (s_neg − s_pos) with `u`, `pos`, `neg` holding the pair's vectors: the
   * gradients are weight·(neg − pos) for the user, −weight·u and +weight·u for the items, ∓weight
   * for the biases, spread over each entity's features by their weights.
   */
  private pairUpdate(users: FeatureRows, items: FeatureRows, user: number, item: number, negative: number, weight: number): void {
    const { u, pos, neg, gradient, dim } = this;
    this.rateSum = 0;
    this.rateCount = 0;
    for (let k = 0; k < dim; k++) gradient[k] = weight * (neg[k] - pos[k]);
    this.adagrad(this.userEmbedding, this.userAccumulator, users, user, gradient, 1, this.userScale);
    for (let k = 0; k < dim; k++) gradient[k] = weight * u[k];
    this.adagrad(this.itemEmbedding, this.itemAccumulator, items, item, gradient, -1, this.itemScale);
    this.adagrad(this.itemEmbedding, this.itemAccumulator, items, negative, gradient, 1, this.itemScale);
    this.adagradBias(items, item, -weight);
    this.adagradBias(items, negative, weight);
    if (this.settings.l2Mode === 'decay' && this.rateCount > 0) this.decay(1 + (this.settings.l2 * this.rateSum) / this.rateCount);
  }

  /**
   * Adagrad on the embeddings of row `row`'s features (stored divided by `scale`): gradient
   * sign·g·w_f for feature f of weight w_f, plus l2·θ in the 'touched' mode.
   */
  private adagrad(table: Float32Array, accumulator: Float32Array, rows: FeatureRows, row: number, g: Float64Array, sign: number, scale: number): void {
    const { dim } = this;
    const { learningRate } = this.settings;
    const l2 = this.settings.l2Mode === 'decay' ? 0 : this.settings.l2;
    for (let e = rows.offsets[row]; e < rows.offsets[row + 1]; e++) {
      const w = sign * rows.weights[e];
      const base = rows.indices[e] * dim;
      for (let k = 0; k < dim; k++) {
        const step = w * g[k] + l2 * table[base + k] * scale;
        const rate = learningRate / Math.sqrt(accumulator[base + k]);
        table[base + k] -= (rate * step) / scale;
        accumulator[base + k] += step * step;
        this.rateSum += rate;
      }
      this.rateCount += dim;
    }
  }

  private adagradBias(rows: FeatureRows, row: number, g: number): void {
    const { learningRate } = this.settings;
    const l2 = this.settings.l2Mode === 'decay' ? 0 : this.settings.l2;
    const scale = this.itemScale;
    for (let e = rows.offsets[row]; e < rows.offsets[row + 1]; e++) {
      const f = rows.indices[e];
      const step = rows.weights[e] * g + l2 * this.itemBias[f] * scale;
      const rate = learningRate / Math.sqrt(this.biasAccumulator[f]);
      this.itemBias[f] -= (rate * step) / scale;
      this.biasAccumulator[f] += step * step;
      this.rateSum += rate;
      this.rateCount++;
    }
  }

  /** Divides every parameter by `factor` through the running scales, folding them in when they get small. */
  private decay(factor: number): void {
    this.userScale /= factor;
    this.itemScale /= factor;
    if (this.userScale < MIN_SCALE) {
      scaleAll(this.userEmbedding, this.userScale);
      this.userScale = 1;
    }
    if (this.itemScale < MIN_SCALE) {
      scaleAll(this.itemEmbedding, this.itemScale);
      scaleAll(this.itemBias, this.itemScale);
      this.itemScale = 1;
    }
  }

  /** Every user's vector with a trailing 1, row-major (dim + 1 columns), to score against `itemFactors`. */
  userFactors(users: FeatureRows): Float32Array {
    return this.factors(this.userEmbedding, users, undefined, this.userScale);
  }

  /**
   * Every item's vector with its bias appended (dim + 1 columns). Rows built without identity
   * features (FeatureVocabulary.rows) give the features-only vectors of cold-start items.
   */
  itemFactors(items: FeatureRows): Float32Array {
    return this.factors(this.itemEmbedding, items, this.itemBias, this.itemScale);
  }

  private factors(table: Float32Array, rows: FeatureRows, bias: Float32Array | undefined, scale: number): Float32Array {
    const count = rows.offsets.length - 1;
    const width = this.dim + 1;
    const out = new Float32Array(count * width);
    const v = new Float64Array(this.dim);
    for (let r = 0; r < count; r++) {
      sumRow(table, rows, r, this.dim, v, scale);
      out.set(v, r * width);
      let last = bias === undefined ? 1 : 0;
      if (bias !== undefined) for (let e = rows.offsets[r]; e < rows.offsets[r + 1]; e++) last += rows.weights[e] * bias[rows.indices[e]] * scale;
      out[r * width + this.dim] = last;
    }
    return out;
  }
}

/** out = scale · Σ_f w_f · table[f] over the features of `row`. */
function sumRow(table: Float32Array, rows: FeatureRows, row: number, dim: number, out: Float64Array, scale: number): void {
  out.fill(0);
  for (let e = rows.offsets[row]; e < rows.offsets[row + 1]; e++) {
    const w = rows.weights[e] * scale;
    const base = rows.indices[e] * dim;
    for (let k = 0; k < dim; k++) out[k] += w * table[base + k];
  }
}

/** Whether `item` is in user `user`'s ascending positive list (binary search). */
function isPositive(positives: Csr, user: number, item: number): boolean {
  const row = rowOf(positives, user);
  let lo = 0;
  let hi = row.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (row[mid] === item) return true;
    if (row[mid] < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function scaleAll(values: Float32Array, factor: number): void {
  for (let k = 0; k < values.length; k++) values[k] *= factor;
}
