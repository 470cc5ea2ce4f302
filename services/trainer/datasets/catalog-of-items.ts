import { rawCategorical, rawContinuous, rawFeature, rawMulti } from '../../../shared/features/index.js';
import type { FeatureDef, Item } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder, MultiColumnBuilder } from './column-builders.js';
import type { BadRowPolicy } from './delimited-text.js';
import type { IndexedCatalog } from './generic-csv.js';

/** Columns for raw items, one per declared feature, read the way the feature's kind reads raw values. */
export function catalogOfItems(items: readonly Item[], features: readonly Pick<FeatureDef, 'name' | 'kind'>[], file: string, policy: BadRowPolicy): IndexedCatalog {
  const rows = new Map<string, number>();
  const ids: string[] = [];
  const titles: (string | undefined)[] = [];
  const builders = features.map((f) => (f.kind === 'categorical' ? new CategoricalColumnBuilder() : f.kind === 'multi' ? new MultiColumnBuilder() : new ContinuousColumnBuilder()));
  items.forEach((item, i) => {
    if (rows.has(item.id)) {
      policy.report(file, i + 1, `duplicate item id '${item.id}'`);
      return;
    }
    rows.set(item.id, ids.length);
    ids.push(item.id);
    titles.push(item.title);
    features.forEach((f, k) => {
      const value = rawFeature(item, f.name);
      const builder = builders[k];
      if (builder instanceof CategoricalColumnBuilder) builder.push(rawCategorical(value));
      else if (builder instanceof MultiColumnBuilder) builder.push(rawMulti(value));
      else builder.push(rawContinuous(value));
    });
  });
  return { catalog: { ids, titles, features: new Map(features.map((f, k) => [f.name, builders[k].build()])) }, rows };
}
