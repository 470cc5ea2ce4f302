import { readBundle } from '../../../shared/bundle/index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { ItemEmbedder } from '../../../shared/item-net/index.js';
import type { ItemEmbedderOptions } from '../../../shared/item-net/index.js';
import type { ServedModel } from './served-model.js';

/**
 * Reads and verifies a model bundle and opens its ItemNet: the model a shard
 * serves. A bundle for another metric than inner product is FAILED_PRECONDITION.
 */
export async function openBundleModel(bundlePath: string, options: Partial<ItemEmbedderOptions> = {}): Promise<ServedModel> {
  const bundle = await readBundle(bundlePath);
  const { manifest, items } = bundle;
  if (manifest.metric !== 'ip') {
    throw new DlrsError('FAILED_PRECONDITION', `model bundle ${bundlePath}: metric '${String(manifest.metric)}' is not 'ip'`);
  }
  const embedder = await ItemEmbedder.load(bundle.itemNet, manifest.featureSpec, manifest.dim, options);
  return {
    modelVersion: manifest.modelVersion,
    dim: manifest.dim,
    spec: manifest.featureSpec,
    bundlePath,
    embedder,
    catalog: () => Promise.resolve(items),
    loadedAtMs: Date.now(),
  };
}
