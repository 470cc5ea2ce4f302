import { embeddingWidth } from '../../../shared/features/index.js';
import type { FeatureSpec, TensorMap } from '../../../shared/features/index.js';

/** A categorical or multi-valued item feature as the networks see it. */
export interface FeatureShape {
  readonly name: string;
  readonly kind: 'categorical' | 'multi';
  /** Vocabulary size including the OOV slot 0. */
  readonly size: number;
}

/** Everything the three networks' shapes depend on (derived from the bundle's FeatureSpec). */
export interface ModelShape {
  /** Item-id vocabulary size including OOV 0. */
  readonly itemIdCount: number;
  /** Categorical and multi features, in spec order. */
  readonly features: readonly FeatureShape[];
  /** Number of continuous item features C. */
  readonly continuousCount: number;
  /** N, the length of the user's recent-item bag. */
  readonly bagLength: number;
  /**
   * Recency decay of the bag inside UserNet: the weight of bag position n (0 = most recent)
   * is multiplied by 2^(−n / bagHalfLife) and the row renormalised; absent or 0: no decay.
   * The exported UserNet graph applies the same decay to its `user_bag_weights` input.
   */
  readonly bagHalfLife?: number;
  /**
   * A second bag inside UserNet over the bag's first n positions (the n most recent items),
   * their event weights renormalised, through a table of its own (`user.recent`, or the first
   * bag's with `recentBagShared`): the
   * immediate context weighted apart from the decayed bag. Absent or 0: no second bag.
   * It reads the same `user_bag_*` inputs, so the input tensors do not change.
   */
  readonly recentBagLength?: number;
  /** The second bag reads the first bag's table (`user.bag`) instead of its own; absent: its own. */
  readonly recentBagShared?: boolean;
  /** d, the embedding dimension. */
  readonly dim: number;
  /** Multiplies the width of every feature layer (featureWidth); absent: 1. */
  readonly featureWidthScale?: number;
}

/** Width of the dense layer over `inputs` continuous values (times the shape's feature width scale). */
export function continuousWidth(inputs: number, shape?: Pick<ModelShape, 'featureWidthScale'>): number {
  return Math.max(2, inputs) * (shape?.featureWidthScale ?? 1);
}

/** Width of a categorical or multi feature's layer: ⌈log2 V⌉ times the shape's feature width scale. */
export function featureWidth(size: number, shape: Pick<ModelShape, 'featureWidthScale'>): number {
  return embeddingWidth(size) * (shape.featureWidthScale ?? 1);
}

/** Tensor names of the model contract (docs/model-contract.md). */
export const INPUT_NAMES = {
  itemId: 'item_id',
  itemCat: (f: string): string => `item_cat_${f}`,
  itemMulti: (f: string): string => `item_multi_${f}`,
  itemCont: 'item_cont',
  userDist: (f: string): string => `user_dist_${f}`,
  userCont: 'user_cont',
  userBagIds: 'user_bag_ids',
  userBagWeights: 'user_bag_weights',
} as const;

/** The columns per row of every ItemNet input. */
export function itemInputWidths(shape: ModelShape): Map<string, number> {
  const w = new Map<string, number>([[INPUT_NAMES.itemId, 1]]);
  for (const f of shape.features) {
    if (f.kind === 'categorical') w.set(INPUT_NAMES.itemCat(f.name), 1);
    else w.set(INPUT_NAMES.itemMulti(f.name), f.size);
  }
  if (shape.continuousCount > 0) w.set(INPUT_NAMES.itemCont, shape.continuousCount);
  return w;
}

/** The columns per row of every UserNet input. */
export function userInputWidths(shape: ModelShape): Map<string, number> {
  const w = new Map<string, number>();
  for (const f of shape.features) w.set(INPUT_NAMES.userDist(f.name), f.size);
  if (shape.continuousCount > 0) w.set(INPUT_NAMES.userCont, 2 * shape.continuousCount);
  w.set(INPUT_NAMES.userBagIds, shape.bagLength);
  w.set(INPUT_NAMES.userBagWeights, shape.bagLength);
  return w;
}

/** True for the int32 inputs of the contract. */
export function isIdInput(name: string): boolean {
  return name === INPUT_NAMES.itemId || name === INPUT_NAMES.userBagIds || name.startsWith('item_cat_');
}

/** A float32 input of a feed; a missing or int32 tensor is a caller bug, so it throws. */
export function floatInput(feed: TensorMap, name: string): Float32Array {
  const t = feed[name];
  if (t === undefined || t.type !== 'float32') throw new Error(`input ${name}: expected a float32 tensor`);
  return t.data;
}

/** An int32 input of a feed (ids). */
export function intInput(feed: TensorMap, name: string): Int32Array {
  const t = feed[name];
  if (t === undefined || t.type !== 'int32') throw new Error(`input ${name}: expected an int32 tensor`);
  return t.data;
}

/** Values per row from which gatherFeed copies a row with one set call rather than a loop. */
const WIDE_ROW = 8;

/** Copies the given rows of every tensor of a feed (e.g. the catalog rows of a batch's items). */
export function gatherFeed(feed: TensorMap, rows: Int32Array): TensorMap {
  const out: TensorMap = {};
  for (const [name, t] of Object.entries(feed)) {
    const w = t.dims.length > 1 ? t.dims[1] : 1;
    const dims = [rows.length, ...t.dims.slice(1)];
    // Narrow rows in an element loop, where a subarray per row would cost more than its copy;
    // wide rows (the history bags) by set (micro-benchmark: 1,024 user rows 336–406 µs against
    // 464–517 looping; 1,000 item rows 107–111 against 272–448 by set).
    const copy = <A extends Float32Array | Int32Array>(src: A, dst: A): A => {
      for (let r = 0; r < rows.length; r++) {
        const s = rows[r] * w;
        const d = r * w;
        if (w >= WIDE_ROW) dst.set(src.subarray(s, s + w), d);
        else for (let c = 0; c < w; c++) dst[d + c] = src[s + c];
      }
      return dst;
    };
    out[name] =
      t.type === 'int32'
        ? { type: 'int32', data: copy(t.data, new Int32Array(rows.length * w)), dims }
        : { type: 'float32', data: copy(t.data, new Float32Array(rows.length * w)), dims };
  }
  return out;
}

/** The network shape for a feature spec and embedding dimension. */
export function modelShape(spec: FeatureSpec, dim: number): ModelShape {
  return {
    itemIdCount: spec.itemIds.length,
    features: spec.features.flatMap((f) => (f.kind === 'continuous' ? [] : [{ name: f.name, kind: f.kind, size: f.vocabulary.length }])),
    continuousCount: spec.features.filter((f) => f.kind === 'continuous').length,
    bagLength: spec.bagLength,
    dim,
  };
}
