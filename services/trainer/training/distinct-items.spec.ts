import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { createModel, gatherFeed } from '../model/index.js';
import { zeroGrads } from '../nn/index.js';
import { DistinctItems } from './distinct-items.js';
import { toyTrainingData } from './toy-training-data.js';

describe('DistinctItems', () => {
  const data = toyTrainingData({ seed: 3, items: 20, clusters: 2, examples: 8, dim: 8 });
  const model = createModel(data.shape, 1);
  const d = model.shape.dim;
  // Repeats, first and last rows, and a row seen once.
  const rows = Int32Array.from([4, 0, 4, 19, 7, 0, 4]);
  const fill = (len: number, seed: number): Float32Array => Float32Array.from({ length: len }, (_, i) => Math.sin(seed + i * 0.7));
  const dE = fill(rows.length * d, 1);
  const dB = fill(rows.length, 2);

  /** Every parameter gradient after a backward, by name. */
  const grads = (): Map<string, Float32Array> => new Map([...model.params].map(([name, p]) => [name, Float32Array.from(p.grad)]));

  it('runs ItemNet once per distinct row and gives each occurrence its row', () => {
    const pass = new DistinctItems(model, data.catalog, data.catalogSize).forward(rows, 0, new SeededRandom(1));
    const every = model.item.forward(gatherFeed(data.catalog, rows), rows.length);
    assert.equal(pass.distinct, 4);
    assert.deepEqual(pass.rows.e, every.e);
    assert.deepEqual(pass.rows.b, every.b);
  });

  it('has the gradients of running ItemNet on every occurrence', () => {
    zeroGrads(model.layout, model.buffers);
    const every = model.item.forward(gatherFeed(data.catalog, rows), rows.length);
    model.item.backward(every, dE.slice(), dB.slice());
    const expected = grads();
    assert.ok([...expected].some(([name, g]) => name.startsWith('item.') && g.some((v) => v !== 0)), 'ItemNet got gradients');
    zeroGrads(model.layout, model.buffers);
    const distinct = new DistinctItems(model, data.catalog, data.catalogSize);
    distinct.forward(rows, 0, new SeededRandom(1)).backward(dE.slice(), dB.slice());
    let compared = 0;
    for (const [name, got] of grads()) {
      if (!name.startsWith('item.')) continue;
      const want = expected.get(name)!;
      for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `${name}[${i}]: ${got[i]} vs ${want[i]}`);
      compared += got.length;
    }
    assert.ok(compared > 0);
    // A second step on the same instance finds the same distinct rows (its map was cleared).
    assert.equal(distinct.forward(rows, 0, new SeededRandom(1)).distinct, 4);
  });
});
