import type { Model } from '../model/index.js';
import type { LossResult } from '../nn/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { gatherRows } from './gather-rows.js';
import { rankForwardMacs } from './operation-count.js';

/** A tower's output rows: embeddings [*, d] and biases. */
export interface TowerRows {
  e: Float32Array;
  b: Float32Array;
}

/** (user row, item row) pairs for RankNet, and where their gradients go. */
export interface RankPairsOptions {
  /** The users' e_u [*, d] and b_u, and the items' e_i [*, d] and b_i, that the pairs index. */
  users: TowerRows;
  items: TowerRows;
  /** Pair q is user row pairUser[q] against item row pairItem[q]. */
  pairUser: readonly number[];
  pairItem: readonly number[];
  /** The loss of the pairs' logits, with its gradient. */
  lossOf: (logit: Float32Array) => LossResult;
  /** Gradients of e_u and e_i, accumulated; null: RankNet is detached from them (only the biases get its gradient). */
  dEu: Float32Array | null;
  dEi: Float32Array | null;
  /** Gradients of b_u and b_i, accumulated. */
  dBu: Float32Array;
  dBi: Float32Array;
  /** RankNet's dropout rate while training, and its randomness. */
  dropout: number;
  rng: SeededRandom;
}

/**
 * RankNet's loss on (user row, item row) pairs: scatters the input gradients into the towers'
 * gradients; returns the loss and the multiply-adds it took.
 */
export function rankPairs(model: Model, options: RankPairsOptions): { loss: number; macs: number } {
  const { pairUser, pairItem, dEu, dEi, dBu, dBi } = options;
  const d = model.shape.dim;
  const p = pairUser.length;
  const out = model.rank.forward(
    gatherRows(options.users.e, pairUser, d),
    gatherRows(options.items.e, pairItem, d),
    gatherRows(options.users.b, pairUser, 1),
    gatherRows(options.items.b, pairItem, 1),
    p,
    { rate: options.dropout, rng: options.rng },
  );
  const loss = options.lossOf(out.logit);
  const g = model.rank.backward(out, loss.grad, dEu !== null && dEi !== null);
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
  return { loss: loss.loss, macs: p * (3 * rankForwardMacs(model) - (dEu === null ? d2 : 0)) };
}
