import { INPUT_NAMES } from '../model/index.js';
import type { TensorMap } from '../../../shared/features/index.js';
import type { ModelShape } from '../model/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import type { TrainingData } from './training-data.js';

/** Arguments of the toy problem (structured-cloneable, so workers can rebuild it). */
export interface ToyArgs {
  readonly seed: number;
  readonly items: number;
  readonly clusters: number;
  readonly examples: number;
  readonly dim: number;
}

/**
 * A toy problem for the training specs: items belong to clusters, a user's history and
 * next item come from one cluster, and the profile carries the cluster distribution.
 * A model that learns anything retrieves same-cluster items.
 */
export function toyTrainingData(args: ToyArgs): TrainingData & { userCluster: Int32Array; itemCluster: Int32Array } {
  const { items, clusters, examples } = args;
  const bag = 5;
  const rng = new SeededRandom(args.seed);
  const shape: ModelShape = {
    itemIdCount: items + 1,
    features: [{ name: 'c', kind: 'categorical', size: clusters + 1 }],
    continuousCount: 0,
    bagLength: bag,
    dim: args.dim,
  };
  const itemCluster = Int32Array.from({ length: items }, (_, i) => i % clusters);
  const catalog: TensorMap = {
    [INPUT_NAMES.itemId]: { type: 'int32', data: Int32Array.from({ length: items }, (_, i) => i + 1), dims: [items] },
    [INPUT_NAMES.itemCat('c')]: { type: 'int32', data: Int32Array.from(itemCluster, (c) => c + 1), dims: [items] },
  };
  const userCluster = Int32Array.from({ length: examples }, () => rng.int(clusters));
  const perCluster = Math.floor(items / clusters);
  const pick = (c: number): number => rng.int(perCluster) * clusters + c;
  const bags = Array.from({ length: examples }, (_, e) => Int32Array.from({ length: bag }, () => pick(userCluster[e]) + 1));
  const exampleTarget = Int32Array.from(userCluster, (c) => pick(c));
  const itemCounts = new Float64Array(items);
  for (const t of exampleTarget) itemCounts[t]++;
  return {
    shape,
    catalog,
    catalogSize: items,
    itemCounts,
    itemCategory: itemCluster,
    exampleCount: examples,
    exampleTarget,
    userCluster,
    itemCluster,
    isPositive: (e, row) => bags[e].includes(row + 1),
    userFeed(ex: Int32Array): TensorMap {
      const m = ex.length;
      const ids = new Int32Array(m * bag);
      const weights = new Float32Array(m * bag).fill(1 / bag);
      const dist = new Float32Array(m * (clusters + 1));
      ex.forEach((e, r) => {
        ids.set(bags[e], r * bag);
        dist[r * (clusters + 1) + userCluster[e] + 1] = 1;
      });
      return {
        [INPUT_NAMES.userBagIds]: { type: 'int32', data: ids, dims: [m, bag] },
        [INPUT_NAMES.userBagWeights]: { type: 'float32', data: weights, dims: [m, bag] },
        [INPUT_NAMES.userDist('c')]: { type: 'float32', data: dist, dims: [m, clusters + 1] },
      };
    },
  };
}
