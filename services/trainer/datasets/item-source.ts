import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { readBundle } from '../../../shared/bundle/index.js';
import { catalogOfItems } from './catalog-of-items.js';
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

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
