import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { createModel, itemInputWidths, randomFeed, userInputWidths } from '../model/index.js';
import type { TensorMap } from '../../../shared/features/index.js';
import type { ModelShape } from '../model/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { exportNetworks } from './export-networks.js';

/** The parity bar of the model contract: ONNX Runtime equals the trainer's forward pass within 1e-5. */
const PARITY_TOLERANCE = 1e-5;

const SHAPE: ModelShape = {
  itemIdCount: 50,
  features: [
    { name: 'genres', kind: 'multi', size: 12 },
    { name: 'year', kind: 'categorical', size: 30 },
  ],
  continuousCount: 2,
  bagLength: 7,
  dim: 16,
};

function toOrt(feed: TensorMap): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feed)) out[name] = t.type === 'int32' ? new ort.Tensor('int32', t.data, t.dims) : new ort.Tensor('float32', t.data, t.dims);
  return out;
}

function assertClose(actual: ort.Tensor | undefined, expected: Float32Array, what: string): void {
  assert.ok(actual !== undefined, `${what} missing`);
  const a = actual.data as Float32Array;
  assert.equal(a.length, expected.length, `${what} length`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected[i]));
  assert.ok(worst <= PARITY_TOLERANCE, `${what}: max |ort - trainer| = ${worst}`);
}

describe('ONNX export: parity with the trainer forward pass (onnxruntime-node, CPU)', () => {
  // Without and with UserNet's bag recency decay and its second bag over the most recent items (parts of the exported graph).
  for (const [label, shape] of [['', SHAPE], [', bag decay', { ...SHAPE, bagHalfLife: 3 }], [', bag decay and a second bag of 3', { ...SHAPE, bagHalfLife: 3, recentBagLength: 3 }], [', a second bag on the first bag\'s table', { ...SHAPE, recentBagLength: 2, recentBagShared: true }]] as const) {
    const model = createModel(shape, 11);
    const rng = new SeededRandom(5);
    // Random weights everywhere (RankNet's output layer starts at zero) so every path is compared.
    for (let i = 0; i < model.buffers.values.length; i++) model.buffers.values[i] = rng.normal() * 0.3;
    const nets = exportNetworks(model);
    // Batch sizes 1 and 37 check the dynamic batch dimension.
    for (const m of [1, 37]) {
      it(`UserNet, ItemNet and RankNet agree within 1e-5 (batch ${m}${label})`, async () => {
        const userFeed = randomFeed(shape, userInputWidths(shape), m, rng);
        // Row 0 is an empty profile (no bag entries): both graphs must keep its bags at zero.
        (userFeed.user_bag_weights.data as Float32Array).fill(0, 0, shape.bagLength);
        const itemFeed = randomFeed(shape, itemInputWidths(shape), m, rng);
        const u = model.user.forward(userFeed, m);
        const it = model.item.forward(itemFeed, m);
        const r = model.rank.forward(u.e, it.e, u.b, it.b, m, null);

        const userSession = await ort.InferenceSession.create(nets.userNet);
        const uo = await userSession.run(toOrt(userFeed));
        assertClose(uo.e_u, u.e, 'e_u');
        assertClose(uo.b_u, u.b, 'b_u');

        const itemSession = await ort.InferenceSession.create(nets.itemNet);
        const io = await itemSession.run(toOrt(itemFeed));
        assertClose(io.e_i, it.e, 'e_i');
        assertClose(io.b_i, it.b, 'b_i');

        const rankSession = await ort.InferenceSession.create(nets.rankNet);
        const ro = await rankSession.run({
          e_u: new ort.Tensor('float32', u.e, [m, SHAPE.dim]),
          e_i: new ort.Tensor('float32', it.e, [m, SHAPE.dim]),
          b_u: new ort.Tensor('float32', u.b, [m, 1]),
          b_i: new ort.Tensor('float32', it.b, [m, 1]),
        });
        const p = r.logit.map((z) => 1 / (1 + Math.exp(-z)));
        assertClose(ro.p, p, 'p');
        await Promise.all([userSession.release(), itemSession.release(), rankSession.release()]);
      });
    }
  }
});
