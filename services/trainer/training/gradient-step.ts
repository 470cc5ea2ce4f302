import type { TensorMap } from '../../../shared/features/index.js';
import { floatInput, gatherFeed, INPUT_NAMES, intInput } from '../model/index.js';
import type { Model } from '../model/index.js';
import { bceWithLogits, correctSampledLogits, cosineLoss, matmulAcc, matmulTransAAcc, matmulTransBAcc, softmaxCrossEntropy } from '../nn/index.js';
import type { LossResult } from '../nn/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { AliasTable, NegativeSamplerImpl } from './negative-sampler.js';
import { topK } from '../eval/top-k.js';
import type { TrainConfig } from './train-config.js';
import type { TrainingData } from './training-data.js';

/** Loss parts of one (partial) batch, already divided by the full batch size. */
export interface StepLoss {
  /** Softmax cross-entropy (softmax) or BCE (thesis). */
  main: number;
  /** RankNet BCE (softmax) or the λ-weighted cosine term (thesis). */
  aux: number;
}

/**
 * Computes the gradients of one objective for a slice of a batch into the model's
 * gradient buffers (they accumulate: zero them before a batch). Losses are scaled by
 * 1/batchSize, so the slices of one batch on several threads sum to the batch mean.
 */
export class GradientStep {
  private readonly negatives: NegativeSamplerImpl;
  private readonly candidateSampler: AliasTable;
  private readonly counts: Float64Array;
  private readonly totalCount: number;
  /** Multiply-adds of the dense algebra in the last call (forward + backward). */
  lastMacs = 0;
  /** Multiply-adds of RankNet in the current call. */
  private rankMacs = 0;
  private logits = new Float32Array(0);

  constructor(
    private readonly model: Model,
    private readonly data: TrainingData,
    private readonly config: TrainConfig,
  ) {
    this.negatives = new NegativeSamplerImpl(data, config.negSampler);
    // Extra softmax candidates are drawn uniformly: in-batch targets already follow popularity.
    this.candidateSampler = new AliasTable(new Float64Array(data.catalogSize).fill(1));
    this.totalCount = data.itemCounts.reduce((a, b) => a + b, 0);
    this.counts = data.itemCounts;
  }

  /** Gradients of `examples` (a slice of a batch of `batchSize`) under the configured objective. */
  run(examples: Int32Array, batchSize: number, rng: SeededRandom): StepLoss {
    this.rankMacs = 0;
    const feed = this.data.userFeed(examples);
    if (this.config.historyDropout > 0) dropHistory(feed, this.model.shape.bagLength, this.config.historyDropout, rng);
    return this.config.objective === 'softmax' ? this.softmax(examples, feed, batchSize, rng) : this.thesis(examples, feed, batchSize, rng);
  }

