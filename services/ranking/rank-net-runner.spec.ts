import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { InferencePool } from './inference-pool.js';
import { rankNetRunner } from './rank-net-runner.js';
import type { RankRows } from './rank-net-runner.js';
import { startTinyPool, writeTinyModels } from './testing/tiny-serving.js';

const DIM = 6;

function random(length: number): Float32Array {
  return Float32Array.from({ length }, () => Math.random() * 2 - 1);
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
    const requests: RankRows[] = [3, 1, 5].map((n) => ({ userEmbedding: random(DIM), userBias: Math.random(), itemEmbeddings: random(n * DIM), itemBiases: random(n) }));
    const runs: number[] = [];
    const scores = await rankNetRunner(pool, DIM, (rows) => runs.push(rows))(requests, [3, 1, 5]);
    assert.deepEqual(runs, [9]);
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
