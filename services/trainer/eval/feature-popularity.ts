// Feature popularity: the cold-start baseline that knows an item's genres and the user's taste in genres, nothing else.
import type { CatalogColumn, ItemCatalog } from '../../../shared/features/index.js';
import { newItemRanker } from './cold-item-recommender.js';
import type { ColdItemRecommender } from './cold-item-recommender.js';
import { USER_TAGS_FEATURE } from './cold-items-split.js';
import { rowOf } from './train-data.js';

/** The feature it reads: genres where the catalog has them (MovieLens), else its first categorical or multi feature besides user tags. */
export const PREFERRED_FEATURE = 'genres';

type ValueColumn = Exclude<CatalogColumn, { kind: 'continuous' }>;

/**
 * score(u, i) = Σ_{g ∈ values(i)} share_u(g) · pop(g): pop(g) is the number of train events on
 * items with value g, share_u(g) the share of u's train items with value g. A user with no value
 * in common with the item gives it 0; ties keep catalog order.
 */
export const featurePopularity: ColdItemRecommender = {
  name: 'Feature popularity',
  fit: (data, context) => {
    const { name, column } = profileColumn(context.catalog);
    context.progress(`feature ${name}`);
    const values = (row: number): ArrayLike<number> => valuesOf(column, row);
    const popularity = new Float64Array(column.levels.length);
    for (const i of data.events.item) for (const g of Array.from(values(i))) popularity[g]++;
    const share = new Float64Array(column.levels.length);
    return Promise.resolve([
      newItemRanker('Feature popularity', context.newItems, (user, out) => {
        share.fill(0);
        const items = rowOf(data.byUser, user);
        for (const i of items) for (const g of Array.from(values(i))) share[g] += 1 / items.length;
        context.newItems.forEach((i, j) => {
          let s = 0;
          for (const g of Array.from(values(i))) s += share[g] * popularity[g];
          out[j] = s;
        });
      }),
    ]);
  },
};

function profileColumn(catalog: ItemCatalog): { name: string; column: ValueColumn } {
  const preferred = catalog.features.get(PREFERRED_FEATURE);
  if (preferred !== undefined && preferred.kind !== 'continuous') return { name: PREFERRED_FEATURE, column: preferred };
  for (const [name, column] of catalog.features) if (name !== USER_TAGS_FEATURE && column.kind !== 'continuous') return { name, column };
  throw new Error(`feature popularity: the catalog has no categorical or multi feature besides ${USER_TAGS_FEATURE}`);
}

function valuesOf(column: ValueColumn, row: number): ArrayLike<number> {
  if (column.kind === 'multi') return column.codes.subarray(column.offsets[row], column.offsets[row + 1]);
  return column.codes[row] < 0 ? [] : [column.codes[row]];
}
