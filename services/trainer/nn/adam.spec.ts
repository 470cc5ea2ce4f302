import assert from 'node:assert/strict';
import { Adam, ADAM_DEFAULTS } from './adam.js';
import { allocateBuffers, bindParams, LayoutBuilder } from './param.js';

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

  it('updates touched rows on either side of a table boundary inside a word of flags', () => {
    const b = new LayoutBuilder();
    b.add('a', 3, 1, true);
    b.add('b', 6, 1, true);
    const layout = b.layout();
    const buf = allocateBuffers(layout, false);
    const p = bindParams(layout, buf);
    // Flag rows 3 (b's first, mid-word) and 8 (b's last, a word of its own).
    for (const r of [0, 5]) {
      p.get('b')!.grad[r] = 1;
      p.get('b')!.touched![r] = 1;
    }
    p.get('a')!.grad[2] = 1;
    p.get('a')!.touched![2] = 1;
    new Adam(layout, { lr: 0.1, ...ADAM_DEFAULTS }).apply(buf);
    assert.deepEqual(Array.from(buf.values).map((v) => Math.round(v * 1000) / 1000), [0, 0, -0.1, -0.1, 0, 0, 0, 0, -0.1]);
    assert.ok(buf.touched.every((v) => v === 0));
  });

  it('merges the other threads’ gradients; two shards give the bits of one whole update and clear every source', () => {
    const b = new LayoutBuilder();
    b.add('t', 5, 2, true);
    b.add('w', 1, 3);
    const layout = b.layout();
    const make = (): ReturnType<typeof allocateBuffers>[] => {
      const bufs = [allocateBuffers(layout, true), allocateBuffers(layout, true)];
      bufs.forEach((buf, k) => {
        const p = bindParams(layout, buf);
        p.get('w')!.grad.set([1 + k, -2, 0.3 * k]);
        p.get('t')!.grad.set([0.5 + k, -0.25], 2 * (k + 1));
        p.get('t')!.touched![k + 1] = 1;
      });
      return bufs;
    };
    const [whole, wholeSrc] = make();
    new Adam(layout, { lr: 0.1, ...ADAM_DEFAULTS }).apply(whole, 0.1, [wholeSrc]);
    const [sharded, shardedSrc] = make();
    for (const shard of [0, 1]) new Adam(layout, { lr: 0.1, ...ADAM_DEFAULTS }).apply(sharded, 0.1, [shardedSrc], shard, 2);
    assert.deepEqual(sharded.values, whole.values);
    assert.ok(whole.values.some((v) => v !== 0), 'something moved');
    for (const buf of [whole, wholeSrc, sharded, shardedSrc]) assert.ok(buf.grads.every((v) => v === 0) && buf.touched.every((v) => v === 0), 'gradients cleared');
  });
});
