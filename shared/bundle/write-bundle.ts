import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DlrsError } from '../errors/index.js';
import type { Item } from '../features/index.js';
import { BUNDLE_FILES, BUNDLE_FORMAT_VERSION, MANIFEST_FILE, OPTIONAL_BUNDLE_FILES } from './bundle-manifest.js';
import type { BundleFileEntry, BundleManifest } from './bundle-manifest.js';
import type { BundleProbes } from './bundle-probes.js';
import { modelVersionOf, sha256Hex } from './model-version.js';

/** What the trainer hands to the writer. */
export interface BundleContents {
  readonly userNet: Uint8Array;
  readonly itemNet: Uint8Array;
  readonly rankNet: Uint8Array;
  /** The catalog the model was trained with, written one JSON object per line. */
  readonly items: Iterable<Item>;
  readonly manifest: Omit<BundleManifest, 'formatVersion' | 'modelVersion' | 'createdAt' | 'files'>;
  /** Probe requests with the networks' own answers (`probes.json`), for rollouts to check. */
  readonly probes?: BundleProbes;
  /** Defaults to now; tests pin it. */
  readonly createdAt?: Date;
}

/**
 * Writes a bundle to `dir`, which must not exist: the files go to a temporary sibling
 * directory first and are renamed into place at once, so a reader never sees a partial
 * bundle and a written bundle is never modified. Returns the manifest.
 */
export async function writeBundle(dir: string, contents: BundleContents): Promise<BundleManifest> {
  if (await exists(dir)) throw new DlrsError('ALREADY_EXISTS', `bundle ${dir} already exists (bundles are immutable; choose a new directory)`);
  await mkdir(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    const lines: string[] = [];
    for (const item of contents.items) {
      const line: Item = item.title === undefined ? { id: item.id, features: item.features } : { id: item.id, title: item.title, features: item.features };
      lines.push(JSON.stringify(line));
    }
    const payload: Record<string, Uint8Array | string> = {
      [BUNDLE_FILES.userNet]: contents.userNet,
      [BUNDLE_FILES.itemNet]: contents.itemNet,
      [BUNDLE_FILES.rankNet]: contents.rankNet,
      [BUNDLE_FILES.items]: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
    };
    if (contents.probes !== undefined) payload[OPTIONAL_BUNDLE_FILES.probes] = `${JSON.stringify(contents.probes)}\n`;
    const files: Record<string, BundleFileEntry> = {};
    for (const name of Object.keys(payload).sort()) {
      const data = payload[name];
      await writeFile(join(tmp, name), data);
      files[name] = { bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, sha256: sha256Hex(data) };
    }
    const manifest: BundleManifest = {
      formatVersion: BUNDLE_FORMAT_VERSION,
      modelVersion: modelVersionOf(files),
      createdAt: (contents.createdAt ?? new Date()).toISOString(),
      ...contents.manifest,
      files,
    };
    await writeFile(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(tmp, dir);
    return manifest;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
