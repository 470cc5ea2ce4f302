import type { TensorMap } from '../../../shared/features/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { gatherFeed } from '../model/index.js';
import type { Model } from '../model/index.js';
import { bceWithLogits, correctSampledLogits, matmulAcc, matmulTransAAcc, matmulTransBAcc, softmaxCrossEntropy, stepArray, workspace } from '../nn/index.js';
import type { LossResult } from '../nn/index.js';
import { topK } from '../eval/top-k.js';
import { DistinctItems } from './distinct-items.js';
import { dropItemIds } from './item-id-dropout.js';
import { AliasTable } from './negative-sampler.js';
import { towerMacs } from './operation-count.js';
import { rankPairs } from './rank-pairs.js';
import type { TowerRows } from './rank-pairs.js';
import type { CandidatePool, TrainConfig } from './train-config.js';
import type { StepLoss, TrainingObjective } from './training-objective.js';
import type { TrainingData } from './training-data.js';

/**
 * The retrieval softmax over the in-batch targets and sampled candidates (log-Q corrected),
 * or over the whole catalog, plus RankNet's loss on the positive against sampled or hard
 * negatives, weighted by `rankWeight`.
 */
export class SoftmaxObjective implements TrainingObjective {
  private readonly candidateSampler: AliasTable;
  /** Items the extra candidates are drawn from: the uniform draw's log-Q denominator. */
  private readonly poolSize: number;
  private readonly counts: Float64Array;
  private readonly totalCount: number;
  private readonly distinctItems: DistinctItems;
  lastMacs = 0;

  constructor(
    private readonly model: Model,
    private readonly data: TrainingData,
    private readonly config: TrainConfig,
  ) {
    // Extra softmax candidates are drawn uniformly: in-batch targets already follow popularity.
    const pool = candidateWeights(data.itemCounts, config.candidatePool);
    this.candidateSampler = new AliasTable(pool);
    this.poolSize = pool.reduce((a, b) => a + b, 0);
    this.totalCount = data.itemCounts.reduce((a, b) => a + b, 0);
    this.counts = data.itemCounts;
    this.distinctItems = new DistinctItems(model, data.catalog, data.catalogSize);
  }

  run(examples: Int32Array, feed: TensorMap, batchSize: number, rng: SeededRandom): StepLoss {
    const { model, data, config } = this;
    const d = model.shape.dim;
    const m = examples.length;
    const scale = 1 / batchSize;
    const targets = Int32Array.from(examples, (e) => data.exampleTarget[e]);
    let candidates: Int32Array;
    let targetCols: Int32Array;
    let it: TowerRows;
    let itemBackward: (dE: Float32Array, dB: Float32Array) => void;
    let itemRows: number;
    if (config.fullSoftmax) {
      candidates = Int32Array.from({ length: data.catalogSize }, (_, r) => r);
      // The id dropout below writes into the feed: the catalog itself must stay intact.
      const itemFeed = config.itemIdDropout > 0 ? gatherFeed(data.catalog, candidates) : data.catalog;
      if (config.itemIdDropout > 0) dropItemIds(itemFeed, config.itemIdDropout, rng);
      const out = model.item.forward(itemFeed, candidates.length);
      it = out;
      itemBackward = (dE, dB) => model.item.backward(out, dE, dB);
      itemRows = candidates.length;
      targetCols = targets;
    } else {
      const s = config.sampledCandidates;
      candidates = new Int32Array(m + s);
      candidates.set(targets);
      for (let j = 0; j < s; j++) candidates[m + j] = this.candidateSampler.sample(rng);
      const pass = this.distinctItems.forward(candidates, config.itemIdDropout, rng);
      it = pass.rows;
      itemBackward = (dE, dB) => pass.backward(dE, dB);
      itemRows = pass.distinct;
      targetCols = Int32Array.from({ length: m }, (_, r) => r);
    }
    const n = candidates.length;
    const u = model.user.forward(feed, m);
    // The step's largest array, where the kernels use it in place.
    const logits = workspace(m * n);
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

    // log Q: expected occurrences of each candidate among in-batch targets and uniform extras from the pool
    // (a full softmax needs no correction).
    const logQ = config.fullSoftmax
      ? new Float32Array(n)
      : Float32Array.from(candidates, (c) =>
          config.logQWeight * Math.log((m * (this.counts[c] + 1)) / (this.totalCount + data.catalogSize) + config.sampledCandidates / this.poolSize),
        );
    if (!config.fullSoftmax) correctSampledLogits(logits, m, n, candidates, logQ, targets, targetCols);
    // In place: the logits are not needed after the loss.
    const ce = softmaxCrossEntropy(logits, m, n, targetCols, scale, logits);
    const dEu = stepArray(m * d);
    const dEi = stepArray(n * d);
    matmulAcc(ce.grad, it.e, dEu, m, n, d);
    matmulTransAAcc(ce.grad, u.e, dEi, m, n, d);
    const dBu = new Float32Array(m);
    const dBi = new Float32Array(n);

    let aux = 0;
    let rankMacs = 0;
    if (config.rankWeight > 0) {
      const pairUser: number[] = [];
      const pairItem: number[] = [];
      const rankScale = scale * config.rankWeight;
      let lossOf: (logit: Float32Array) => LossResult;
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
        lossOf = (z) => bceWithLogits(z, y, rankScale);
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
        lossOf = (z) => {
          for (let p = 0; p < z.length; p++) z[p] -= correction[p];
          return softmaxCrossEntropy(z, m, per, zeros, rankScale);
        };
      }
      const [rankDEu, rankDEi] = config.rankDetach ? [null, null] : [dEu, dEi];
      const rank = rankPairs(model, { users: u, items: it, pairUser, pairItem, lossOf, dEu: rankDEu, dEi: rankDEi, dBu, dBi, dropout: config.rankDropout, rng });
      aux = rank.loss;
      rankMacs = rank.macs;
    }
    itemBackward(dEi, dBi);
    model.user.backward(u, dEu, dBu);
    this.lastMacs = 3 * m * n * d + towerMacs(model, m, itemRows) + rankMacs;
    return { main: ce.loss, aux };
  }
}

/**
 * Draw weights of the uniform extra candidates per catalog row: every item ('catalog'), or only
 * the items with training events ('train'), so that items no user has met in training (the
 * new items of the cold-start split among them) are never pushed down as negatives.
 */
export function candidateWeights(itemCounts: Float64Array, pool: CandidatePool): Float64Array {
  return pool === 'catalog' ? new Float64Array(itemCounts.length).fill(1) : itemCounts.map((c) => (c > 0 ? 1 : 0));
}
