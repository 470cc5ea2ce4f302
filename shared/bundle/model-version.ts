import { createHash } from 'node:crypto';
import type { BundleFileEntry } from './bundle-manifest.js';

/** Hex digits of the content hash kept as model_version (64 bits: collisions are not a concern). */
const MODEL_VERSION_HEX_DIGITS = 16;

/** sha256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** model_version: the first 16 hex digits of sha256 over the files' sha256 values in name order. */
export function modelVersionOf(files: Readonly<Record<string, BundleFileEntry>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) hash.update(files[name].sha256);
  return hash.digest('hex').slice(0, MODEL_VERSION_HEX_DIGITS);
}
