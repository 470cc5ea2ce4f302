// The plug-in point of the cold-start items evaluation: models that score items from their features alone.
import type { ItemCatalog } from '../../../shared/features/index.js';
import type { FitContext, Ranker } from './recommender.js';
import { topK } from './top-k.js';
import type { TrainData } from './train-data.js';

/** What a cold-item fit knows besides the train data. */
export interface ColdItemContext extends FitContext {
  /** The catalog at fit time: new items carry only what an item has when it is created (no user tags). */
  readonly catalog: ItemCatalog;
  /** Catalog rows of the new items, ascending; none of their interactions is in the train data. */
  readonly newItems: Int32Array;
  /** Catalog rows without user tags in `catalog` (ColdItemsSplit.untagged): a fit that rebuilds tags must drop theirs. */
  readonly untagged: Int32Array;
}

/**
 * A model that can rank items nobody has interacted with yet, from their features. Its rankers
 * return new items only (`context.newItems`), best first. Its settings are chosen on the
 * cold-items split's validation part or on the main protocol's, never on the test part.
 */
export interface ColdItemRecommender {
  readonly name: string;
  /** Fitted once per seed of the run (see Recommender.stochastic). */
  readonly stochastic?: boolean;
  fit(data: TrainData, context: ColdItemContext): Promise<readonly Ranker[]>;
}

/** Writes the scores of `user` over the new items into `out` (`out[j]` is `newItems[j]`'s). */
export type NewItemScorer = (user: number, out: Float32Array) => void;

/** A ranker over dense scores of the new items only. */
export function newItemRanker(name: string, newItems: Int32Array, score: NewItemScorer): Ranker {
  return {
    name,
    recommend: (users, k) => {
      const scores = new Float32Array(newItems.length);
      const out: Int32Array[] = [];
      for (const u of users) {
        score(u, scores);
        out.push(Int32Array.from(topK(scores, Math.min(k, newItems.length)), (j) => newItems[j]));
      }
      return Promise.resolve(out);
    },
  };
}
