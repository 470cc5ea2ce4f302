import { readBundle } from '../../../shared/bundle/index.js';
import type { ModelBundle } from '../../../shared/bundle/index.js';
import { ItemEmbedder } from '../../../shared/item-net/index.js';
import { featureUserEncoder } from './feature-user-encoder.js';
import { ItemTable } from './item-table.js';
import type { ModelDescription } from './loaded-model.js';

/** What a ranking replica keeps of a bundle beyond its networks. */
export interface DescribeOptions {
  /** Embed the bundle's items into an item table (Rank by id); off saves its memory and start-up time. */
  itemTable: boolean;
}

/** Reads and verifies the bundle at `dir` (shared/bundle) into what the ranking service serves. */
export async function describeBundle(dir: string, options: DescribeOptions = { itemTable: true }): Promise<ModelDescription> {
  const bundle = await readBundle(dir);
  const { manifest } = bundle;
  return {
    modelVersion: manifest.modelVersion,
    dim: manifest.dim,
    bundlePath: bundle.dir,
    userNet: bundle.userNet,
    rankNet: bundle.rankNet,
    encodeUsers: featureUserEncoder(manifest.featureSpec),
    ...(options.itemTable ? { itemTable: await itemTableOf(bundle) } : {}),
  };
}

/** The bundle's items through its ItemNet, as a retrieval shard of the same bundle embeds them. */
async function itemTableOf(bundle: ModelBundle): Promise<ItemTable> {
  const embedder = await ItemEmbedder.load(bundle.itemNet, bundle.manifest.featureSpec, bundle.manifest.dim);
  try {
    return await ItemTable.build(bundle.items, embedder);
  } finally {
    await embedder.release();
  }
}
