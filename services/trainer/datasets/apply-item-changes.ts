import { catalogItem } from '../../../shared/features/index.js';
import type { FeatureKind, Item } from '../../../shared/features/index.js';
import { catalogOfItems } from './catalog-of-items.js';
import type { BadRowPolicy } from './delimited-text.js';
import type { IndexedCatalog } from './generic-csv.js';

/** Per item id, its last change: the item as last upserted, or null when it was deleted last. */
export type ItemChanges = ReadonlyMap<string, Item | null>;

/**
 * The catalog after `changes`: an upserted item replaces its row (keeping it) or, new, takes
 * a row after the others; a deleted item leaves. Columns stay the catalog's own: an upserted
 * feature the catalog has no column for is not kept (the model has no input for it).
 */
export function applyItemChanges(indexed: IndexedCatalog, changes: ItemChanges, file: string, policy: BadRowPolicy): IndexedCatalog {
  if (changes.size === 0) return indexed;
  const { catalog } = indexed;
  const items: Item[] = [];
  for (let row = 0; row < catalog.ids.length; row++) {
    const change = changes.get(catalog.ids[row]);
    if (change === undefined) items.push(catalogItem(catalog, row));
    else if (change !== null) items.push(change);
  }
  for (const [id, change] of changes) if (change !== null && !indexed.rows.has(id)) items.push(change);
  const features = [...catalog.features].map(([name, column]): { name: string; kind: FeatureKind } => ({ name, kind: column.kind }));
  return catalogOfItems(items, features, file, policy);
}
