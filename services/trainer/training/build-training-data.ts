import { encodeEncodedItems } from '../../../shared/features/index.js';
import type { EncodedItems, FeatureSpec } from '../../../shared/features/index.js';
import { modelShape } from '../model/index.js';
import { cutExamples } from './example-cuts.js';
import { exampleProfiles, MAX_PROFILE_CACHE_BYTES } from './example-profiles.js';
import type { TrainingData } from './training-data.js';
import type { UserEvents } from './user-events.js';

/**
 * The training data over the fit events: the examples `cutExamples` makes (with `horizon` and
 * `sessionCut`, `targetWindow`), their profiles (`exampleProfiles`, cached when they fit `profileCacheBytes`),
 * the catalog's ItemNet inputs, item counts and categories, and which items each user has seen.
 */
export function buildTrainingData(
  spec: FeatureSpec,
  encoded: EncodedItems,
  fit: UserEvents,
  dim: number,
  horizon = 0,
  sessionCut = 0,
  targetWindow = 1,
  profileCacheBytes = MAX_PROFILE_CACHE_BYTES,
): TrainingData {
  const shape = modelShape(spec, dim);
  const catalogSize = encoded.count;
  const examples = cutExamples(fit, horizon, sessionCut, targetWindow);
  const exampleTarget = Int32Array.from(examples.target, (j) => fit.items[j]);
  const itemCounts = new Float64Array(catalogSize);
  for (const row of fit.items) itemCounts[row]++;
  const userItems = sortedRowsPerUser(fit);
  return {
    shape,
    catalog: encodeEncodedItems(spec, encoded),
    catalogSize,
    itemCounts,
    itemCategory: itemCategories(spec, encoded),
    exampleCount: exampleTarget.length,
    exampleTarget,
    isPositive: (example, row) => binaryHas(userItems[examples.user[example]], row),
    userFeed: exampleProfiles(spec, encoded, fit, examples, shape, profileCacheBytes),
  };
}

function sortedRowsPerUser(events: UserEvents): Int32Array[] {
  const out: Int32Array[] = [];
  for (let u = 0; u + 1 < events.offsets.length; u++) out.push(events.items.slice(events.offsets[u], events.offsets[u + 1]).sort());
  return out;
}

function binaryHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return true;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Algorithm 1's category: the first categorical feature's value, else the first value of the first multi feature. */
function itemCategories(spec: FeatureSpec, encoded: EncodedItems): Int32Array {
  const out = new Int32Array(encoded.count).fill(-1);
  const f = spec.features.findIndex((x) => x.kind === 'categorical');
  const g = f >= 0 ? f : spec.features.findIndex((x) => x.kind === 'multi');
  if (g < 0) return out;
  const column = encoded.columns[g];
  for (let r = 0; r < encoded.count; r++) {
    if (column.kind === 'categorical') out[r] = column.indices[r];
    else if (column.kind === 'multi' && column.offsets[r] < column.offsets[r + 1]) out[r] = column.indices[column.offsets[r]];
  }
  return out;
}
