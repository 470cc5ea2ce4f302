import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DlrsError } from '../errors/index.js';
import { parseFeatureSpec } from '../features/index.js';
import type { Item } from '../features/index.js';
import { BUNDLE_FILES, BUNDLE_FORMAT_VERSION, MANIFEST_FILE, OPTIONAL_BUNDLE_FILES } from './bundle-manifest.js';
import type { BundleFileEntry, BundleManifest } from './bundle-manifest.js';
import { parseBundleProbes } from './bundle-probes.js';
import type { BundleProbes } from './bundle-probes.js';
import { modelVersionOf, sha256Hex } from './model-version.js';

/** A verified bundle in memory. */
export interface ModelBundle {
  readonly dir: string;
  readonly manifest: BundleManifest;
  readonly userNet: Uint8Array;
  readonly itemNet: Uint8Array;
  readonly rankNet: Uint8Array;
  /** The catalog's raw items, in file order. */
  readonly items: Item[];
  /** Probe requests and their reference answers; undefined for a bundle written without them. */
  readonly probes: BundleProbes | undefined;
}

/**
 * Reads a bundle and verifies it: the format version, every required file present with
 * the size and sha256 the manifest lists, and model_version equal to the content hash.
 * Any failure throws a FAILED_PRECONDITION DlrsError whose message names the file.
 */
export async function readBundle(dir: string): Promise<ModelBundle> {
  const fail = (file: string, what: string, cause?: unknown): never => {
    throw new DlrsError('FAILED_PRECONDITION', `model bundle ${dir}: ${file}: ${what}`, { cause });
  };
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    return fail(MANIFEST_FILE, 'missing or unreadable', err);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch (err) {
    return fail(MANIFEST_FILE, 'not valid JSON (partial or corrupt)', err);
  }
  const manifest = parseManifest(raw, (what) => fail(MANIFEST_FILE, what));
  const contents: Record<string, Buffer> = {};
  const optional: string[] = Object.values(OPTIONAL_BUNDLE_FILES).filter((name) => manifest.files[name] !== undefined);
  for (const name of [...Object.values(BUNDLE_FILES), ...optional]) {
    const entry = manifest.files[name];
    if (entry === undefined) return fail(MANIFEST_FILE, `lists no checksum for ${name}`);
    let data: Buffer;
    try {
      data = await readFile(join(dir, name));
    } catch (err) {
      return fail(name, 'missing or unreadable', err);
    }
    if (data.byteLength !== entry.bytes) fail(name, `size ${data.byteLength} bytes, the manifest says ${entry.bytes} (partial or corrupt)`);
    if (sha256Hex(data) !== entry.sha256) fail(name, 'sha256 differs from the manifest (corrupt)');
    contents[name] = data;
  }
  if (modelVersionOf(manifest.files) !== manifest.modelVersion) fail(MANIFEST_FILE, `modelVersion ${manifest.modelVersion} is not the content hash of the files`);
  const items: Item[] = [];
  const lines = contents[BUNDLE_FILES.items].toString('utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      items.push(JSON.parse(line) as Item);
    } catch (err) {
      fail(BUNDLE_FILES.items, `line ${i + 1} is not valid JSON`, err);
    }
  });
  return {
    dir,
    manifest,
    userNet: contents[BUNDLE_FILES.userNet],
    itemNet: contents[BUNDLE_FILES.itemNet],
    rankNet: contents[BUNDLE_FILES.rankNet],
    items,
    probes: contents[OPTIONAL_BUNDLE_FILES.probes] === undefined ? undefined : parseBundleProbes(contents[OPTIONAL_BUNDLE_FILES.probes].toString('utf8'), (what) => fail(OPTIONAL_BUNDLE_FILES.probes, what)),
  };
}

function parseManifest(raw: unknown, fail: (what: string) => never): BundleManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) {
    fail(`formatVersion ${JSON.stringify(m.formatVersion)} is not supported (this build reads ${BUNDLE_FORMAT_VERSION})`);
  }
  if (typeof m.modelVersion !== 'string' || !/^[0-9a-f]{16}$/.test(m.modelVersion)) fail('modelVersion: expected 16 hex digits');
  if (typeof m.dim !== 'number' || !Number.isInteger(m.dim) || m.dim < 1) fail('dim: expected a positive integer');
  if (m.metric !== 'ip') fail(`metric: expected 'ip', got ${JSON.stringify(m.metric)}`);
  if (typeof m.files !== 'object' || m.files === null) fail('files: expected an object');
  const files = m.files as Record<string, unknown>;
  for (const [name, entry] of Object.entries(files)) {
    const e = entry as Partial<BundleFileEntry> | null;
    if (e === null || typeof e.sha256 !== 'string' || typeof e.bytes !== 'number') fail(`files.${name}: expected { bytes, sha256 }`);
  }
  let featureSpec;
  try {
    featureSpec = parseFeatureSpec(m.featureSpec);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  return { ...(m as unknown as BundleManifest), featureSpec };
}
