import { compileSpec } from './feature-spec.js';
import type { FeatureSpec } from './feature-spec.js';
import { encodeItemList } from './encoded-items.js';
import type { EncodedItems } from './encoded-items.js';
import type { Item } from './item.js';
import type { TensorMap } from './tensor.js';

/**
 * Preallocated ItemNet input buffers for up to `capacity` rows, reused batch after batch.
 * `columns` is aligned with `spec.features`; a continuous feature's entry is its column in `cont`.
 */
export interface ItemBatch {
  spec: FeatureSpec;
  capacity: number;
  itemId: Int32Array;
  /** Per spec feature: [capacity] indices (categorical), [capacity, V] multi-hot (multi), or undefined (continuous). */
  columns: (Int32Array | Float32Array | undefined)[];
  /** [capacity, C] z-normalised continuous features; undefined when C = 0. */
  cont: Float32Array | undefined;
}

/** Allocates an item batch for `capacity` rows. */
export function createItemBatch(spec: FeatureSpec, capacity: number): ItemBatch {
  const continuousCount = compileSpec(spec).continuousFeatures.length;
  return {
    spec,
    capacity,
    itemId: new Int32Array(capacity),
    columns: spec.features.map((f) =>
      f.kind === 'categorical' ? new Int32Array(capacity) : f.kind === 'multi' ? new Float32Array(capacity * f.vocabulary.length) : undefined,
    ),
    cont: continuousCount === 0 ? undefined : new Float32Array(capacity * continuousCount),
  };
}

/**
 * Writes items `sourceRows[k]` of `encoded` into batch rows `startRow + k`, overwriting them
 * completely. A missing continuous value is written as 0 (the train mean).
 */
export function writeItemRows(batch: ItemBatch, encoded: EncodedItems, sourceRows: ArrayLike<number>, startRow = 0): void {
  const { spec } = batch;
  if (startRow + sourceRows.length > batch.capacity) {
    throw new RangeError(`writeItemRows: rows ${startRow}..${startRow + sourceRows.length} exceed the batch capacity ${batch.capacity}`);
  }
  const continuousCount = compileSpec(spec).continuousFeatures.length;
  for (let k = 0; k < sourceRows.length; k++) {
    const source = sourceRows[k];
    const row = startRow + k;
    batch.itemId[row] = encoded.itemIndex[source];
    let contColumn = 0;
    for (let f = 0; f < spec.features.length; f++) {
      const feature = spec.features[f];
      const column = encoded.columns[f];
      const out = batch.columns[f];
      if (feature.kind === 'continuous') {
        const value = column.kind === 'continuous' ? column.values[source] : NaN;
        (batch.cont as Float32Array)[row * continuousCount + contColumn] = Number.isNaN(value) ? 0 : (value - feature.mean) / feature.std;
        contColumn++;
      } else if (feature.kind === 'categorical') {
        (out as Int32Array)[row] = column.kind === 'categorical' ? Math.max(0, column.indices[source]) : 0;
      } else {
        const width = feature.vocabulary.length;
        const hot = (out as Float32Array).subarray(row * width, (row + 1) * width);
        hot.fill(0);
        if (column.kind === 'multi') {
          for (let j = column.offsets[source]; j < column.offsets[source + 1]; j++) hot[column.indices[j]] = 1;
        }
      }
    }
  }
}

/** The batch's first `rows` rows as ItemNet input tensors (views, no copy). */
export function itemBatchTensors(batch: ItemBatch, rows = batch.capacity): TensorMap {
  const { spec } = batch;
  const tensors: TensorMap = { item_id: { type: 'int32', data: batch.itemId.subarray(0, rows), dims: [rows] } };
  spec.features.forEach((feature, f) => {
    const data = batch.columns[f];
    if (feature.kind === 'categorical') {
      tensors[`item_cat_${feature.name}`] = { type: 'int32', data: (data as Int32Array).subarray(0, rows), dims: [rows] };
    } else if (feature.kind === 'multi') {
      const width = feature.vocabulary.length;
      tensors[`item_multi_${feature.name}`] = { type: 'float32', data: (data as Float32Array).subarray(0, rows * width), dims: [rows, width] };
    }
  });
  if (batch.cont !== undefined) {
    const continuousCount = compileSpec(spec).continuousFeatures.length;
    tensors.item_cont = { type: 'float32', data: batch.cont.subarray(0, rows * continuousCount), dims: [rows, continuousCount] };
  }
  return tensors;
}

/** ItemNet input tensors for raw items (unknown ids map to OOV; their content features still encode). */
export function encodeItems(spec: FeatureSpec, items: readonly Item[]): TensorMap {
  return encodeEncodedItems(spec, encodeItemList(spec, items));
}

/** ItemNet input tensors for rows `rows` (default: all) of already encoded items, e.g. a catalog. */
export function encodeEncodedItems(spec: FeatureSpec, encoded: EncodedItems, rows?: ArrayLike<number>): TensorMap {
  const sourceRows = rows ?? Int32Array.from({ length: encoded.count }, (_, r) => r);
  const batch = createItemBatch(spec, sourceRows.length);
  writeItemRows(batch, encoded, sourceRows);
  return itemBatchTensors(batch);
}
