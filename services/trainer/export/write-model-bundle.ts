import { writeBundle } from '../../../shared/bundle/index.js';
import type { BundleManifest } from '../../../shared/bundle/index.js';
import { catalogItem } from '../../../shared/features/index.js';
import type { FeatureSpec, Item, ItemCatalog } from '../../../shared/features/index.js';
import type { Model } from '../model/index.js';
import { exportNetworks } from './export-networks.js';
import { ONNX_OPSET } from './onnx-graph.js';
import { referenceProbes } from './reference-probes.js';

/** What goes into a bundle besides the weights. */
export interface ModelBundleInput {
  readonly model: Model;
  readonly spec: FeatureSpec;
  readonly catalog: ItemCatalog;
  /** The `--data` argument the model was trained on. */
  readonly dataset: string;
  readonly training: Readonly<Record<string, number | string | boolean>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Exports the three networks and writes the immutable bundle directory `dir`, with probe
 * requests answered by the exported networks themselves (`probes.json`).
 */
export async function writeModelBundle(dir: string, input: ModelBundleInput): Promise<BundleManifest> {
  const nets = exportNetworks(input.model);
  return writeBundle(dir, {
    ...nets,
    probes: await referenceProbes(nets, input.model.shape.dim, input.spec, input.catalog),
    items: catalogItems(input.catalog),
    manifest: {
      dataset: input.dataset,
      featureSpec: input.spec,
      dim: input.model.shape.dim,
      metric: 'ip',
      bagLength: input.spec.bagLength,
      onnxOpset: ONNX_OPSET,
      training: input.training,
      metrics: input.metrics,
    },
  });
}

function* catalogItems(catalog: ItemCatalog): Iterable<Item> {
  for (let r = 0; r < catalog.ids.length; r++) yield catalogItem(catalog, r);
}