  private softmax(examples: Int32Array, feed: TensorMap, batchSize: number, rng: SeededRandom): StepLoss {
    const { model, data, config } = this;
    const d = model.shape.dim;
    const m = examples.length;
    const scale = 1 / batchSize;
    const targets = Int32Array.from(examples, (e) => data.exampleTarget[e]);
    let candidates: Int32Array;
    let itemFeed: TensorMap;
    let targetCols: Int32Array;
    if (config.fullSoftmax) {
      candidates = Int32Array.from({ length: data.catalogSize }, (_, r) => r);
      // The id dropout below writes into the feed: the catalog itself must stay intact.
      itemFeed = config.itemIdDropout > 0 ? gatherFeed(data.catalog, candidates) : data.catalog;
      targetCols = targets;
    } else {
      const s = config.sampledCandidates;
      candidates = new Int32Array(m + s);
      candidates.set(targets);
      for (let j = 0; j < s; j++) candidates[m + j] = this.candidateSampler.sample(rng);
      itemFeed = gatherFeed(data.catalog, candidates);
      targetCols = Int32Array.from({ length: m }, (_, r) => r);
    }
    const n = candidates.length;
    if (config.itemIdDropout > 0) dropItemIds(itemFeed, config.itemIdDropout, rng);
    const u = model.user.forward(feed, m);
    const it = model.item.forward(itemFeed, n);
    const logits = this.scratchLogits(m * n);
    matmulTransBAcc(u.e, it.e, logits, m, d, n);

    // Hard negatives for RankNet: the K items the towers currently score highest among
    // the row's non-positives (only for rankNegatives = 'hard').
    const k = config.negRatio;
    const hard: Int32Array[] = [];
    if (config.rankNegatives === 'hard') {
      for (let r = 0; r < m; r++) {
        const e = examples[r];
        const row = logits.slice(r * n, r * n + n);
        for (let col = 0; col < n; col++) if (candidates[col] === targets[r] || data.isPositive(e, candidates[col])) row[col] = -Infinity;
        hard.push(topK(row, k));
      }
    }

    // log Q: expected occurrences of each candidate among in-batch targets and uniform extras
    // (a full softmax needs no correction).
    const logQ = config.fullSoftmax
      ? new Float32Array(n)
      : Float32Array.from(candidates, (c) =>
          config.logQWeight * Math.log((m * (this.counts[c] + 1)) / (this.totalCount + data.catalogSize) + config.sampledCandidates / data.catalogSize),
        );
    if (!config.fullSoftmax) correctSampledLogits(logits, m, n, candidates, logQ, targets, targetCols);
    // In place: the logits are not needed after the loss.
    const ce = softmaxCrossEntropy(logits, m, n, targetCols, scale, logits);
    const dEu = new Float32Array(m * d);
    const dEi = new Float32Array(n * d);
    matmulAcc(ce.grad, it.e, dEu, m, n, d);
    matmulTransAAcc(ce.grad, u.e, dEi, m, n, d);
    const dBu = new Float32Array(m);
    const dBi = new Float32Array(n);

    let aux = 0;
    if (config.rankWeight > 0) {
      const [gu, gi] = config.rankDetach ? [null, null] : [dEu, dEi];
      const pairUser: number[] = [];
      const pairItem: number[] = [];
      const rankScale = scale * config.rankWeight;
      if (config.rankNegatives === 'hard') {
        const labels: number[] = [];
        for (let r = 0; r < m; r++) {
          pairUser.push(r);
          pairItem.push(targetCols[r]);
          labels.push(1);
          for (const col of hard[r]) {
            pairUser.push(r);
            pairItem.push(col);
            labels.push(0);
          }
        }
        const y = Float32Array.from(labels);
        aux = this.rankPairs(u.e, u.b, it.e, it.b, pairUser, pairItem, (z) => bceWithLogits(z, y, rankScale), gu, dBu, gi, dBi, rng);
      } else {
        // Listwise: the positive against K candidates drawn uniformly from the softmax's
        // candidate set, on the same log-Q-corrected logits, so RankNet estimates the
        // same catalog softmax the retrieval does and only refines its order.
        const per = 1 + k;
        const correction = new Float32Array(m * per);
        for (let r = 0; r < m; r++) {
          for (let j = 0; j < per; j++) {
            const col = j === 0 ? targetCols[r] : rng.int(n);
            pairUser.push(r);
            pairItem.push(col);
            correction[r * per + j] = j > 0 && candidates[col] === targets[r] ? Infinity : logQ[col];
          }
        }
        const zeros = new Int32Array(m);
        aux = this.rankPairs(u.e, u.b, it.e, it.b, pairUser, pairItem, (z) => {
          for (let p = 0; p < z.length; p++) z[p] -= correction[p];
          return softmaxCrossEntropy(z, m, per, zeros, rankScale);
        }, gu, dBu, gi, dBi, rng);
      }
    }
    model.item.backward(it, dEi, dBi);
    model.user.backward(u, dEu, dBu);
    this.lastMacs = 3 * m * n * d + this.towerMacs(m, n);
    return { main: ce.loss, aux };
  }

  private thesis(examples: Int32Array, feed: TensorMap, batchSize: number, rng: SeededRandom): StepLoss {
    const { model, data, config } = this;
    const d = model.shape.dim;
    const m = examples.length;
    const per = 1 + config.negRatio;
    const rows = new Int32Array(m * per);
    const labels = new Float32Array(m * per);
    for (let r = 0; r < m; r++) {
      const e = examples[r];
      const positive = data.exampleTarget[e];
      rows[r * per] = positive;
      labels[r * per] = 1;
      for (let j = 1; j < per; j++) rows[r * per + j] = this.negatives.sample(e, positive, rng);
    }
    const u = model.user.forward(feed, m);
    const itemFeed = gatherFeed(data.catalog, rows);
    if (config.itemIdDropout > 0) dropItemIds(itemFeed, config.itemIdDropout, rng);
    const it = model.item.forward(itemFeed, m * per);
    const dEu = new Float32Array(m * d);
    const dBu = new Float32Array(m);
    const dEi = new Float32Array(m * per * d);
    const dBi = new Float32Array(m * per);
    const pairUser = Array.from({ length: m * per }, (_, p) => Math.floor(p / per));
    const pairItem = Array.from({ length: m * per }, (_, p) => p);
    // Per-pair mean, as the thesis averages BCE over positives and negatives alike.
    const scale = 1 / (batchSize * per);
    const main = this.rankPairs(u.e, u.b, it.e, it.b, pairUser, pairItem, (z) => bceWithLogits(z, labels, scale), dEu, dBu, dEi, dBi, rng);
    let aux = 0;
    if (config.lambda > 0) {
      const eu = gatherRows(u.e, pairUser, d);
      const cos = cosineLoss(eu, it.e, m * per, d, labels, scale * config.lambda);
      aux = cos.loss;
      for (let p = 0; p < m * per; p++) {
        const r = pairUser[p];
        for (let c = 0; c < d; c++) {
          dEu[r * d + c] += cos.gradA[p * d + c];
          dEi[p * d + c] += cos.gradB[p * d + c];
        }
      }
    }
    model.item.backward(it, dEi, dBi);
    model.user.backward(u, dEu, dBu);
    this.lastMacs = this.towerMacs(m, m * per);
    return { main, aux };
  }

