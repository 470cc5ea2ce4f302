import { evaluateRankings } from '../eval/metrics.js';
import { popularity } from '../eval/popularity.js';
import { buildTrainData } from '../eval/train-data.js';
import type { HeldOut } from '../eval/split.js';
import type { Model } from '../model/index.js';
import { embedCatalog, rankUsers } from './model-ranker.js';
import type { RankingMode } from './model-ranker.js';
import type { PreparedData } from './prepare-data.js';
import { profileFeed } from './profile-feed.js';
import type { UserEvents } from './user-events.js';

/** Mean MAP@10 of the model on held-out items, ranking from the profiles of `history`. */
export function heldOutMap10(model: Model, data: PreparedData, history: UserEvents, heldOut: HeldOut, mode: RankingMode, candidates: number): number {
  if (heldOut.users.length === 0) return 0;
  const items = embedCatalog(model, data.training.catalog, data.training.catalogSize);
  const feed = profileFeed(data.spec, data.encoded, history, heldOut.users);
  const known = (r: number): Int32Array => {
    const u = heldOut.users[r];
    return history.items.subarray(history.offsets[u], history.offsets[u + 1]);
  };
  // RANKING_LENGTH 100 is the protocol's list length; MAP@10 reads its first 10.
  const rankings = rankUsers(model, items, feed, heldOut.users.length, known, { mode, candidates, k: 100 });
  return mean(evaluateRankings(rankings, heldOut)['map@10']);
}

/** Popularity's MAP@10 on the same validation items (the evaluation's baseline, fitted on the fit events). */
export async function popularityValidationMap10(data: PreparedData): Promise<number> {
  const train = buildTrainData(data.fitEvents, data.fit.offsets.length - 1, data.training.catalogSize);
  const [ranker] = await popularity.fit(train, {}, { seed: 0, split: 'user', progress: () => undefined });
  const rankings = await ranker.recommend(data.validation.users, 100);
  return mean(evaluateRankings(rankings, data.validation)['map@10']);
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}
