import type { CatalogColumn, ItemCatalog } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder } from './column-builders.js';

/** Up to `bins − 1` distinct inner quantiles of the present (non-NaN) values, ascending. */
export function quantileEdges(values: Float64Array, bins: number): Float64Array {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  const edges = new Set<number>();
  for (let b = 1; b < bins && present.length > 0; b++) edges.add(present[Math.floor((b * present.length) / bins)]);
  return Float64Array.from(edges).sort();
}

/** The bin of `value`: the number of edges at or below it. */
export function binOf(edges: Float64Array, value: number): number {
  let bin = 0;
  while (bin < edges.length && edges[bin] <= value) bin++;
  return bin;
}

/**
 * The catalog with, for every continuous column `c`, a categorical column `c_bin`: its
 * `bins` quantile bins over the catalog ('#0' lowest; missing values stay missing), so that a
 * model can give each range a value of its own instead of one slope over z-scored numbers.
 */
export function withContinuousBins(catalog: ItemCatalog, bins: number): ItemCatalog {
  const added: [string, CatalogColumn][] = [];
  for (const [name, column] of catalog.features) {
    if (column.kind !== 'continuous') continue;
    const edges = quantileEdges(column.values, bins);
    const builder = new CategoricalColumnBuilder();
    for (const value of column.values) builder.push(Number.isNaN(value) ? undefined : `#${binOf(edges, value)}`);
    added.push([`${name}_bin`, builder.build()]);
  }
  return { ...catalog, features: new Map([...catalog.features, ...added]) };
}
