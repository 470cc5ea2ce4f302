import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { DlrsError } from '../errors/index.js';

/**
 * The real path of a bundle a LoadModel call names, resolved (symlinks included) under `root`.
 * A path outside the root and a path that does not exist get the same error, which names
 * neither: a caller learns nothing about the filesystem outside the root.
 */
export async function confineBundlePath(root: string, requested: string): Promise<string> {
  const refused = new DlrsError('INVALID_ARGUMENT', 'is not a model bundle under the configured bundle root', { field: 'bundle_path' });
  if (requested === '') throw new DlrsError('INVALID_ARGUMENT', 'is required', { field: 'bundle_path' });
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(resolve(realRoot, requested));
  } catch {
    throw refused;
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw refused;
  return real;
}
