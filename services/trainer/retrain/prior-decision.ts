// A retried retrain run (the CronJob's Job retries into the same --out) must neither train nor decide twice.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readBundle } from '../../../shared/bundle/index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { readRegistry } from './model-registry.js';
import type { RegistryEntry } from './model-registry.js';

/**
 * The registry's decision on the bundle already at `out`, or undefined when `out` does not
 * exist (a fresh run). A bundle is written whole by one rename, so an existing `out` is
 * either a complete bundle or damaged; its decision is the newest registry entry naming
 * `out` with the bundle's content hash. A promoted bundle is only handed on while the
 * serving bundle is still its parent (or already it): a decision against another serving
 * model is no decision about this one. Anything else throws FAILED_PRECONDITION saying what to do.
 */
export async function priorDecision(out: string, registry: string, servingVersion: string): Promise<RegistryEntry | undefined> {
  if (!(await exists(out))) return undefined;
  const redo = `remove it (rm -r ${out}) and run dlrs retrain again, or give a new --out`;
  let version: string;
  try {
    version = (await readBundle(out)).manifest.modelVersion;
  } catch (err) {
    throw new DlrsError('FAILED_PRECONDITION', `--out ${out} exists but is no complete bundle (${err instanceof Error ? err.message : String(err)}); ${redo}`, { cause: err });
  }
  const decided = (await readRegistry(registry)).filter((e) => e.version === version && resolve(e.bundle) === resolve(out)).pop();
  if (decided === undefined) {
    throw new DlrsError('FAILED_PRECONDITION', `--out ${out} holds bundle ${version} but registry ${registry} records no decision on it (the run that wrote it stopped before deciding); ${redo}`);
  }
  if (decided.decision === 'promote' && decided.parent !== servingVersion && decided.version !== servingVersion) {
    throw new DlrsError('FAILED_PRECONDITION', `--out ${out}: bundle ${version} was promoted against serving model ${decided.parent ?? 'none'}, but --serving is ${servingVersion} now; ${redo}`);
  }
  return decided;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
