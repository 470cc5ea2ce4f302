import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FILES, MANIFEST_FILE, readBundle } from '../../../shared/bundle/index.js';
import { runTrain } from '../train-command.js';
import { appendRegistryEntry } from './model-registry.js';
import type { RegistryEntry } from './model-registry.js';
import { priorDecision } from './prior-decision.js';

describe('priorDecision (retrain run again into the same --out)', () => {
  let root: string;
  let trained: string;
  let version: string;
  let caseDir: string;
  let n = 0;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-prior-'));
    trained = join(root, 'trained');
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', trained, '--epochs', '1', '--dim', '8', '--seed', '5', '--workers', '1']), 0);
    version = (await readBundle(trained)).manifest.modelVersion;
  });
  beforeEach(async () => {
    caseDir = join(root, `case-${n++}`);
    await mkdir(caseDir);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const registryOf = async (entries: readonly Partial<RegistryEntry>[], name = 'registry.jsonl'): Promise<string> => {
    const path = join(caseDir, name);
    const t = '2026-01-01T00:00:00.000Z';
    for (const e of entries) {
      await appendRegistryEntry(path, { version, parent: 'serving000000000', bundle: join(caseDir, 'out'), decidedAt: t, dataWindow: { from: t, trainUntil: t, to: t }, metrics: {}, decision: 'promote', reasons: [], ...e });
    }
    return path;
  };
  const outWithBundle = async (): Promise<string> => {
    const out = join(caseDir, 'out');
    await cp(trained, out, { recursive: true });
    return out;
  };

  it('is undefined when --out does not exist: a fresh run', async () => {
    assert.equal(await priorDecision(join(caseDir, 'out'), await registryOf([{}]), 'serving000000000'), undefined);
  });

  it('hands on the newest decision on the bundle at --out, promote or refuse', async () => {
    const out = await outWithBundle();
    const registry = await registryOf([{ version: 'other00000000000' }, { decision: 'refuse', reasons: ['older'] }, { decision: 'promote' }]);
    assert.equal((await priorDecision(out, registry, 'serving000000000'))?.decision, 'promote');
    // A refused one is handed on whatever serves now: it is not rolled out.
    const refused = await registryOf([{ decision: 'promote' }, { decision: 'refuse', reasons: ['worse'] }], 'refused.jsonl');
    assert.deepEqual((await priorDecision(out, refused, 'another000000000'))?.reasons, ['worse']);
  });

  it('hands on a promoted bundle that already serves (the ConfigMap was left at it)', async () => {
    const out = await outWithBundle();
    assert.equal((await priorDecision(out, await registryOf([{}]), version))?.version, version);
  });

  it('refuses a promoted bundle whose parent no longer serves', async () => {
    const out = await outWithBundle();
    await assert.rejects(priorDecision(out, await registryOf([{}]), 'changed000000000'), (err: Error) => /promoted against serving model serving000000000, but --serving is changed000000000 now; remove it \(rm -r /.test(err.message));
  });

  it('refuses a complete bundle the registry has not decided on, or decided on at another path', async () => {
    const out = await outWithBundle();
    await assert.rejects(priorDecision(out, join(caseDir, 'missing.jsonl'), 'serving000000000'), /records no decision on it .*rm -r/);
    await assert.rejects(priorDecision(out, await registryOf([{ bundle: join(root, 'elsewhere') }]), 'serving000000000'), /records no decision on it/);
  });

  it('refuses a damaged --out, naming the file and what to do', async () => {
    const out = await outWithBundle();
    const registry = await registryOf([{}]);
    await truncate(join(out, BUNDLE_FILES.rankNet), 10);
    await assert.rejects(priorDecision(out, registry, 'serving000000000'), (err: Error) => err.message.includes('is no complete bundle') && err.message.includes(BUNDLE_FILES.rankNet) && err.message.includes(`rm -r ${out}`));
    const bare = join(caseDir, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, MANIFEST_FILE), '{"formatVersion":');
    await assert.rejects(priorDecision(bare, registry, 'serving000000000'), /is no complete bundle .*manifest/);
  });
});
