import assert from 'node:assert/strict';
import { IndexedStore } from './indexed-store.js';

describe('IndexedStore', () => {
  it('serves searches during a large upsert, with k live items at every turn, and holds every row once it resolves', async () => {
    const dim = 4;
    const shard = await IndexedStore.create([], { dim, connectivity: 8, expansionAdd: 16, expansionSearch: 16, quantization: 'f32', addThreads: 1 }, 'v1');
    try {
      const count = 2000;
      const items = Array.from({ length: count }, (_, i) => ({ id: `i${i}`, features: {} }));
      const embeddings = Float32Array.from({ length: count * dim }, (_, i) => Math.sin(i));
      const probes: Promise<{ size: number; found: number; live: boolean }>[] = [];
      let upserting = true;
      // An immediate probes the shard once per turn of the event loop, alternating with the upsert's turns.
      const probe = (): void => {
        if (!upserting) return;
        const size = shard.store.size;
        probes.push(
          shard.search({ queries: new Float32Array(dim).fill(1), queryCount: 1, k: 10, excludeIds: [], conditions: [] }).then(([hits]) => ({
            size,
            found: hits.slots.length,
            live: Array.from(hits.slots).every((slot) => shard.store.isLive(slot)),
          })),
        );
        setImmediate(probe);
      };
      setImmediate(probe);
      await shard.upsert(items, embeddings, new Float32Array(count), 0);
      upserting = false;
      const seen = await Promise.all(probes);
      assert.equal(shard.store.size, count);
      assert.equal(shard.index.size, count, 'the index holds every row once the upsert resolved');
      assert.ok(seen.some(({ size }) => size > 0 && size < count), `searches ran mid-upsert (sizes seen: ${seen.slice(0, 5).map((s) => s.size).join(', ')}…)`);
      for (const { size, found, live } of seen) {
        assert.ok(found >= Math.min(10, size), `${found} hits with ${size} items stored`);
        assert.ok(live, 'only live items');
      }
    } finally {
      await shard.close();
    }
  });
});
