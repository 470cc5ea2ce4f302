import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle } from '../../shared/bundle/index.js';
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

  it('refuses a candidate the rule cannot accept and records why', async () => {
    const registry = join(root, 'strict.jsonl');
    const code = await runRetrain(['--log', log, '--serving', serving, '--out', join(root, 'strict'), '--registry', registry, '--epochs', '1', '--workers', '1', '--min-relative-mean', '100']);
    assert.equal(code, EXIT_REFUSED);
    const [entry] = await readRegistry(registry);
    assert.equal(entry.decision, 'refuse');
    assert.ok(entry.reasons.some((r) => r.startsWith('map@10: candidate mean')));
  });
});
