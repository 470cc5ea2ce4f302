import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import type { FeatureSpec } from '../../shared/features/index.js';
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
const ID_TABLE = [0, 0, 1, 0, 2, 0]; // [3 ids, d = 2]
const COLOR_TABLE = [0, 0, 0, 10, 0, 20]; // [3 colors, d = 2]
const BIAS_TABLE = [0.5, 1.5, 2.5]; // [3 ids, 1]

/** A stand-in ItemNet: e_i = idTable[item_id] + colorTable[item_cat_color], b_i = biasTable[item_id]; it ignores item_cont. */
function tinyItemNet(): Uint8Array {
  const { TensorProto } = onnx;
  const table = (name: string, values: number[], dims: number[]): onnx.ITensorProto => ({ name, dims, dataType: TensorProto.DataType.FLOAT, floatData: values });
  const input = (name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny_item_net',
      initializer: [table('id_table', ID_TABLE, [3, 2]), table('color_table', COLOR_TABLE, [3, 2]), table('bias_table', BIAS_TABLE, [3, 1])],
      node: [
        { opType: 'Gather', input: ['id_table', 'item_id'], output: ['from_id'] },
        { opType: 'Gather', input: ['color_table', 'item_cat_color'], output: ['from_color'] },
        { opType: 'Add', input: ['from_id', 'from_color'], output: ['e_i'] },
        { opType: 'Gather', input: ['bias_table', 'item_id'], output: ['b_i'] },
      ],
      input: [input('item_id', TensorProto.DataType.INT32, ['B']), input('item_cat_color', TensorProto.DataType.INT32, ['B'])],
      output: [input('e_i', TensorProto.DataType.FLOAT, ['B', 2]), input('b_i', TensorProto.DataType.FLOAT, ['B', 1])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

describe('ItemEmbedder', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-item-net-'));
    await writeFile(join(dir, 'item_net.onnx'), tinyItemNet());
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
