// Rankers for models that produce a dense score per item: train items are excluded, then top-k.
import type { Ranker } from './recommender.js';
import { topK } from './top-k.js';
import type { TrainData } from './train-data.js';
import { rowOf } from './train-data.js';

/** Writes the scores of `user` over all items into `out` (length numItems). */
export type UserScorer = (user: number, out: Float32Array) => void;

/**
 * A ranker over dense scores. Items with no train interaction at all are excluded when
 * `trainItemsOnly` is set: models like EASE only define scores over the items they saw.
 */
export function scoreRanker(name: string, data: TrainData, score: UserScorer, trainItemsOnly = false): Ranker {
  const unseen: number[] = [];
  if (trainItemsOnly) for (let i = 0; i < data.numItems; i++) if (data.byItem.offsets[i + 1] === data.byItem.offsets[i]) unseen.push(i);
  return {
    name,
    recommend: (users, k) => {
      const scores = new Float32Array(data.numItems);
      const out: Int32Array[] = [];
      for (const u of users) {
        score(u, scores);
        for (const i of rowOf(data.byUser, u)) scores[i] = -Infinity;
        for (const i of unseen) scores[i] = -Infinity;
        out.push(topK(scores, k));
      }
      return Promise.resolve(out);
    },
  };
}

/** Scores as the dot product of a user factor row and every item factor row (row-major, `dim` columns). */
export function factorScorer(userFactors: Float32Array | Float64Array, itemFactors: Float32Array | Float64Array, dim: number): UserScorer {
  return (user, out) => {
    const pu = user * dim;
    for (let i = 0; i < out.length; i++) {
      const qi = i * dim;
      let s = 0;
      for (let f = 0; f < dim; f++) s += userFactors[pu + f] * itemFactors[qi + f];
      out[i] = s;
    }
  };
}
