import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import type { AttributeField } from '../store/attribute-index.js';
import type { ItemEmbedder } from '../../../shared/item-net/index.js';

/** A model the shard can serve: its version, ItemNet and the catalog it was trained with. */
export interface ServedModel {
  modelVersion: string;
  dim: number;
  spec: FeatureSpec;
  /** Where the bundle was read from. */
  bundlePath: string;
  embedder: ItemEmbedder;
  /** The bundle's catalog (the shard keeps the items of its own shard). */
  catalog: () => Promise<readonly Item[]>;
  loadedAtMs: number;
}

/** Opens the model bundle at a path (LoadModel and start-up). */
export type ModelOpener = (bundlePath: string) => Promise<ServedModel>;

/** The filterable item features of a feature spec. */
export function attributeFieldsOf(spec: FeatureSpec): AttributeField[] {
  return spec.features.map((feature) => ({ name: feature.name, kind: feature.kind }));
}
