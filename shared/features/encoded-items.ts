import { compileSpec } from './feature-spec.js';
import type { FeatureSpec } from './feature-spec.js';
import { rawCategorical, rawContinuous, rawFeature, rawMulti } from './item.js';
import type { Item } from './item.js';
import type { ItemCatalog } from './item-catalog.js';

/** One spec feature of a set of items, in vocabulary-index space. */
export type EncodedColumn =
  | { kind: 'categorical'; /** -1 = the item has no value (written as 0, skipped by profiles). */ indices: Int32Array }
  | { kind: 'multi'; offsets: Int32Array; indices: Int32Array }
  | { kind: 'continuous'; values: Float64Array };

/**
 * Items mapped through a spec's vocabularies once (0 = OOV), so that batches and profile
 * snapshots are written by index lookups only. `columns` is aligned with `spec.features`;
 * continuous values stay raw (NaN = missing) and are normalised when written.
 */
export interface EncodedItems {
  count: number;
  itemIndex: Int32Array;
  columns: EncodedColumn[];
}

/** Encodes the columnar catalog (the trainer's path). A spec feature absent from the catalog encodes as missing. */
export function encodeCatalog(spec: FeatureSpec, catalog: ItemCatalog): EncodedItems {
  const compiled = compileSpec(spec);
  const count = catalog.ids.length;
  const itemIndex = new Int32Array(count);
  for (let r = 0; r < count; r++) itemIndex[r] = compiled.itemIndex.get(catalog.ids[r]) ?? 0;
  const columns = spec.features.map((feature, f): EncodedColumn => {
    const column = catalog.features.get(feature.name);
    const lookup = compiled.valueIndex[f];
    if (feature.kind === 'continuous') {
      return { kind: 'continuous', values: column?.kind === 'continuous' ? column.values : new Float64Array(count).fill(NaN) };
    }
    if (column === undefined || column.kind === 'continuous' || lookup === undefined) {
      return feature.kind === 'categorical'
        ? { kind: 'categorical', indices: new Int32Array(count).fill(-1) }
        : { kind: 'multi', offsets: new Int32Array(count + 1), indices: new Int32Array(0) };
    }
    const levelIndex = Int32Array.from(column.levels, (level) => lookup.get(level) ?? 0);
    if (feature.kind === 'categorical') {
      const indices = new Int32Array(count);
      if (column.kind === 'categorical') {
        for (let r = 0; r < count; r++) indices[r] = column.codes[r] < 0 ? -1 : levelIndex[column.codes[r]];
      } else {
        // A multi column read as categorical keeps the item's first value.
        for (let r = 0; r < count; r++) indices[r] = column.offsets[r] < column.offsets[r + 1] ? levelIndex[column.codes[column.offsets[r]]] : -1;
      }
      return { kind: 'categorical', indices };
    }
    if (column.kind === 'multi') {
      return { kind: 'multi', offsets: column.offsets, indices: column.codes.map((code) => levelIndex[code]) };
    }
    const offsets = new Int32Array(count + 1);
    const indices: number[] = [];
    for (let r = 0; r < count; r++) {
      if (column.codes[r] >= 0) indices.push(levelIndex[column.codes[r]]);
      offsets[r + 1] = indices.length;
    }
    return { kind: 'multi', offsets, indices: Int32Array.from(indices) };
  });
  return { count, itemIndex, columns };
}

/** Encodes raw items (the services' path). Values of the wrong shape count as missing. */
export function encodeItemList(spec: FeatureSpec, items: readonly Item[]): EncodedItems {
  const compiled = compileSpec(spec);
  const count = items.length;
  const itemIndex = new Int32Array(count);
  for (let r = 0; r < count; r++) itemIndex[r] = compiled.itemIndex.get(items[r].id) ?? 0;
  const columns = spec.features.map((feature, f): EncodedColumn => {
    const lookup = compiled.valueIndex[f];
    if (feature.kind === 'continuous' || lookup === undefined) {
      return { kind: 'continuous', values: Float64Array.from(items, (item) => rawContinuous(rawFeature(item, feature.name))) };
    }
    if (feature.kind === 'categorical') {
      return {
        kind: 'categorical',
        indices: Int32Array.from(items, (item) => {
          const value = rawCategorical(rawFeature(item, feature.name));
          return value === undefined ? -1 : lookup.get(value) ?? 0;
        }),
      };
    }
    const offsets = new Int32Array(count + 1);
    const indices: number[] = [];
    for (let r = 0; r < count; r++) {
      for (const value of rawMulti(rawFeature(items[r], feature.name))) indices.push(lookup.get(value) ?? 0);
      offsets[r + 1] = indices.length;
    }
    return { kind: 'multi', offsets, indices: Int32Array.from(indices) };
  });
  return { count, itemIndex, columns };
}
