export { BUNDLE_FILES, BUNDLE_FORMAT_VERSION, MANIFEST_FILE } from './bundle-manifest.js';
export type { BundleFileEntry, BundleManifest } from './bundle-manifest.js';
export { modelVersionOf, sha256Hex } from './model-version.js';
export { readBundle } from './read-bundle.js';
export type { ModelBundle } from './read-bundle.js';
export { writeBundle } from './write-bundle.js';
export type { BundleContents } from './write-bundle.js';
export { confineBundlePath } from './confine-bundle-path.js';
