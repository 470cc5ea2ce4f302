import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { readBundle } from '../../../shared/bundle/index.js';
import { rawCategorical, rawContinuous, rawFeature, rawMulti } from '../../../shared/features/index.js';
import type { FeatureDef, Item } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder, MultiColumnBuilder } from './column-builders.js';
import { parseCsvSchema } from './csv-schema.js';
import type { BadRowPolicy } from './delimited-text.js';
import { readCsvItems } from './generic-csv.js';
import type { IndexedCatalog } from './generic-csv.js';

/**
 * Reads the items a log of interactions refers to (the log holds ids only):
 * `bundle:DIR` or a bare `DIR` — a model bundle's catalog (items.jsonl, feature kinds from
 * its manifest), which is what the gateway served the logged events against — or
 * `csv:ITEMS,SCHEMA`, the generic layout's items file and schema.
 */
export async function readItemSource(source: string, policy: BadRowPolicy): Promise<IndexedCatalog> {
  if (source.startsWith('csv:')) {
    const parts = source.slice('csv:'.length).split(',');
    if (parts.length !== 2 || parts.some((p) => p === '')) throw new Error(`--items ${source}: expected csv:ITEMS,SCHEMA`);
    const [items, schemaPath] = parts.map(absolute);
    const schema = parseCsvSchema(JSON.parse(await readFile(schemaPath, 'utf8')) as unknown, schemaPath);
    return readCsvItems(items, schema, policy);
  }
  const dir = absolute(source.startsWith('bundle:') ? source.slice('bundle:'.length) : source);
  const bundle = await readBundle(dir);
  return catalogOfItems(bundle.items, bundle.manifest.featureSpec.features, `${dir}/items.jsonl`, policy);
}

/** Columns for raw items, one per declared feature, read the way the feature's kind reads raw values. */
function catalogOfItems(items: readonly Item[], features: readonly FeatureDef[], file: string, policy: BadRowPolicy): IndexedCatalog {
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

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
