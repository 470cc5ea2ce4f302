/** The vocabulary entry at index 0 of every vocabulary: unknown values, new items, padding. */
export const OOV_TOKEN = '<oov>';

/** Kinds of item features (docs/model-contract.md). */
export type FeatureKind = 'categorical' | 'multi' | 'continuous';

/** A categorical or multi-valued feature: `vocabulary[0]` is OOV_TOKEN. */
export interface VocabularyFeature {
  name: string;
  kind: 'categorical' | 'multi';
  vocabulary: string[];
}

/** A continuous feature with its z-normalisation statistics from train. */
export interface ContinuousFeature {
  name: string;
  kind: 'continuous';
  mean: number;
  /** Never 0: a constant feature gets 1, so normalising it gives 0. */
  std: number;
}

/** One item feature of the spec. */
export type FeatureDef = VocabularyFeature | ContinuousFeature;

/** The feature spec stored in `manifest.json`: everything needed to turn raw data into tensors. */
export interface FeatureSpec {
  features: FeatureDef[];
  /** The item-id vocabulary; `itemIds[0]` is OOV_TOKEN. */
  itemIds: string[];
  /** How many recent items a user profile keeps (N of `user_bag_*`). */
  bagLength: number;
  /** Weight per event type; a type not listed weighs DEFAULT_EVENT_WEIGHT. */
  eventWeights: Record<string, number>;
}

/** Why 1: without configuration every interaction counts the same, as in the evaluation protocol. */
export const DEFAULT_EVENT_WEIGHT = 1;

/** Embedding width for a feature of `cardinality` values: about log2 of it, at least 1. */
export function embeddingWidth(cardinality: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(2, cardinality))));
}

/** The weight of an event: the explicit weight when given (finite), else its type's weight. */
export function eventWeight(spec: FeatureSpec, eventType: string, explicitWeight?: number): number {
  if (explicitWeight !== undefined && !Number.isNaN(explicitWeight)) return explicitWeight;
  const weight = Object.hasOwn(spec.eventWeights, eventType) ? spec.eventWeights[eventType] : undefined;
  return weight ?? DEFAULT_EVENT_WEIGHT;
}

/** Lookup tables derived from a spec once and cached per spec object (specs are treated as immutable). */
export interface CompiledSpec {
  itemIndex: Map<string, number>;
  /** Per spec feature: value → vocabulary index (undefined for continuous features). */
  valueIndex: (Map<string, number> | undefined)[];
  /** Spec positions of categorical+multi features (the `user_dist_<f>` order). */
  vocabularyFeatures: number[];
  /** Spec positions of continuous features (the `item_cont` / `user_cont` column order). */
  continuousFeatures: number[];
}

const compiledSpecs = new WeakMap<FeatureSpec, CompiledSpec>();

/** The cached lookup tables of `spec`. */
export function compileSpec(spec: FeatureSpec): CompiledSpec {
  let compiled = compiledSpecs.get(spec);
  if (compiled === undefined) {
    compiled = {
      itemIndex: indexOf(spec.itemIds),
      valueIndex: spec.features.map((f) => (f.kind === 'continuous' ? undefined : indexOf(f.vocabulary))),
      vocabularyFeatures: positions(spec, (f) => f.kind !== 'continuous'),
      continuousFeatures: positions(spec, (f) => f.kind === 'continuous'),
    };
    compiledSpecs.set(spec, compiled);
  }
  return compiled;
}

/** The vocabulary index of a raw item id under `spec` (0 = OOV). */
export function itemVocabularyIndex(spec: FeatureSpec, itemId: string): number {
  return compileSpec(spec).itemIndex.get(itemId) ?? 0;
}

function indexOf(vocabulary: string[]): Map<string, number> {
  const index = new Map<string, number>();
  // Index 0 is the OOV slot: a value literally equal to '<oov>' must not map onto it by name.
  for (let i = 1; i < vocabulary.length; i++) index.set(vocabulary[i], i);
  return index;
}

function positions(spec: FeatureSpec, keep: (f: FeatureDef) => boolean): number[] {
  const result: number[] = [];
  spec.features.forEach((f, i) => {
    if (keep(f)) result.push(i);
  });
  return result;
}

/**
 * Checks a spec read from a manifest and returns it typed; the error names the offending field.
 */
export function parseFeatureSpec(value: unknown): FeatureSpec {
  const spec = asRecord(value, 'featureSpec');
  const features = spec.features;
  if (!Array.isArray(features)) throw new Error('featureSpec.features: expected an array');
  const names = new Set<string>();
  const parsed: FeatureDef[] = features.map((raw: unknown, i) => {
    const where = `featureSpec.features[${i}]`;
    const f = asRecord(raw, where);
    if (typeof f.name !== 'string' || f.name === '') throw new Error(`${where}.name: expected a non-empty string`);
    if (names.has(f.name)) throw new Error(`${where}.name: duplicate feature '${f.name}'`);
    names.add(f.name);
    if (f.kind === 'continuous') {
      if (typeof f.mean !== 'number' || !Number.isFinite(f.mean)) throw new Error(`${where}.mean: expected a finite number`);
      if (typeof f.std !== 'number' || !(f.std > 0)) throw new Error(`${where}.std: expected a positive number`);
      return { name: f.name, kind: 'continuous', mean: f.mean, std: f.std };
    }
    if (f.kind !== 'categorical' && f.kind !== 'multi') {
      throw new Error(`${where}.kind: expected 'categorical', 'multi' or 'continuous', got ${JSON.stringify(f.kind)}`);
    }
    return { name: f.name, kind: f.kind, vocabulary: parseVocabulary(f.vocabulary, `${where}.vocabulary`) };
  });
  const bagLength = spec.bagLength;
  if (typeof bagLength !== 'number' || !Number.isInteger(bagLength) || bagLength < 1) {
    throw new Error(`featureSpec.bagLength: expected a positive integer, got ${JSON.stringify(bagLength)}`);
  }
  const weights = asRecord(spec.eventWeights ?? {}, 'featureSpec.eventWeights');
  const eventWeights: Record<string, number> = {};
  for (const [type, weight] of Object.entries(weights)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new Error(`featureSpec.eventWeights.${type}: expected a non-negative number`);
    }
    eventWeights[type] = weight;
  }
  return { features: parsed, itemIds: parseVocabulary(spec.itemIds, 'featureSpec.itemIds'), bagLength, eventWeights };
}

function parseVocabulary(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${where}: expected an array of strings`);
  if (value[0] !== OOV_TOKEN) throw new Error(`${where}[0]: expected '${OOV_TOKEN}'`);
  return value as string[];
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected an object`);
  return value as Record<string, unknown>;
}
