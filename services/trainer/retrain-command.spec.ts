import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FILES, MANIFEST_FILE, readBundle } from '../../shared/bundle/index.js';
import { catalogItem } from '../../shared/features/index.js';
import { InteractionLogWriter } from '../../shared/interaction-log/index.js';
import { loadDataset } from './datasets/index.js';
import { EXIT_REFUSED, runRetrain } from './retrain-command.js';
import { readRegistry } from './retrain/model-registry.js';
import { runTrain } from './train-command.js';

describe('dlrs retrain', () => {
  let root: string;
  let serving: string;
  let log: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-retrain-'));
    serving = join(root, 'serving');
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', serving, '--epochs', '1', '--dim', '8', '--seed', '3', '--workers', '1']), 0);
    // The gateway's log of the same interactions.
    const source = await loadDataset('synthetic:tiny');
    const i = source.interactions;
    log = join(root, 'log');
    const writer = await InteractionLogWriter.open({ dir: log, writerId: 'gw-a' });
    for (let k = 0; k < i.user.length; k++) {
      assert.ok(writer.append({ type: 'interaction', userId: i.userIds[i.user[k]], itemId: source.items.ids[i.item[k]], eventType: i.eventTypes[i.eventType[k]], timestamp: i.timestamp[k] }));
    }
    await writer.close();
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the candidate, compares it with the serving model and appends the decision', async () => {
    const out = join(root, 'candidate');
    const code = await runRetrain(['--log', log, '--serving', serving, '--out', out, '--epochs', '2', '--workers', '1']);
    assert.ok(code === 0 || code === EXIT_REFUSED, `exit code ${code}`);
    const [entry] = await readRegistry(join(root, 'registry.jsonl'));
    const [candidate, parent] = await Promise.all([readBundle(out), readBundle(serving)]);
    assert.equal(entry.version, candidate.manifest.modelVersion);
    assert.equal(entry.parent, parent.manifest.modelVersion);
    assert.equal(entry.decision, code === 0 ? 'promote' : 'refuse');
    assert.ok(entry.dataWindow.from <= entry.dataWindow.trainUntil && entry.dataWindow.trainUntil <= entry.dataWindow.to);
    assert.equal(entry.warmStart, true, 'started from the serving weights');
    assert.ok((entry.holdout?.organic ?? 0) > 0 && entry.holdout?.exposed === 0, 'a log without impressions keeps every held-out event');
    assert.deepEqual(candidate.manifest.featureSpec.itemIds.slice(0, parent.manifest.featureSpec.itemIds.length), parent.manifest.featureSpec.itemIds, 'every serving item keeps its row');
    for (const m of ['map@10', 'recall@100']) {
      const v = entry.metrics[m];
      assert.ok(v.low <= v.relative && v.relative <= v.high, `${m} CI brackets the difference`);
      assert.ok(v.serving > 0, `${m}: the serving model ranks hold-out items`);
    }
  });

  it("trains on the catalog the log's item changes leave: an upserted item gets a fresh row, a deleted one leaves", async () => {
    const source = await loadDataset('synthetic:tiny');
    const i = source.interactions;
    const changed = join(root, 'changed-log');
    const writer = await InteractionLogWriter.open({ dir: changed, writerId: 'gw-a' });
    const deleted = source.items.ids[1];
    assert.ok(writer.append({ type: 'item-upsert', itemId: 'upserted-1', title: 'Upserted', features: catalogItem(source.items, 0).features, timestamp: i.timestamp[0] }));
    assert.ok(writer.append({ type: 'item-delete', itemId: deleted, timestamp: i.timestamp[0] }));
    for (let k = 0; k < i.user.length; k++) {
      const event = { type: 'interaction' as const, userId: i.userIds[i.user[k]], eventType: i.eventTypes[i.eventType[k]], timestamp: i.timestamp[k] };
      assert.ok(writer.append({ ...event, itemId: source.items.ids[i.item[k]] }));
      if (k % 20 === 0) assert.ok(writer.append({ ...event, itemId: 'upserted-1' }));
    }
    await writer.close();
    const out = join(root, 'changed');
    const code = await runRetrain(['--log', changed, '--serving', serving, '--out', out, '--registry', join(root, 'changed.jsonl'), '--epochs', '1', '--workers', '1']);
    assert.ok(code === 0 || code === EXIT_REFUSED, `exit code ${code}`);
    const [candidate, parent] = await Promise.all([readBundle(out), readBundle(serving)]);
    const ids = candidate.items.map((item) => item.id);
    assert.ok(ids.includes('upserted-1') && !ids.includes(deleted));
    assert.equal(ids.length, parent.items.length);
    const spec = candidate.manifest.featureSpec.itemIds;
    assert.ok(!parent.manifest.featureSpec.itemIds.includes('upserted-1') && spec.includes('upserted-1'), 'the upserted item has a row of its own');
  });

  it('refuses a candidate the rule cannot accept and records why', async () => {
    const registry = join(root, 'strict.jsonl');
    const code = await runRetrain(['--log', log, '--serving', serving, '--out', join(root, 'strict'), '--registry', registry, '--epochs', '1', '--workers', '1', '--min-relative-mean', '100']);
    assert.equal(code, EXIT_REFUSED);
    const [entry] = await readRegistry(registry);
    assert.equal(entry.decision, 'refuse');
    assert.ok(entry.reasons.some((r) => r.startsWith('map@10: candidate mean')));
  });
  it('run again into the same --out (a retried Job), hands on its decision without training or a second registry line; refuses a damaged --out', async () => {
    const runs = join(root, 'runs');
    const registry = join(runs, 'registry.jsonl');
    const out = join(runs, 'job-1');
    const args = ['--log', log, '--serving', serving, '--out', out, '--registry', registry, '--epochs', '1', '--workers', '1', '--min-relative-mean=-1', '--min-ci-low=-2', '--keep-bundles', '2'];
    assert.equal(await runRetrain(args), 0, 'a rule every candidate meets promotes');
    const manifest = await readFile(join(out, MANIFEST_FILE), 'utf8');
    assert.equal(await runRetrain(args), 0, 'the promoted bundle is handed on to the rollout step');
    assert.equal(await readFile(join(out, MANIFEST_FILE), 'utf8'), manifest, 'not written again');
    assert.equal((await readRegistry(registry)).length, 1, 'not decided again');
    // Later runs: the bundles of older decisions go, the newest two promoted ones and the serving one stay.
    for (const job of ['job-2', 'job-3']) assert.equal(await runRetrain([...args.slice(0, 5), join(runs, job), ...args.slice(6)]), 0);
    assert.deepEqual((await readdir(runs)).sort(), ['job-2', 'job-3', 'registry.jsonl']);
    assert.equal(await runRetrain(['--log', log, '--serving', serving, '--out', out, '--keep-bundles', '1']), 2, 'dlrs rollback needs two promoted bundles');
    await truncate(join(runs, 'job-3', BUNDLE_FILES.items), 3);
    assert.equal(await runRetrain([...args.slice(0, 5), join(runs, 'job-3'), ...args.slice(6)]), 1, 'a damaged --out is refused');
    assert.equal((await readRegistry(registry)).length, 3);
  });
});
