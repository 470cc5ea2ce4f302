import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { InferencePool } from '../inference/inference-pool.js';
import { rankNetRunner } from './rank-net-runner.js';
import type { RankRows } from '../wire/rank-request.js';
import { float32Bytes } from '../wire/float32-bytes.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { startTinyPool, writeTinyModels } from '../testing/tiny-serving.js';

const DIM = 6;

function random(length: number): Float32Array {
  return Float32Array.from({ length }, () => Math.random() * 2 - 1);
}

function unaligned(values: Float32Array): Buffer {
  const shifted = Buffer.alloc(values.byteLength + 3);
  float32Bytes(values).copy(shifted, 3);
  return shifted.subarray(3);
}

describe('rankNetRunner', () => {
  const models = writeTinyModels(DIM);
  let pool: InferencePool;
  before(async () => {
    pool = await startTinyPool(models);
  });
  after(async () => {
    await pool.close();
    models.remove();
  });

  it('packs several requests into one batch and splits the scores back per request', async () => {
    const direct = await ort.InferenceSession.create(models.rankNet);
    const requests = [3, 1, 5, 300].map((n) => ({ userEmbedding: random(DIM), userBias: Math.random(), itemEmbeddings: random(n * DIM), itemBiases: random(n) }));
    // The rows travel as the bytes of a received message: one of them at an odd offset, as protobuf leaves them.
    const rows: RankRows[] = requests.map((request, k) => ({
      userEmbedding: float32Bytes(request.userEmbedding),
      userBias: request.userBias,
      itemEmbeddings: k === 1 ? unaligned(request.itemEmbeddings) : float32Bytes(request.itemEmbeddings),
      itemBiases: k === 1 ? unaligned(request.itemBiases) : float32Bytes(request.itemBiases),
    }));
    const runs: number[] = [];
    const scores = await rankNetRunner(pool, DIM, (count) => runs.push(count))(rows, [3, 1, 5, 300]);
    assert.deepEqual(runs, [309]);
    for (const [k, request] of requests.entries()) {
      const n = request.itemBiases.length;
      const eU = new Float32Array(n * DIM);
      for (let r = 0; r < n; r += 1) eU.set(request.userEmbedding, r * DIM);
      const expected = await direct.run({
        e_u: new ort.Tensor('float32', eU, [n, DIM]),
        e_i: new ort.Tensor('float32', request.itemEmbeddings, [n, DIM]),
        b_u: new ort.Tensor('float32', new Float32Array(n).fill(request.userBias), [n, 1]),
        b_i: new ort.Tensor('float32', request.itemBiases, [n, 1]),
      });
      const want = expected.p.data as Float32Array;
      const got = scores[k];
      assert.ok(got instanceof Float32Array);
      assert.equal(got.length, n);
      got.forEach((score, j) => assert.ok(Math.abs(score - want[j]) <= 1e-6, `request ${k} row ${j}: ${score} vs ${want[j]}`));
    }
    await direct.release();
  });

  it('fails alone the request whose candidates hold a NaN or an infinity, naming the field, value and row', async () => {
    const good = (n: number): RankRows => ({ userEmbedding: float32Bytes(random(DIM)), userBias: 0, itemEmbeddings: float32Bytes(random(n * DIM)), itemBiases: float32Bytes(random(n)) });
    const badEmbedding = random(4 * DIM);
    badEmbedding[2 * DIM + 1] = Number.NaN;
    const badBiases = random(2);
    badBiases[1] = Number.NEGATIVE_INFINITY;
    const rows = [good(3), { ...good(4), itemEmbeddings: unaligned(badEmbedding) }, good(2), { ...good(2), itemBiases: float32Bytes(badBiases) }];
    const answers = await rankNetRunner(pool, DIM)(rows, [3, 4, 2, 2]);
    assert.ok(answers[0] instanceof Float32Array && answers[0].length === 3 && answers[0].every(Number.isFinite));
    assert.ok(answers[2] instanceof Float32Array && answers[2].length === 2);
    const [embeddingError, biasError] = [answers[1], answers[3]];
    assert.ok(embeddingError instanceof DlrsError && embeddingError.code === 'INVALID_ARGUMENT' && embeddingError.field === 'item_embeddings');
    assert.match(embeddingError.message, new RegExp(`value ${2 * DIM + 1} \\(row 2\\) is NaN`));
    assert.ok(biasError instanceof DlrsError && biasError.field === 'item_biases' && /value 1 \(row 1\) is -Infinity/.test(biasError.message));
    // The slab is reused: the next batch, all finite, is not taken for a bad one.
    const next = await rankNetRunner(pool, DIM)([good(5)], [5]);
    assert.ok(next[0] instanceof Float32Array);
  });
});
