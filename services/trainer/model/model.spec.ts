import assert from 'node:assert/strict';
import { bceWithLogits, maxGradientError, zeroGrads } from '../nn/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { createModel } from './model.js';
import { itemInputWidths, userInputWidths } from './model-shape.js';
import type { ModelShape } from './model-shape.js';
import { randomFeed } from './random-feed.js';
import { decayBag, recentBag } from './user-net.js';

const SHAPE: ModelShape = {
  itemIdCount: 9,
  features: [
    { name: 'genre', kind: 'multi', size: 5 },
    { name: 'decade', kind: 'categorical', size: 4 },
  ],
  continuousCount: 2,
  bagLength: 3,
  dim: 8,
};

/** RankNet's output layer starts at zero; give it weights so the tower's gradients and dropout show. */
function withRankOutput(model: ReturnType<typeof createModel>, rng: SeededRandom): ReturnType<typeof createModel> {
  const w = model.params.get('rank.out.w')!.value;
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * 0.5;
  return model;
}

describe('model: UserNet, ItemNet, RankNet', () => {
  for (const [label, shape] of [['', SHAPE], [' (bag recency decay)', { ...SHAPE, bagHalfLife: 2 }], [' (feature layers 3x wider)', { ...SHAPE, featureWidthScale: 3 }], [' (second bag of the 2 most recent items)', { ...SHAPE, bagHalfLife: 2, recentBagLength: 2 }], [' (second bag on the first bag\'s table)', { ...SHAPE, bagHalfLife: 2, recentBagLength: 2, recentBagShared: true }]] as const) {
    it(`the joint BCE loss has the numerical gradient for every parameter${label}`, () => {
      const rng = new SeededRandom(2);
      const model = withRankOutput(createModel(shape, 1), rng);
      const m = 4;
      const userFeed = randomFeed(shape, userInputWidths(shape), m, rng);
      const itemFeed = randomFeed(shape, itemInputWidths(shape), m, rng);
      const y = Float32Array.from([1, 0, 1, 0]);
      const loss = (): number => {
        const u = model.user.forward(userFeed, m);
        const it = model.item.forward(itemFeed, m);
        const r = model.rank.forward(u.e, it.e, u.b, it.b, m, null);
        return bceWithLogits(r.logit, y, 1 / m).loss;
      };
      zeroGrads(model.layout, model.buffers);
      const u = model.user.forward(userFeed, m);
      const it = model.item.forward(itemFeed, m);
      const r = model.rank.forward(u.e, it.e, u.b, it.b, m, null);
      const g = model.rank.backward(r, bceWithLogits(r.logit, y, 1 / m).grad);
      model.user.backward(u, g.deu, g.dbias);
      model.item.backward(it, g.dei, g.dbias);
      for (const [name, p] of model.params) {
        const err = maxGradientError(p.value, p.grad, loss);
        assert.ok(err < 2e-2, `${name}: relative gradient error ${err}`);
      }
    });
  }

  it('featureWidthScale multiplies the width of every feature layer of both towers', () => {
    const base = createModel(SHAPE, 1).params;
    const wide = createModel({ ...SHAPE, featureWidthScale: 3 }, 1).params;
    for (const name of ['item.cat.decade', 'item.multi.genre.b', 'user.dist.genre.b', 'item.cont.b', 'user.cont.b']) {
      assert.equal(wide.get(name)!.value.length, 3 * base.get(name)!.value.length, name);
    }
  });

  it('the second bag keeps the first n positions of each row, its weights renormalised, an empty row at 0', () => {
    const ids = Int32Array.from([4, 7, 2, 5, 0, 0]);
    const weights = Float32Array.from([0.25, 0.25, 0.5, 0, 0, 0]);
    const { ids: first, weights: w, n } = recentBag(ids, weights, 3, 2);
    assert.equal(n, 2);
    assert.deepEqual(Array.from(first), [4, 7, 5, 0]);
    assert.deepEqual(Array.from(w), [0.5, 0.5, 0, 0]);
  });

  it('a second bag adds its own table (none when shared) and widens the user projection by d', () => {
    const base = createModel(SHAPE, 1).params;
    const withRecent = createModel({ ...SHAPE, recentBagLength: 2 }, 1).params;
    assert.equal(base.has('user.recent'), false);
    assert.equal(withRecent.get('user.recent')!.value.length, SHAPE.itemIdCount * SHAPE.dim);
    assert.equal(withRecent.get('user.proj.w')!.value.length, base.get('user.proj.w')!.value.length + SHAPE.dim * SHAPE.dim);
    const shared = createModel({ ...SHAPE, recentBagLength: 2, recentBagShared: true }, 1).params;
    assert.equal(shared.has('user.recent'), false, 'a shared second bag reads user.bag');
    assert.equal(shared.get('user.proj.w')!.value.length, withRecent.get('user.proj.w')!.value.length);
  });

  it('the bag recency decay halves the weight per half-life and renormalises each row', () => {
    const w = Float32Array.from([0.5, 0.5, 0, 0, 0, 0]);
    assert.equal(decayBag(w, 3, 0), w);
    assert.deepEqual(Array.from(decayBag(w, 3, 1), (x) => Math.round(x * 1e6) / 1e6), [0.666667, 0.333333, 0, 0, 0, 0]);
  });

  it('dropout in RankNet changes the training logit but not inference', () => {
    const rng = new SeededRandom(4);
    const model = withRankOutput(createModel(SHAPE, 3), rng);
    const m = 16;
    const u = model.user.forward(randomFeed(SHAPE, userInputWidths(SHAPE), m, rng), m);
    const it = model.item.forward(randomFeed(SHAPE, itemInputWidths(SHAPE), m, rng), m);
    const a = model.rank.forward(u.e, it.e, u.b, it.b, m, null).logit;
    const b = model.rank.forward(u.e, it.e, u.b, it.b, m, null).logit;
    const c = model.rank.forward(u.e, it.e, u.b, it.b, m, { rate: 0.5, rng }).logit;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
});
