import { OOV_TOKEN } from './feature-spec.js';
import type { FeatureDef, FeatureSpec } from './feature-spec.js';
import type { CatalogColumn, ItemCatalog } from './item-catalog.js';

/** Why 20: a user's last 20 items carry most of the recent-taste signal while keeping `user_bag_*` small. */
export const DEFAULT_BAG_LENGTH = 20;

/** Vocabulary limits of one categorical/multi feature. */
export interface VocabularyLimits {
  /** Keep values carried by at least this many catalog items (default 1). */
  minCount?: number;
  /** Keep at most this many values, the most frequent (ties by value), besides '<oov>' (default: all). */
  maxVocabulary?: number;
}

/** Options of `buildFeatureSpec`. */
export interface BuildFeatureSpecOptions extends VocabularyLimits {
  /** Catalog features to use, in this order (default: all, in catalog order). */
  features?: string[];
  /** Limits for single features, overriding the global ones. */
  perFeature?: Record<string, VocabularyLimits>;
  /** An item id enters the vocabulary with at least this many train interactions (default 1). */
  minItemInteractions?: number;
  bagLength?: number;
  eventWeights?: Record<string, number>;
}

/**
 * Builds the feature spec: vocabularies from the catalog's items (most frequent first),
 * the item-id vocabulary from the items seen in train (`trainItems` = catalog rows of the
 * train interactions, in catalog order), z-normalisation statistics over the catalog's values.
 */
export function buildFeatureSpec(catalog: ItemCatalog, trainItems: ArrayLike<number>, options: BuildFeatureSpecOptions = {}): FeatureSpec {
  const names = options.features ?? [...catalog.features.keys()];
  const features = names.map((name): FeatureDef => {
    const column = catalog.features.get(name);
    if (column === undefined) throw new Error(`buildFeatureSpec: the catalog has no feature '${name}' (it has: ${[...catalog.features.keys()].join(', ')})`);
    if (column.kind === 'continuous') return { name, kind: 'continuous', ...normalisation(column.values) };
    const limits = { ...options, ...options.perFeature?.[name] };
    return { name, kind: column.kind, vocabulary: vocabulary(column, limits.minCount ?? 1, limits.maxVocabulary ?? Infinity) };
  });
  const interactions = new Int32Array(catalog.ids.length);
  for (let k = 0; k < trainItems.length; k++) interactions[trainItems[k]]++;
  const minInteractions = options.minItemInteractions ?? 1;
  const itemIds = [OOV_TOKEN];
  for (let r = 0; r < catalog.ids.length; r++) if (interactions[r] >= minInteractions && interactions[r] > 0) itemIds.push(catalog.ids[r]);
  const bagLength = options.bagLength ?? DEFAULT_BAG_LENGTH;
  if (!Number.isInteger(bagLength) || bagLength < 1) throw new RangeError(`buildFeatureSpec: bagLength must be a positive integer, got ${bagLength}`);
  return { features, itemIds, bagLength, eventWeights: { ...options.eventWeights } };
}

function vocabulary(column: Exclude<CatalogColumn, { kind: 'continuous' }>, minCount: number, maxVocabulary: number): string[] {
  const counts = new Int32Array(column.levels.length);
  if (column.kind === 'categorical') {
    for (const code of column.codes) if (code >= 0) counts[code]++;
  } else {
    // An item listing a value twice still counts once for it.
    for (let r = 0; r + 1 < column.offsets.length; r++) {
      const seen = new Set<number>();
      for (let k = column.offsets[r]; k < column.offsets[r + 1]; k++) seen.add(column.codes[k]);
      for (const code of seen) counts[code]++;
    }
  }
  const kept = column.levels
    .map((level, code) => ({ level, count: counts[code] }))
    .filter((entry) => entry.count >= Math.max(1, minCount) && entry.level !== OOV_TOKEN)
    .sort((a, b) => b.count - a.count || (a.level < b.level ? -1 : a.level > b.level ? 1 : 0))
    .slice(0, maxVocabulary);
  return [OOV_TOKEN, ...kept.map((entry) => entry.level)];
}

function normalisation(values: Float64Array): { mean: number; std: number } {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    count++;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  const std = count > 0 ? Math.sqrt(m2 / count) : 0;
  return { mean: count > 0 ? mean : 0, std: std > 0 && Number.isFinite(std) ? std : 1 };
}
