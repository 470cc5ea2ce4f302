import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryEntry } from './model-registry.js';
import { pruneRetrainBundles } from './prune-retrain-bundles.js';

describe('pruneRetrainBundles', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-prune-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const entry = (bundle: string, decision: RegistryEntry['decision']): RegistryEntry => {
    const t = '2026-01-01T00:00:00.000Z';
    return { version: bundle, parent: null, bundle, decidedAt: t, dataWindow: { from: t, trainUntil: t, to: t }, metrics: {}, decision, reasons: [] };
  };

  it('keeps the newest promoted and refused bundles, the protected ones and everything the registry does not name', async () => {
    const bundles = join(root, 'bundles');
    const elsewhere = join(root, 'elsewhere');
    const names = ['p1', 'p2', 'p3', 'p4', 'r1', 'r2', 'r3', 'by-hand', '.p4.tmp-17-0a1b2c3d', '.p0.tmp-18-0a1b2c3d', '.running.tmp-19-0a1b2c3d'];
    for (const name of names) {
      await mkdir(join(bundles, name), { recursive: true });
      await writeFile(join(bundles, name, 'file'), name);
    }
    await mkdir(join(elsewhere, 'old'), { recursive: true });
    const at = (name: string): string => join(bundles, name);
    const entries = [entry(at('p0'), 'promote'), entry(at('p1'), 'promote'), entry(at('r1'), 'refuse'), entry(join(elsewhere, 'old'), 'promote'), entry(at('p2'), 'promote'), entry(at('r2'), 'refuse'), entry(at('p3'), 'promote'), entry(at('r3'), 'refuse'), entry(at('p4'), 'promote')];
    const removed = await pruneRetrainBundles(bundles, entries, { keep: 2, protect: [at('p1')] });
    assert.deepEqual(removed.sort(), [at('.p0.tmp-18-0a1b2c3d'), at('.p4.tmp-17-0a1b2c3d'), at('p2'), at('r1')].sort());
    // p0 is gone already; a writer's temporary directory for a bundle neither present nor decided may still be renamed.
    assert.deepEqual((await readdir(bundles)).sort(), ['.running.tmp-19-0a1b2c3d', 'by-hand', 'p1', 'p3', 'p4', 'r2', 'r3']);
    assert.deepEqual(await readdir(elsewhere), ['old']);
    assert.deepEqual(await pruneRetrainBundles(bundles, entries, { keep: 2, protect: [at('p1')] }), [], 'a second pass finds nothing');
  });
});
