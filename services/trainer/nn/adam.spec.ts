import assert from 'node:assert/strict';
import { Adam, ADAM_DEFAULTS } from './adam.js';
import { allocateBuffers, bindParams, LayoutBuilder, moveGrads, zeroGrads } from './param.js';

describe('Adam with lazy table rows', () => {
  it('updates dense params and only the touched rows of a table', () => {
    const b = new LayoutBuilder();
    b.add('table', 4, 2, true);
    b.add('w', 1, 3);
    const layout = b.layout();
    assert.equal(layout.params[0].name, 'w', 'dense params come first');
    const buf = allocateBuffers(layout, false);
    const p = bindParams(layout, buf);
    p.get('w')!.grad.set([1, -1, 0]);
    p.get('table')!.grad.set([0.5, 0.5], 2);
    p.get('table')!.touched![1] = 1;
    new Adam(layout, { lr: 0.1, ...ADAM_DEFAULTS }).apply(buf);
    // First Adam step moves each coordinate with a non-zero gradient by lr against its sign.
    assert.deepEqual(Array.from(p.get('w')!.value).map((v) => Math.round(v * 1000) / 1000), [-0.1, 0.1, 0]);
    assert.deepEqual(Array.from(p.get('table')!.value).map((v) => Math.round(v * 1000) / 1000), [0, 0, -0.1, -0.1, 0, 0, 0, 0]);
  });

  it('moveGrads merges touched rows and clears the source; zeroGrads clears them', () => {
    const b = new LayoutBuilder();
    b.add('t', 3, 2, true);
    b.add('w', 1, 2);
    const layout = b.layout();
    const x = allocateBuffers(layout, true);
    const y = allocateBuffers(layout, true);
    const px = bindParams(layout, x);
    const py = bindParams(layout, y);
    px.get('w')!.grad.set([1, 2]);
    py.get('w')!.grad.set([3, 4]);
    py.get('t')!.grad.set([5, 6], 4);
    py.get('t')!.touched![2] = 1;
    moveGrads(layout, x, y);
    assert.deepEqual(Array.from(px.get('w')!.grad), [4, 6]);
    assert.deepEqual(Array.from(px.get('t')!.grad), [0, 0, 0, 0, 5, 6]);
    assert.equal(px.get('t')!.touched![2], 1);
    assert.ok(y.grads.every((v) => v === 0) && y.touched.every((v) => v === 0), 'the source is left zeroed');
    zeroGrads(layout, x);
    assert.ok(x.grads.every((v) => v === 0));
    assert.ok(x.touched.every((v) => v === 0));
  });
});
