import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { WireTensorMap } from '../inference/inference-messages.js';
import type { InferencePool } from '../inference/inference-pool.js';
import { startTinyPool, tinyUserEncoder, writeTinyModels } from '../testing/tiny-serving.js';
import { tensorUserRows, userNetRunner } from './user-net-runner.js';
import type { UserEmbeddings } from './user-net-runner.js';

const DIM = 4;

function userFeeds(rows: number, seed: number): WireTensorMap {
  return {
    user_dist_genre: { type: 'float32', dims: [rows, 5], data: Float32Array.from({ length: rows * 5 }, (_, k) => ((k + seed) % 5) / 10) },
    user_bag_ids: { type: 'int32', dims: [rows, 3], data: Int32Array.from({ length: rows * 3 }, (_, k) => (k * 7 + seed) % 11) },
    user_bag_weights: { type: 'float32', dims: [rows, 3], data: Float32Array.from({ length: rows * 3 }, () => 1 / 3) },
  };
}

function toOrt(feeds: WireTensorMap): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
}

function assertClose(actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, k) => assert.ok(Math.abs(value - expected[k]) <= 1e-6, `value ${k}: ${value} vs ${expected[k]}`));
}

describe('userNetRunner', () => {
  const models = writeTinyModels(DIM);
  let pool: InferencePool;
  before(async () => {
    pool = await startTinyPool(models);
  });
  after(async () => {
    await pool.close();
    models.remove();
  });

  it('writes the requests\' UserNet inputs into one batch and splits e_u and b_u back', async () => {
    const direct = await ort.InferenceSession.create(models.userNet);
    const expected = await Promise.all([userFeeds(2, 1), userFeeds(1, 4)].map((feeds) => direct.run(toOrt(feeds))));
    const results = await userNetRunner(pool, DIM, tinyUserEncoder)([tensorUserRows(userFeeds(2, 1)), tensorUserRows(userFeeds(1, 4))], [2, 1]);
    results.forEach((result, k) => {
      assert.ok(!(result instanceof Error));
      assertClose(result.embeddings, expected[k].e_u.data as Float32Array);
      assertClose(result.biases, expected[k].b_u.data as Float32Array);
    });
    assert.equal((results[0] as UserEmbeddings).embeddings.length, 2 * DIM);
    await direct.release();
  });
});
