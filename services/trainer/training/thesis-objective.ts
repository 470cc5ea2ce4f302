import type { TensorMap } from '../../../shared/features/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import type { Model } from '../model/index.js';
import { bceWithLogits, cosineLoss } from '../nn/index.js';
import type { LossResult } from '../nn/index.js';
import { gatherRows } from './gather-rows.js';
import { DistinctItems } from './distinct-items.js';
import { NegativeSamplerImpl } from './negative-sampler.js';
import { towerMacs } from './operation-count.js';
import { rankPairs } from './rank-pairs.js';
import type { TrainConfig } from './train-config.js';
import type { StepLoss, TrainingObjective } from './training-objective.js';
import type { TrainingData } from './training-data.js';

/**
 * The thesis' objective: RankNet's BCE on each positive and `negRatio` sampled negatives,
 * plus the λ-weighted cosine term that pulls e_u towards the positives' e_i and away from
 * the negatives'.
 */
export class ThesisObjective implements TrainingObjective {
  private readonly negatives: NegativeSamplerImpl;
  private readonly distinctItems: DistinctItems;
  lastMacs = 0;

  constructor(
    private readonly model: Model,
    private readonly data: TrainingData,
    private readonly config: TrainConfig,
  ) {
    this.negatives = new NegativeSamplerImpl(data, config.negSampler);
    this.distinctItems = new DistinctItems(model, data.catalog, data.catalogSize);
  }

  run(examples: Int32Array, feed: TensorMap, batchSize: number, rng: SeededRandom): StepLoss {
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
    const items = this.distinctItems.forward(rows, config.itemIdDropout, rng);
    const it = items.rows;
    const dEu = new Float32Array(m * d);
    const dBu = new Float32Array(m);
    const dEi = new Float32Array(m * per * d);
    const dBi = new Float32Array(m * per);
    const pairUser = Array.from({ length: m * per }, (_, p) => Math.floor(p / per));
    const pairItem = Array.from({ length: m * per }, (_, p) => p);
    // Per-pair mean, as the thesis averages BCE over positives and negatives alike.
    const scale = 1 / (batchSize * per);
    const lossOf = (z: Float32Array): LossResult => bceWithLogits(z, labels, scale);
    const rank = rankPairs(model, { users: u, items: it, pairUser, pairItem, lossOf, dEu, dEi, dBu, dBi, dropout: config.rankDropout, rng });
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
    items.backward(dEi, dBi);
    model.user.backward(u, dEu, dBu);
    this.lastMacs = towerMacs(model, m, items.distinct) + rank.macs;
    return { main: rank.loss, aux };
  }
}