  /** RankNet BCE on (user row, item row) pairs; scatters input gradients into the towers' gradients. */
  private rankPairs(
    eu: Float32Array,
    bu: Float32Array,
    ei: Float32Array,
    bi: Float32Array,
    pairUser: number[],
    pairItem: number[],
    lossOf: (logit: Float32Array) => LossResult,
    dEu: Float32Array | null,
    dBu: Float32Array,
    dEi: Float32Array | null,
    dBi: Float32Array,
    rng: SeededRandom,
  ): number {
    const d = this.model.shape.dim;
    const p = pairUser.length;
    const out = this.model.rank.forward(
      gatherRows(eu, pairUser, d),
      gatherRows(ei, pairItem, d),
      gatherRows(bu, pairUser, 1),
      gatherRows(bi, pairItem, 1),
      p,
      { rate: this.config.rankDropout, rng },
    );
    const loss = lossOf(out.logit);
    // null e-gradients: RankNet is detached from e_u/e_i (only the biases get its gradient).
    const g = this.model.rank.backward(out, loss.grad, dEu !== null && dEi !== null);
    for (let q = 0; q < p; q++) {
      const r = pairUser[q];
      const c = pairItem[q];
      if (dEu !== null && dEi !== null) {
        for (let j = 0; j < d; j++) {
          dEu[r * d + j] += g.deu[q * d + j];
          dEi[c * d + j] += g.dei[q * d + j];
        }
      }
      dBu[r] += g.dbias[q];
      dBi[c] += g.dbias[q];
    }
    // Forward + backward ≈ 3 × forward, less the input gradient of the first layer when detached.
    const d2 = 2 * d * d;
    this.rankMacs += p * (3 * this.rankForwardMacs() - (dEu === null ? d2 : 0));
    return loss.loss;
  }

  /** A zeroed [size] buffer reused across steps: the logits are the step's largest array. */
  private scratchLogits(size: number): Float32Array {
    if (this.logits.length < size) this.logits = new Float32Array(size);
    const out = this.logits.subarray(0, size);
    out.fill(0);
    return out;
  }

  /** Forward + backward multiply-adds of the towers (≈ 3 × forward) plus RankNet's. */
  private towerMacs(users: number, items: number): number {
    let userPerRow = this.model.shape.bagLength * this.model.shape.dim;
    let itemPerRow = this.model.shape.dim;
    for (const spec of this.model.layout.params) {
      if (spec.sparse || !spec.name.endsWith('.w')) continue;
      if (spec.name.startsWith('user.')) userPerRow += spec.rows * spec.cols;
      else if (spec.name.startsWith('item.')) itemPerRow += spec.rows * spec.cols;
    }
    return 3 * (users * userPerRow + items * itemPerRow) + this.rankMacs;
  }

  /** RankNet's forward multiply-adds per pair: its weight matrices plus the dot product. */
  private rankForwardMacs(): number {
    let macs = this.model.shape.dim;
    for (const spec of this.model.layout.params) if (spec.name.startsWith('rank.') && spec.name.endsWith('.w')) macs += spec.rows * spec.cols;
    return macs;
  }
}

/** Copies rows `rows` of a [*, width] block. */
function gatherRows(src: Float32Array, rows: ArrayLike<number>, width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let q = 0; q < rows.length; q++) {
    const from = rows[q] * width;
    const to = q * width;
    for (let c = 0; c < width; c++) out[to + c] = src[from + c];
  }
  return out;
}

/** Input dropout on the history: drops bag entries at random and renormalises the weights. */
/**
 * Replaces each row's item id by the out-of-vocabulary id 0 with probability `rate` (the rows
 * are a gathered copy), so that ItemNet also learns to place an item from its features alone,
 * which is all a new item without train events has.
 */
function dropItemIds(feed: TensorMap, rate: number, rng: SeededRandom): void {
  const ids = intInput(feed, INPUT_NAMES.itemId);
  for (let r = 0; r < ids.length; r++) if (rng.next() < rate) ids[r] = 0;
}

function dropHistory(feed: TensorMap, bag: number, rate: number, rng: SeededRandom): void {
  const weights = floatInput(feed, INPUT_NAMES.userBagWeights);
  const rows = weights.length / bag;
  for (let r = 0; r < rows; r++) {
    let kept = 0;
    const saved = weights.slice(r * bag, r * bag + bag);
    for (let n = 0; n < bag; n++) {
      if (weights[r * bag + n] !== 0 && rng.next() < rate) weights[r * bag + n] = 0;
      kept += weights[r * bag + n];
    }
    // Never empty a non-empty history completely: the profile must still say something.
    if (kept === 0) {
      weights.set(saved, r * bag);
      continue;
    }
    for (let n = 0; n < bag; n++) weights[r * bag + n] /= kept;
  }
}
