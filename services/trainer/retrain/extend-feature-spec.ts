// The feature spec of a warm-started candidate: the serving spec grown by the new data's items and values.
import { OOV_TOKEN } from '../../../shared/features/index.js';
import type { FeatureDef, FeatureSpec } from '../../../shared/features/index.js';

/**
 * The serving spec grown by what the new data brings: every serving vocabulary keeps its
 * order (so a known item or value keeps its row), new item ids and new feature values are
 * appended, and continuous features keep the serving normalisation (the weights were fitted
 * to it). Features the serving model lacks are appended after its own, in `fresh`'s order.
 */
export function extendFeatureSpec(serving: FeatureSpec, fresh: FeatureSpec): FeatureSpec {
  const byName = new Map(fresh.features.map((f) => [f.name, f]));
  const features: FeatureDef[] = [];
  for (const base of serving.features) {
    const next = byName.get(base.name);
    if (next === undefined) continue;
    byName.delete(base.name);
    if (base.kind === 'continuous' || next.kind === 'continuous' || base.kind !== next.kind) features.push(base.kind === next.kind ? base : next);
    else features.push({ name: base.name, kind: base.kind, vocabulary: appendNew(base.vocabulary, next.vocabulary) });
  }
  for (const f of fresh.features) if (byName.has(f.name)) features.push(f);
  return { features, itemIds: appendNew(serving.itemIds, fresh.itemIds), bagLength: serving.bagLength, eventWeights: { ...fresh.eventWeights, ...serving.eventWeights } };
}

function appendNew(base: readonly string[], next: readonly string[]): string[] {
  const out = [...base];
  const seen = new Set(base);
  for (const v of next) {
    if (v === OOV_TOKEN || seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}
