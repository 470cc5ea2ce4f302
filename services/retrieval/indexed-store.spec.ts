import assert from 'node:assert/strict';
import { IndexedStore } from './indexed-store.js';

describe('IndexedStore', () => {
  it('yields to the event loop during a large upsert, consistent at every turn', async () => {
    const dim = 4;
    const shard = IndexedStore.create([], { dim, connectivity: 8, expansionAdd: 16, expansionSearch: 16, quantization: 'f32', addThreads: 1 }, 'v1');
    const count = 500;
    const items = Array.from({ length: count }, (_, i) => ({ id: `i${i}`, features: {} }));
    const embeddings = Float32Array.from({ length: count * dim }, (_, i) => Math.sin(i));
    const seen: number[] = [];
    const probe = setInterval(() => {
      seen.push(shard.store.size);
      assert.equal(shard.index.size, shard.store.size, 'store and index agree between turns');
      const [hits] = shard.search({ queries: new Float32Array(dim).fill(1), queryCount: 1, k: 10, excludeIds: [], conditions: [] });
      assert.equal(hits.slots.length, Math.min(10, shard.store.size));
    }, 0);
    await shard.upsertChunked(items, embeddings, new Float32Array(count), 0);
    clearInterval(probe);
    assert.equal(shard.store.size, count);
    assert.ok(seen.some((size) => size > 0 && size < count), `other work ran mid-upsert (sizes seen: ${seen.slice(0, 5).join(', ')}…)`);
  });
});
