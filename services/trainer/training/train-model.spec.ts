import assert from 'node:assert/strict';
import { INPUT_NAMES } from '../model/index.js';
import type { Model } from '../model/index.js';
import { GradientWorkerPool } from './gradient-worker-pool.js';
import { topK } from '../eval/top-k.js';
import { LINEAR_LR_FLOOR, resolveTrainConfig } from './train-config.js';
import type { TrainConfig } from './train-config.js';
import { learningRate, trainModel } from './train-model.js';
import type { StepProgress } from './train-model.js';
import { toyTrainingData } from './toy-training-data.js';
import type { ToyArgs } from './toy-training-data.js';

const ARGS: ToyArgs = { seed: 3, items: 120, clusters: 4, examples: 1500, dim: 16 };

/**
 * Share of same-cluster items in the top 10 by e_u·e_i: 0.25 by chance on 4 clusters. With
 * `withoutIds`, every item enters ItemNet with the out-of-vocabulary id, as a new item does.
 */
function clusterPrecision(model: Model, withoutIds = false): number {
  const data = toyTrainingData(ARGS);
  const users = Int32Array.from({ length: 100 }, (_, i) => i);
  const u = model.user.forward(data.userFeed(users), users.length);
  const catalog = withoutIds ? { ...data.catalog, [INPUT_NAMES.itemId]: { type: 'int32' as const, data: new Int32Array(data.catalogSize), dims: [data.catalogSize] } } : data.catalog;
  const it = model.item.forward(catalog, data.catalogSize);
  const d = ARGS.dim;
  let hits = 0;
  for (let r = 0; r < users.length; r++) {
    const scores = new Float32Array(data.catalogSize);
    for (let j = 0; j < data.catalogSize; j++) for (let c = 0; c < d; c++) scores[j] += u.e[r * d + c] * it.e[j * d + c];
    for (const j of topK(scores, 10)) if (data.itemCluster[j] === data.userCluster[r]) hits++;
  }
  return hits / (users.length * 10);
}

async function train(config: Partial<TrainConfig>): Promise<Model> {
  const c = resolveTrainConfig({ epochs: 4, batch: 128, sampledCandidates: 32, ...config });
  const factory = { module: new URL('./toy-training-data.ts', import.meta.url).href, exportName: 'toyTrainingData', args: ARGS };
  const out = await trainModel({
    data: toyTrainingData(ARGS),
    config: c,
    parallel: { create: (model) => GradientWorkerPool.start(model, c.workers, factory, c) },
  });
  return out.model;
}

describe('trainModel on a toy clustered problem', () => {
  for (const objective of ['softmax', 'thesis'] as const) {
    it(`${objective}: retrieval by e_u·e_i finds the user's cluster`, async () => {
      const precision = clusterPrecision(await train({ objective, workers: 1 }));
      assert.ok(precision > 0.6, `cluster precision@10 ${precision}`);
    });
  }

  it('linear schedule (the default) falls from the full rate to the floor; the constant rate learns too', async () => {
    const config = resolveTrainConfig({ lr: 0.02, epochs: 4 });
    assert.equal(learningRate(config, 1, 10), 0.02);
    assert.ok(Math.abs(learningRate(config, 41, 10) - 0.02 * LINEAR_LR_FLOOR) < 1e-12, 'the floor after the last step');
    assert.ok(learningRate(config, 21, 10) < learningRate(config, 20, 10), 'decreasing');
    assert.equal(learningRate(resolveTrainConfig({ lr: 0.02, lrSchedule: 'constant' }), 500, 10), 0.02, 'constant stays');
    assert.ok(clusterPrecision(await train({ objective: 'softmax', workers: 1, lrSchedule: 'constant' })) > 0.6);
  });

  it('with item-id dropout (an option, off by default) ItemNet still learns, and places items from their features alone (every id out of vocabulary)', async () => {
    assert.throws(() => resolveTrainConfig({ itemIdDropout: 1.5 }), /itemIdDropout/);
    const model = await train({ objective: 'softmax', workers: 1, itemIdDropout: 0.5 });
    assert.ok(clusterPrecision(model, true) > 0.6, `cluster precision@10 without ids ${clusterPrecision(model, true)}`);
    assert.ok(clusterPrecision(model) > 0.6, 'and with them');
    const featuresOnly = await train({ objective: 'softmax', workers: 1, itemIdDropout: 1 });
    assert.ok(clusterPrecision(featuresOnly, true) > 0.6, `rate 1 (features alone): ${clusterPrecision(featuresOnly, true)}`);
  });

  it('reports progress after every step, reaching the end of each epoch', async () => {
    const data = toyTrainingData(ARGS);
    const config = resolveTrainConfig({ epochs: 2, batch: 256, sampledCandidates: 32, workers: 1 });
    const seen: StepProgress[] = [];
    await trainModel({ data, config, progress: (p) => seen.push(p) });
    const steps = Math.ceil(data.exampleCount / 256);
    assert.equal(seen.length, 2 * steps);
    assert.deepEqual(
      seen.filter((p) => p.examples === p.epochExamples).map((p) => p.epoch),
      [1, 2],
    );
    assert.ok(seen.every((p) => p.epochs === 2 && p.epochExamples === data.exampleCount && Number.isFinite(p.loss) && p.loss > 0));
  });

  it('two threads (worker_threads, shared weights) learn too and repeat exactly for a seed', async () => {
    const a = await train({ objective: 'softmax', workers: 2, fullSoftmax: true });
    const b = await train({ objective: 'softmax', workers: 2, fullSoftmax: true });
    assert.ok(clusterPrecision(a) > 0.6);
    assert.deepEqual(a.buffers.values, b.buffers.values);
  });
});
