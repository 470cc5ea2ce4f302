import assert from 'node:assert/strict';
import { ItemFeatureCache } from './item-feature-cache.js';

interface Features {
  genre: string;
}

/** A catalog behind a fetch that records its calls and can be held open. */
function catalog(items: Record<string, Features>) {
  const calls: string[][] = [];
  let gate: Promise<void> = Promise.resolve();
  let fail = false;
  return {
    calls,
    items,
    hold(): () => void {
      let release = (): void => undefined;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
    failNext(): void {
      fail = true;
    },
    fetch: async (ids: readonly string[]): Promise<Map<string, Features>> => {
      calls.push([...ids]);
      await gate;
      if (fail) {
        fail = false;
        throw new Error('retrieval unavailable');
      }
      return new Map(ids.filter((id) => Object.hasOwn(items, id)).map((id) => [id, { ...items[id] }]));
    },
  };
}

describe('ItemFeatureCache', () => {
  it('fetches the misses of a call in one batch and answers repeats from memory', async () => {
    const source = catalog({ a: { genre: 'x' }, b: { genre: 'y' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch });
    const first = await cache.getMany(['a', 'b', 'a', 'missing']);
    assert.deepEqual([...first], [['a', { genre: 'x' }], ['b', { genre: 'y' }], ['missing', undefined]]);
    assert.deepEqual(await cache.getMany(['b', 'missing']), new Map([['b', { genre: 'y' }], ['missing', undefined]]));
    assert.deepEqual(source.calls, [['a', 'b', 'missing']]);
    assert.deepEqual(cache.stats(), { hits: 2, misses: 3, fetches: 1, entries: 3 });
  });

  it('answers from memory without waiting only when every id is cached', async () => {
    const source = catalog({ a: { genre: 'x' }, b: { genre: 'y' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch });
    assert.equal(cache.cachedMany(['a']), undefined);
    await cache.getMany(['a', 'missing']);
    assert.equal(cache.cachedMany(['a', 'b']), undefined, 'b was never fetched');
    assert.deepEqual(cache.cachedMany(['a', 'missing', 'a']), new Map([['a', { genre: 'x' }], ['missing', undefined]]));
    assert.deepEqual(source.calls, [['a', 'missing']]);
    assert.deepEqual(cache.stats(), { hits: 2, misses: 2, fetches: 1, entries: 2 });
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const source = catalog({ a: { genre: 'x' }, b: { genre: 'y' }, c: { genre: 'z' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch, maxEntries: 2 });
    await cache.getMany(['a']);
    await cache.getMany(['b']);
    await cache.getMany(['a']);
    await cache.getMany(['c']);
    assert.equal(cache.stats().entries, 2);
    source.calls.length = 0;
    await cache.getMany(['a', 'c']);
    assert.deepEqual(source.calls, [], 'a was used recently, c is new');
    await cache.getMany(['b']);
    assert.deepEqual(source.calls, [['b']], 'b was evicted');
  });

  it('keeps an item used at least once per half of maxEntries new entries, however many come', async () => {
    const items: Record<string, Features> = { hot: { genre: 'x' } };
    for (let i = 0; i < 40; i++) items[`cold${i}`] = { genre: 'y' };
    const source = catalog(items);
    const cache = new ItemFeatureCache({ fetch: source.fetch, maxEntries: 6 });
    await cache.getMany(['hot']);
    for (let i = 0; i < 40; i += 3) {
      await cache.getMany([`cold${i}`, `cold${i + 1}`, `cold${i + 2}`].filter((id) => id in items));
      await cache.getMany(['hot']);
    }
    assert.equal(source.calls.filter((ids) => ids.includes('hot')).length, 1);
    assert.equal(cache.stats().entries, 6);
  });

  it('refetches after the TTL, sooner for items that were not found', async () => {
    let nowMs = 0;
    const source = catalog({ a: { genre: 'x' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch, ttlMs: 1000, notFoundTtlMs: 100, now: () => nowMs });
    await cache.getMany(['a', 'new']);
    nowMs = 100;
    source.items.new = { genre: 'fresh' };
    assert.deepEqual(await cache.getMany(['a', 'new']), new Map([['a', { genre: 'x' }], ['new', { genre: 'fresh' }]]));
    nowMs = 1000;
    await cache.getMany(['a']);
    assert.deepEqual(source.calls, [['a', 'new'], ['new'], ['a']]);
  });

  it('shares an id in flight between concurrent calls', async () => {
    const source = catalog({ a: { genre: 'x' }, b: { genre: 'y' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch });
    const release = source.hold();
    const first = cache.getMany(['a']);
    const second = cache.getMany(['a', 'b']);
    release();
    assert.deepEqual((await first).get('a'), { genre: 'x' });
    assert.deepEqual([...(await second).keys()], ['a', 'b']);
    assert.deepEqual(source.calls, [['a'], ['b']]);
  });

  it('does not cache a failed fetch, and fails only the calls that waited for it', async () => {
    const source = catalog({ a: { genre: 'x' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch });
    source.failNext();
    await assert.rejects(cache.getMany(['a']), /retrieval unavailable/);
    assert.deepEqual((await cache.getMany(['a'])).get('a'), { genre: 'x' });
    assert.equal(source.calls.length, 2);
  });

  it('drops invalidated ids, including an answer that was in flight when they changed', async () => {
    const source = catalog({ a: { genre: 'old' } });
    const cache = new ItemFeatureCache({ fetch: source.fetch });
    const release = source.hold();
    const inFlight = cache.getMany(['a']);
    source.items.a = { genre: 'new' };
    cache.invalidate(['a']);
    release();
    await inFlight;
    assert.deepEqual((await cache.getMany(['a'])).get('a'), { genre: 'new' });
    cache.invalidate(['a']);
    assert.equal(cache.stats().entries, 0);
  });
});
