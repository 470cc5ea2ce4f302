import type { FeatureSpec } from '../features/index.js';

/** The manifest format this code writes and reads; a reader refuses any other. */
export const BUNDLE_FORMAT_VERSION = 1;

/** The files of a bundle besides the manifest, in the order their hashes enter model_version. */
export const BUNDLE_FILES = {
  itemNet: 'item_net.onnx',
  items: 'items.jsonl',
  rankNet: 'rank_net.onnx',
  userNet: 'user_net.onnx',
} as const;

/**
 * Files a bundle may have: when the manifest lists one, it is verified like the others and
 * enters model_version.
 */
export const OPTIONAL_BUNDLE_FILES = {
  /** Probe requests and the answers the bundle's own networks give them (`BundleProbes`), which a rollout checks. */
  probes: 'probes.json',
} as const;

/** The manifest's own file name. */
export const MANIFEST_FILE = 'manifest.json';

/** Size and checksum of one bundle file. */
export interface BundleFileEntry {
  readonly bytes: number;
  readonly sha256: string;
}

/** `manifest.json` (docs/model-contract.md, "Bundle"). */
export interface BundleManifest {
  readonly formatVersion: number;
  /** First 16 hex digits of sha256 over the other files' sha256 values in name order. */
  readonly modelVersion: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Where the training data came from, e.g. `movielens:…/ml-latest-small`. */
  readonly dataset: string;
  readonly featureSpec: FeatureSpec;
  /** d, the embedding dimension of e_u and e_i. */
  readonly dim: number;
  /** The index metric: inner product, because RankNet's logit contains e_u·e_i. */
  readonly metric: 'ip';
  readonly bagLength: number;
  readonly onnxOpset: number;
  /** The training settings, as given to the trainer. */
  readonly training: Readonly<Record<string, number | string | boolean>>;
  /** Figures measured at training (validation MAP@10, throughput, …). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Every other file of the bundle by name. */
  readonly files: Readonly<Record<string, BundleFileEntry>>;
}
