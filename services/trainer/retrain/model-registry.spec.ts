import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRegistryEntry, readRegistry, rollbackTarget } from './model-registry.js';
import type { RegistryEntry } from './model-registry.js';

function entry(version: string, parent: string | null, decision: RegistryEntry['decision']): RegistryEntry {
  const t = '2026-01-01T00:00:00.000Z';
  return { version, parent, bundle: `/b/${version}`, decidedAt: t, dataWindow: { from: t, trainUntil: t, to: t }, metrics: {}, decision, reasons: [] };
}

describe('model registry (registry.jsonl)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-registry-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('appends one line per entry and reads them back in order; a missing file is empty', async () => {
    const path = join(root, 'registry.jsonl');
    assert.deepEqual(await readRegistry(path), []);
    await appendRegistryEntry(path, entry('v1', null, 'promote'));
    await appendRegistryEntry(path, entry('v2', 'v1', 'refuse'));
    const read = await readRegistry(path);
    assert.deepEqual(read.map((e) => [e.version, e.parent, e.decision]), [['v1', null, 'promote'], ['v2', 'v1', 'refuse']]);
  });

  it('rolls back to the promoted entry before the newest promoted one, skipping refused ones', () => {
    assert.equal(rollbackTarget([entry('v1', null, 'promote')]), undefined);
    assert.equal(rollbackTarget([entry('v1', null, 'promote'), entry('v2', 'v1', 'refuse'), entry('v3', 'v1', 'promote')])?.version, 'v1');
  });

  it('names the line that is not JSON', async () => {
    const path = join(root, 'registry.jsonl');
    await writeFile(path, `${JSON.stringify(entry('v1', null, 'promote'))}\n{half\n`);
    await assert.rejects(readRegistry(path), /line 2 is not JSON/);
  });
});
