import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readBundle } from '../../shared/bundle/index.js';
import { InteractionLogWriter } from '../../shared/interaction-log/index.js';
import { loadDataset } from './datasets/index.js';
import { runTrain } from './train-command.js';

describe('dlrs train', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-train-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const args = (out: string): string[] => ['--data', 'synthetic:tiny', '--out', out, '--epochs', '2', '--dim', '16', '--seed', '7', '--workers', '2'];

  it('writes a bundle onnxruntime loads; the same seed gives the same model_version', async () => {
    assert.equal(await runTrain(args(join(root, 'a'))), 0);
    assert.equal(await runTrain(args(join(root, 'b'))), 0);
    const a = await readBundle(join(root, 'a'));
    const b = await readBundle(join(root, 'b'));
    assert.equal(a.manifest.modelVersion, b.manifest.modelVersion);
    assert.equal(a.manifest.dim, 16);
    assert.equal(a.items.length, 300);
    for (const bytes of [a.userNet, a.itemNet, a.rankNet]) {
      const session = await ort.InferenceSession.create(bytes);
      assert.ok(session.outputNames.length > 0);
      await session.release();
    }
  });

  it("writes probes.json: anonymous users of catalog items, each answered by the bundle's own networks", async () => {
    const { probes, items } = await readBundle(join(root, 'a'));
    assert.ok(probes !== undefined);
    assert.equal(probes.probes.length, 8);
    const catalog = new Set(items.map((item) => item.id));
    for (const probe of probes.probes) {
      assert.equal(probe.answer.length, probes.k);
      const own = new Set(probe.interactions.map((e) => e.itemId));
      for (const id of own) assert.ok(catalog.has(id));
      for (const [i, item] of probe.answer.entries()) {
        assert.ok(catalog.has(item.itemId) && !own.has(item.itemId), `${item.itemId}: a catalog item the user has not interacted with`);
        assert.ok(item.score >= 0 && item.score <= 1, 'p');
        if (i > 0) assert.ok(item.score <= probe.answer[i - 1].score, 'best first');
      }
    }
    // Other weights, other answers: the reference tells two models apart.
    const c = join(root, 'c');
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', c, '--epochs', '2', '--dim', '16', '--seed', '8', '--workers', '2']), 0);
    const other = (await readBundle(c)).probes;
    assert.deepEqual(other?.probes.map((p) => p.interactions), probes.probes.map((p) => p.interactions), 'the same requests');
    assert.notDeepEqual(other?.probes.map((p) => p.answer), probes.probes.map((p) => p.answer));
  });

  it('--refit retrains on all train events and bundles that model', async () => {
    const out = join(root, 'refit');
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', out, '--epochs', '1', '--dim', '8', '--workers', '1', '--refit']), 0);
    const bundle = await readBundle(out);
    assert.equal(bundle.manifest.training.refit, true);
    // The refit's vocabulary covers the validation period's items too.
    const plain = await readBundle(join(root, 'a'));
    assert.ok(bundle.manifest.featureSpec.itemIds.length >= plain.manifest.featureSpec.itemIds.length);
  });

  it('--data log:DIR trains from the gateway interaction log with the items of a bundle', async () => {
    const source = await loadDataset('synthetic:tiny');
    const log = join(root, 'log');
    const writer = await InteractionLogWriter.open({ dir: log, writerId: 'gw' });
    const i = source.interactions;
    for (let k = 0; k < i.user.length; k++) {
      writer.append({ type: 'interaction', userId: i.userIds[i.user[k]], itemId: source.items.ids[i.item[k]], eventType: 'view', timestamp: i.timestamp[k] });
    }
    await writer.close();
    const out = join(root, 'from-log');
    assert.equal(await runTrain(['--data', `log:${log}`, '--items', join(root, 'a'), '--out', out, '--epochs', '1', '--dim', '8', '--workers', '2']), 0);
    const bundle = await readBundle(out);
    assert.equal(bundle.items.length, 300, 'the catalog is the items source');
    assert.equal(bundle.manifest.dataset, `log:${log} --items ${join(root, 'a')}`);
    assert.equal(await runTrain(['--data', `log:${log}`, '--out', join(root, 'no-items')]), 1, 'log data without --items fails');
  });

  it('rejects bad options with exit code 2', async () => {
    assert.equal(await runTrain(['--data', 'synthetic:tiny']), 2);
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', join(root, 'x'), '--objective', 'nope']), 2);
    assert.equal(await runTrain(['--bogus']), 2);
  });
});
