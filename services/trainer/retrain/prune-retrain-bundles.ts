// Scheduled retraining writes one bundle per run: without pruning the bundles volume only grows.
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { RegistryEntry } from './model-registry.js';

/** What `pruneRetrainBundles` keeps. */
export interface PruneOptions {
  /** Bundles of the newest this many promoted entries and, apart, of the newest this many refused ones. */
  readonly keep: number;
  /** Never removed (the serving bundle, the run's own --out). */
  readonly protect: readonly string[];
}

/** The temporary directory `writeBundle` fills before renaming it to `.../<name>`. */
const WRITER_TMP = /^\.(.+)\.tmp-\d+-[0-9a-f]{8}$/;

/**
 * Removes from `dir` the bundles of older registry entries: the newest `keep` promoted ones
 * stay (what serves and what `dlrs rollback` returns to), the newest `keep` refused ones stay
 * for inspection. Only directories a registry entry names directly inside `dir` are touched,
 * so a bundle placed by hand or by `dlrs train` is never removed. Also removes the temporary
 * directory a killed writer left for a bundle that now exists or is in the registry (its
 * rename can no longer happen). Returns the removed paths.
 */
export async function pruneRetrainBundles(dir: string, entries: readonly RegistryEntry[], options: PruneOptions): Promise<string[]> {
  const root = resolve(dir);
  const listed = entries.filter((e) => dirname(resolve(e.bundle)) === root);
  const newest = (decision: RegistryEntry['decision']): string[] =>
    listed
      .filter((e) => e.decision === decision)
      .slice(-options.keep)
      .map((e) => resolve(e.bundle));
  const kept = new Set([...newest('promote'), ...newest('refuse'), ...options.protect.map((p) => resolve(p))]);
  const present = new Set(await readdir(root));
  const doomed = new Set(listed.map((e) => resolve(e.bundle)).filter((b) => !kept.has(b) && present.has(basename(b))));
  const named = new Set(listed.map((e) => basename(e.bundle)));
  for (const name of present) {
    const target = WRITER_TMP.exec(name)?.[1];
    if (target !== undefined && (named.has(target) || present.has(target))) doomed.add(join(root, name));
  }
  for (const path of doomed) await rm(path, { recursive: true, force: true });
  return [...doomed];
}
