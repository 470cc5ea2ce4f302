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
