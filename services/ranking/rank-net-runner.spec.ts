import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { InferencePool } from './inference-pool.js';
import { rankNetRunner } from './rank-net-runner.js';
import type { RankRows } from './rank-net-runner.js';
import { float32Bytes } from './float32-bytes.js';
import { startTinyPool, writeTinyModels } from './testing/tiny-serving.js';

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
      assert.equal(scores[k].length, n);
      scores[k].forEach((score, j) => assert.ok(Math.abs(score - want[j]) <= 1e-6, `request ${k} row ${j}: ${score} vs ${want[j]}`));
    }
    await direct.release();
  });
});
