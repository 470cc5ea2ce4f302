import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureSpec } from '../features/index.js';
import { standInItemNet } from '../../test/fixtures/stand-in-item-net.js';
import { ItemEmbedder } from './item-embedder.js';

const SPEC: FeatureSpec = {
  features: [
    { name: 'color', kind: 'categorical', vocabulary: ['<oov>', 'red', 'blue'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
  ],
  itemIds: ['<oov>', 'a', 'b'],
  bagLength: 1,
  eventWeights: {},
};
/** e_i = idTable[item_id] + colorTable[item_cat_color], b_i = biasTable[item_id]; item_cont is not an input. */
const WEIGHTS = { dim: 2, idTable: [0, 0, 1, 0, 2, 0], categoricalTables: { color: [0, 0, 0, 10, 0, 20] }, biases: [0.5, 1.5, 2.5] };

describe('ItemEmbedder', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-item-net-'));
    await writeFile(join(dir, 'item_net.onnx'), standInItemNet(SPEC, WEIGHTS));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('embeds raw items through the feature encoder and ONNX Runtime, in batches', async () => {
    const embedder = await ItemEmbedder.load(join(dir, 'item_net.onnx'), SPEC, 2, { batchRows: 2 });
    const { embeddings, biases } = await embedder.embed([
      { id: 'a', features: { color: 'red', year: 1990 } },
      { id: 'b', features: { color: 'blue' } },
      { id: 'new', features: { color: 'red' } },
    ]);
    assert.deepEqual(Array.from(embeddings), [1, 10, 2, 20, 0, 10]);
    assert.deepEqual(Array.from(biases), [1.5, 2.5, 0.5]);
    assert.deepEqual(await embedder.embed([]), { embeddings: new Float32Array(0), biases: new Float32Array(0) });
    await embedder.release();
    await embedder.release();
  });

  it('refuses a model whose embedding width differs from the manifest', async () => {
    const embedder = await ItemEmbedder.load(join(dir, 'item_net.onnx'), SPEC, 3);
    await assert.rejects(embedder.embed([{ id: 'a', features: {} }]), /expected \[1, 3\]/);
    await embedder.release();
  });
});
