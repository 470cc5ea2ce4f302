import type { TensorMap } from '../../../shared/features/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { INPUT_NAMES, intInput } from '../model/index.js';

/**
 * Replaces each row's item id by the out-of-vocabulary id 0 with probability `rate` (the rows
 * are a gathered copy), so that ItemNet also learns to place an item from its features alone,
 * which is all a new item without train events has.
 */
export function dropItemIds(feed: TensorMap, rate: number, rng: SeededRandom): void {
  const ids = intInput(feed, INPUT_NAMES.itemId);
  for (let r = 0; r < ids.length; r++) if (rng.next() < rate) ids[r] = 0;
}
