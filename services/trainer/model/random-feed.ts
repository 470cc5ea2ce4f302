import type { TensorMap } from '../../../shared/features/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { INPUT_NAMES, isIdInput } from './model-shape.js';
import type { ModelShape } from './model-shape.js';

/**
 * Random but valid network inputs (ids in range, distributions and bag weights summing
 * to 1, multi-hot 0/1): for the gradient-check and ONNX parity specs and the benchmark.
 */
export function randomFeed(shape: ModelShape, widths: Map<string, number>, m: number, rng: SeededRandom): TensorMap {
  const feed: TensorMap = {};
  const sizeOf = (name: string): number => {
    if (name === INPUT_NAMES.itemId || name === INPUT_NAMES.userBagIds) return shape.itemIdCount;
    const f = shape.features.find((x) => INPUT_NAMES.itemCat(x.name) === name);
    if (f === undefined) throw new Error(`no vocabulary for ${name}`);
    return f.size;
  };
  for (const [name, w] of widths) {
    // item_id and item_cat_<f> are [B]; every other input is [B, w].
    const dims = name === INPUT_NAMES.itemId || name.startsWith('item_cat_') ? [m] : [m, w];
    if (isIdInput(name)) {
      const n = sizeOf(name);
      feed[name] = { type: 'int32', data: Int32Array.from({ length: m * w }, () => rng.int(n)), dims };
      continue;
    }
    const x = new Float32Array(m * w);
    const multi = name.startsWith('item_multi_');
    const normalised = name.startsWith('user_dist_') || name === INPUT_NAMES.userBagWeights;
    for (let r = 0; r < m; r++) {
      let sum = 0;
      for (let c = 0; c < w; c++) {
        const v = multi ? (rng.next() < 0.3 ? 1 : 0) : normalised ? rng.next() : rng.normal();
        x[r * w + c] = v;
        sum += v;
      }
      if (normalised && sum > 0) for (let c = 0; c < w; c++) x[r * w + c] /= sum;
    }
    feed[name] = { type: 'float32', data: x, dims };
  }
  return feed;
}
