import type { Item, RawFeatureValue } from './item.js';

/**
 * One item feature over the whole catalog, dictionary-encoded so that a million items
 * cost a few typed arrays: `levels` holds every distinct raw value once.
 */
export type CatalogColumn =
  | {
      kind: 'categorical';
      levels: string[];
      /** Per item, the index into `levels`, -1 when the item has no value. */
      codes: Int32Array;
    }
  | {
      kind: 'multi';
      levels: string[];
      /** Item r's values are `codes[offsets[r] .. offsets[r + 1])` (length = items + 1). */
      offsets: Int32Array;
      codes: Int32Array;
    }
  | {
      kind: 'continuous';
      /** Per item, NaN when the item has no value. */
      values: Float64Array;
    };

/** The items of a dataset, columnar: row r of every column is item `ids[r]`. */
export interface ItemCatalog {
  ids: string[];
  titles: (string | undefined)[];
  features: Map<string, CatalogColumn>;
}

/** The raw item at catalog row `row`, in the form the services and `items.jsonl` use. */
export function catalogItem(catalog: ItemCatalog, row: number): Item {
  const features: Record<string, RawFeatureValue> = {};
  for (const [name, column] of catalog.features) {
    const value = columnValue(column, row);
    if (value !== undefined) features[name] = value;
  }
  const title = catalog.titles[row];
  return title === undefined ? { id: catalog.ids[row], features } : { id: catalog.ids[row], title, features };
}

/** The raw value of one column at `row`; undefined when missing (a multi column gives [] instead). */
export function columnValue(column: CatalogColumn, row: number): RawFeatureValue | undefined {
  switch (column.kind) {
    case 'categorical': {
      const code = column.codes[row];
      return code < 0 ? undefined : column.levels[code];
    }
    case 'multi': {
      const values: string[] = [];
      for (let k = column.offsets[row]; k < column.offsets[row + 1]; k++) values.push(column.levels[column.codes[k]]);
      return values;
    }
    case 'continuous': {
      const value = column.values[row];
      return Number.isNaN(value) ? undefined : value;
    }
  }
}
