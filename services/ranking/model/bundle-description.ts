import { readBundle } from '../../../shared/bundle/index.js';
import { featureUserEncoder } from './feature-user-encoder.js';
import type { ModelDescription } from './loaded-model.js';

/** Reads and verifies the bundle at `dir` (shared/bundle) into what the ranking service serves. */
export async function describeBundle(dir: string): Promise<ModelDescription> {
  const bundle = await readBundle(dir);
  const { manifest } = bundle;
  return {
    modelVersion: manifest.modelVersion,
    dim: manifest.dim,
    bundlePath: bundle.dir,
    userNet: bundle.userNet,
    rankNet: bundle.rankNet,
    encodeUsers: featureUserEncoder(manifest.featureSpec),
  };
}
