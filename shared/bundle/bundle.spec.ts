import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlrsError } from '../errors/index.js';
import type { FeatureSpec } from '../features/index.js';
import { BUNDLE_FILES, MANIFEST_FILE, OPTIONAL_BUNDLE_FILES } from './bundle-manifest.js';
import type { BundleProbes } from './bundle-probes.js';
import { readBundle } from './read-bundle.js';
import { writeBundle } from './write-bundle.js';
import type { BundleContents } from './write-bundle.js';

const SPEC: FeatureSpec = {
  features: [{ name: 'genres', kind: 'multi', vocabulary: ['<oov>', 'Drama', 'Comedy'] }],
  itemIds: ['<oov>', 'a', 'b'],
  bagLength: 4,
  eventWeights: {},
};

function contents(seed: number): BundleContents {
  return {
    userNet: Uint8Array.from([1, 2, 3, seed]),
    itemNet: Uint8Array.from([4, 5, 6]),
    rankNet: Uint8Array.from([7, 8]),
    items: [
      { id: 'a', title: 'A', features: { genres: ['Drama'] } },
      { id: 'b', features: { genres: ['Comedy', 'Drama'] } },
    ],
    manifest: {
      dataset: 'synthetic:tiny',
      featureSpec: SPEC,
      dim: 8,
      metric: 'ip',
      bagLength: 4,
      onnxOpset: 17,
      training: { objective: 'softmax', seed },
      metrics: { validationMap10: 0.05 },
    },
  };
}

async function assertFailsNaming(dir: string, file: string): Promise<void> {
  await assert.rejects(readBundle(dir), (err: unknown) => {
    assert.ok(err instanceof DlrsError);
    assert.equal(err.code, 'FAILED_PRECONDITION');
    assert.ok(err.message.includes(file), `"${err.message}" should name ${file}`);
    return true;
  });
}

describe('model bundle writer and reader', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-bundle-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips; model_version is a content hash independent of created_at', async () => {
    const a = await writeBundle(join(root, 'a'), { ...contents(1), createdAt: new Date(0) });
    const b = await writeBundle(join(root, 'b'), contents(1));
    const c = await writeBundle(join(root, 'c'), contents(2));
    assert.match(a.modelVersion, /^[0-9a-f]{16}$/);
    assert.equal(a.modelVersion, b.modelVersion);
    assert.notEqual(a.modelVersion, c.modelVersion);
    const read = await readBundle(join(root, 'a'));
    assert.deepEqual(read.manifest, a);
    assert.deepEqual([...read.userNet], [1, 2, 3, 1]);
    assert.deepEqual(read.items, contents(1).items);
    assert.deepEqual(read.manifest.featureSpec, SPEC);
  });

  it('refuses to overwrite an existing bundle and leaves no temporary directory behind', async () => {
    const dir = join(root, 'x');
    await writeBundle(dir, contents(1));
    await assert.rejects(writeBundle(dir, contents(2)), (err: unknown) => err instanceof DlrsError && err.code === 'ALREADY_EXISTS');
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(await readdir(root), ['x']);
  });

  it('probes.json: absent unless given; given, it is listed, enters model_version and reads back', async () => {
    const probes: BundleProbes = { k: 2, candidates: 2, probes: [{ interactions: [{ itemId: 'a', eventType: 'click', timestampMs: 1 }], answer: [{ itemId: 'b', score: 0.75 }] }] };
    const without = await writeBundle(join(root, 'w'), contents(1));
    const withProbes = await writeBundle(join(root, 'p'), { ...contents(1), probes });
    assert.equal((await readBundle(join(root, 'w'))).probes, undefined);
    assert.equal(without.files[OPTIONAL_BUNDLE_FILES.probes], undefined);
    assert.ok(withProbes.files[OPTIONAL_BUNDLE_FILES.probes] !== undefined);
    assert.notEqual(withProbes.modelVersion, without.modelVersion);
    assert.deepEqual((await readBundle(join(root, 'p'))).probes, probes);
  });

  it('a changed or malformed probes.json fails naming it', async () => {
    const dir = join(root, 'q');
    const probes: BundleProbes = { k: 1, candidates: 1, probes: [{ interactions: [{ itemId: 'a', eventType: 'click', timestampMs: 1 }], answer: [{ itemId: 'b', score: 0.5 }] }] };
    await writeBundle(dir, { ...contents(1), probes });
    const text = await readFile(join(dir, OPTIONAL_BUNDLE_FILES.probes), 'utf8');
    await writeFile(join(dir, OPTIONAL_BUNDLE_FILES.probes), text.replace('0.5', '0.6'));
    await assertFailsNaming(dir, OPTIONAL_BUNDLE_FILES.probes);
    // Listed with its own checksum but not a probe file: the parser names the field.
    const bad = join(root, 'r');
    await writeBundle(bad, { ...contents(1), probes: { ...probes, k: 0 } });
    await assert.rejects(readBundle(bad), /probes\.json: k: expected a positive integer/);
  });

  it('a missing file fails naming it', async () => {
    const dir = join(root, 'm');
    await writeBundle(dir, contents(1));
    await unlink(join(dir, BUNDLE_FILES.rankNet));
    await assertFailsNaming(dir, BUNDLE_FILES.rankNet);
  });

  it('a partial (truncated) file fails naming it', async () => {
    const dir = join(root, 'p');
    await writeBundle(dir, contents(1));
    await truncate(join(dir, BUNDLE_FILES.itemNet), 1);
    await assertFailsNaming(dir, BUNDLE_FILES.itemNet);
  });

  it('a corrupt file (same size, other bytes) fails naming it', async () => {
    const dir = join(root, 'c');
    await writeBundle(dir, contents(1));
    await writeFile(join(dir, BUNDLE_FILES.userNet), Uint8Array.from([9, 9, 9, 9]));
    await assertFailsNaming(dir, BUNDLE_FILES.userNet);
  });

  it('a missing, truncated or foreign-version manifest fails naming manifest.json', async () => {
    const dir = join(root, 'v');
    await writeBundle(dir, contents(1));
    const text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    await writeFile(join(dir, MANIFEST_FILE), text.replace('"formatVersion": 1', '"formatVersion": 99'));
    await assertFailsNaming(dir, MANIFEST_FILE);
    await writeFile(join(dir, MANIFEST_FILE), text.slice(0, text.length / 2));
    await assertFailsNaming(dir, MANIFEST_FILE);
    await writeFile(join(dir, MANIFEST_FILE), text.replace(/"modelVersion": "[0-9a-f]+"/, '"modelVersion": "0000000000000000"'));
    await assertFailsNaming(dir, MANIFEST_FILE);
    await unlink(join(dir, MANIFEST_FILE));
    await assertFailsNaming(dir, MANIFEST_FILE);
    await assertFailsNaming(join(root, 'nowhere'), MANIFEST_FILE);
  });
});
