import { isAbsolute, resolve } from 'node:path';
import type { Dataset } from './dataset.js';
import { readGenericCsv } from './generic-csv.js';
import { readInteractionLogDataset } from './interaction-log-dataset.js';
import { readMovieLens } from './movielens.js';
import type { MovieLensOptions } from './movielens.js';
import { SYNTHETIC_SIZES, generateSynthetic, parseSyntheticSize } from './synthetic.js';
import type { SyntheticSizeName } from './synthetic.js';

/** Options of `loadDataset`. */
export interface LoadDatasetOptions extends MovieLensOptions {
  /** Seed of the synthetic generator. */
  seed?: number;
  /** Items of `log:DIR` data (`--items`): bundle:DIR, a bundle DIR, or csv:ITEMS,SCHEMA. */
  items?: string;
}

/**
 * Loads a dataset named the way the CLI's `--data` takes it:
 * `synthetic:SIZE` (tiny|small|medium|large or USERS,ITEMS,INTERACTIONS[,CLUSTERS]), `movielens:PATH`, `csv:ITEMS,INTERACTIONS,SCHEMA`,
 * `log:DIR` (the gateway's interaction log; needs `options.items`).
 */
export async function loadDataset(spec: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const argument = colon < 0 ? '' : spec.slice(colon + 1);
  switch (kind) {
    case 'synthetic': {
      const size = parseSyntheticSize(argument);
      if (size === null) {
        throw new Error(`--data ${spec}: unknown synthetic size '${argument}' (expected ${Object.keys(SYNTHETIC_SIZES).join(', ')} or USERS,ITEMS,INTERACTIONS[,CLUSTERS] within the generator's bounds)`);
      }
      return generateSynthetic(Object.hasOwn(SYNTHETIC_SIZES, argument) ? (argument as SyntheticSizeName) : size, options.seed === undefined ? {} : { seed: options.seed });
    }
    case 'movielens':
      if (argument === '') throw new Error(`--data ${spec}: expected movielens:PATH`);
      return readMovieLens(absolute(argument), options);
    case 'csv': {
      const parts = argument.split(',');
      if (parts.length !== 3 || parts.some((p) => p === '')) throw new Error(`--data ${spec}: expected csv:ITEMS,INTERACTIONS,SCHEMA`);
      return readGenericCsv({ items: absolute(parts[0]), interactions: absolute(parts[1]), schema: absolute(parts[2]) }, options);
    }
    case 'log':
      if (argument === '') throw new Error(`--data ${spec}: expected log:DIR`);
      if (options.items === undefined) {
        throw new Error(`--data ${spec}: the interaction log holds item ids, not features; give the items with --items BUNDLE_DIR or --items csv:ITEMS,SCHEMA`);
      }
      return readInteractionLogDataset(argument, options.items, options);
    default:
      throw new Error(`--data ${spec}: expected synthetic:SIZE, movielens:PATH, csv:ITEMS,INTERACTIONS,SCHEMA or log:DIR`);
  }
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
