import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AttributeCondition, AttributeField } from './attribute-index.js';
import type { Item } from '../../../shared/features/index.js';
import { ItemStore } from './item-store.js';
import { NO_BUNDLE_ROW } from '../../../shared/proto/index.js';

const FIELDS: AttributeField[] = [
  { name: 'color', kind: 'categorical' },
  { name: 'genres', kind: 'multi' },
  { name: 'year', kind: 'continuous' },
];

function item(id: string, color: string, genres: string[], year: number): Item {
  return { id, features: { color, genres, year } };
}

function values(store: ItemStore, field: number, allowed: string[]): AttributeCondition {
  const codes = allowed.map((v) => store.attributes.valueCode(field, v)).filter((c) => c !== undefined);
  return { kind: 'values', field, codes: Int32Array.from(codes) };
}

describe('ItemStore', () => {
  it('marks the slots whose item equals the bundle\'s with its row in the bundle\'s item list, and any later put or removal clears the row', () => {
    const store = new ItemStore(2, FIELDS, 1);
    // Row 0 is an item of another shard: the rows are the bundle's, not the store's slots.
    const catalog = [item('other-shard', 'red', [], 1), item('a', 'red', ['noir'], 1990), item('b', 'blue', [], 2000), item('c', 'red', [], 2010), item('absent', 'red', [], 1)];
    // a is a parsed copy (as from a snapshot), b the catalog's own object, c has other features.
    store.put(JSON.parse(JSON.stringify(catalog[1])) as Item, Float32Array.of(1, 2), 0, 0);
    store.put(catalog[2], Float32Array.of(3, 4), 0, 0);
    store.put(item('c', 'green', [], 2010), Float32Array.of(5, 6), 0, 0);
    store.put(item('new', 'red', [], 2020), Float32Array.of(7, 8), 0, 0);
    assert.equal(store.markBundleRows(catalog), 2);
    assert.deepEqual(['a', 'b', 'c', 'new'].map((id) => store.bundleRowAt(store.slotOf(id) as number)), [1, 2, NO_BUNDLE_ROW, NO_BUNDLE_ROW]);
    store.put(catalog[1], Float32Array.of(1, 2), 0, 0);
    assert.equal(store.bundleRowAt(store.slotOf('a') as number), NO_BUNDLE_ROW, 'a put clears the row even with equal features');
    const slotOfB = store.slotOf('b') as number;
    store.remove('b');
    store.put(item('d', 'red', [], 1999), Float32Array.of(0, 1), 0, 0);
    assert.equal(store.slotOf('d'), slotOfB);
    assert.equal(store.bundleRowAt(slotOfB), NO_BUNDLE_ROW, 'a reused slot has no bundle row');
  });

  it('keeps embeddings and biases by slot, replaces in place and reuses freed slots', () => {
    const store = new ItemStore(2, FIELDS, 1);
    assert.deepEqual(store.put(item('a', 'red', [], 1990), Float32Array.of(1, 2), 0, 0.5), { slot: 0, replaced: false });
    assert.deepEqual(store.put(item('b', 'blue', [], 2000), Float32Array.of(9, 3, 4), 1, -1), { slot: 1, replaced: false });
    assert.deepEqual(Array.from(store.embeddingAt(1)), [3, 4]);
    assert.equal(store.biasAt(1), -1);
    assert.deepEqual(store.put(item('a', 'green', [], 1991), Float32Array.of(5, 6), 0, 2), { slot: 0, replaced: true });
    assert.deepEqual(Array.from(store.embeddingAt(0)), [5, 6]);
    assert.equal(store.itemAt(0)?.features.color, 'green');
    assert.equal(store.size, 2);
    assert.equal(store.remove('a'), 0);
    assert.equal(store.remove('a'), undefined);
    assert.equal(store.isLive(0), false);
    assert.equal(store.slotOf('a'), undefined);
    assert.deepEqual(store.put(item('c', 'red', [], 2010), Float32Array.of(7, 8), 0, 0), { slot: 0, replaced: false });
    assert.deepEqual([...store.liveSlots()], [0, 1]);
    assert.equal(store.idAt(0), 'c');
  });

  it('forgets the attributes of replaced and removed items', () => {
    const store = new ItemStore(1, FIELDS);
    store.put(item('a', 'red', ['drama'], 1990), Float32Array.of(1), 0, 0);
    store.put(item('a', 'blue', ['comedy'], 2000), Float32Array.of(1), 0, 0);
    const limit = store.slotLimit;
    const live = (slot: number): boolean => store.isLive(slot);
    assert.deepEqual(Array.from(store.attributes.matchingSlots([values(store, 0, ['red'])], limit, live)), []);
    assert.deepEqual(Array.from(store.attributes.matchingSlots([values(store, 1, ['drama'])], limit, live)), []);
    assert.deepEqual(Array.from(store.attributes.matchingSlots([values(store, 0, ['blue'])], limit, live)), [0]);
    store.remove('a');
    assert.deepEqual(Array.from(store.attributes.matchingSlots([values(store, 1, ['comedy'])], limit, live)), []);
    assert.deepEqual(Array.from(store.attributes.matchingSlots([{ kind: 'range', field: 2, min: 0, max: 3000 }], limit, live)), []);
  });

  it('restores items into recorded slots and rebuilds the free list', () => {
    const store = new ItemStore(1, FIELDS, 2);
    store.restore(3, item('x', 'red', [], 1), Float32Array.of(3), 0, 0);
    store.restore(1, item('y', 'red', [], 1), Float32Array.of(1), 0, 0);
    store.finishRestore();
    assert.equal(store.slotLimit, 4);
    assert.deepEqual([...store.liveSlots()], [1, 3]);
    assert.equal(store.put(item('z', 'red', [], 1), Float32Array.of(0), 0, 0).slot, 0);
    assert.equal(store.put(item('w', 'red', [], 1), Float32Array.of(0), 0, 0).slot, 2);
    assert.equal(store.put(item('v', 'red', [], 1), Float32Array.of(0), 0, 0).slot, 4);
    assert.throws(() => store.restore(5, item('x', 'red', [], 1), Float32Array.of(0), 0, 0), /already taken/);
  });

  it('rejects an embedding shorter than dim', () => {
    const store = new ItemStore(4, FIELDS);
    assert.throws(() => store.put(item('a', 'red', [], 1), new Float32Array(3), 0, 0), RangeError);
    assert.equal(store.size, 0);
  });

  it('filters exactly like a direct evaluation of the raw features', () => {
    const colors = ['red', 'green', 'blue', 'black'];
    const genres = ['drama', 'comedy', 'horror', 'war', 'noir'];
    const itemArb = fc.record({
      color: fc.constantFrom(...colors),
      genres: fc.uniqueArray(fc.constantFrom(...genres), { maxLength: 3 }),
      year: fc.option(fc.integer({ min: 1950, max: 2020 }), { nil: undefined }),
    });
    const clauseArb = fc.oneof(
      fc.record({ kind: fc.constant('color' as const), allowed: fc.uniqueArray(fc.constantFrom(...colors, 'purple'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('genres' as const), allowed: fc.uniqueArray(fc.constantFrom(...genres), { minLength: 1, maxLength: 2 }) }),
      fc.record({ kind: fc.constant('year' as const), min: fc.integer({ min: 1940, max: 2030 }), span: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 60 }), fc.array(fc.nat(59)), fc.array(clauseArb, { maxLength: 3 }), (raw, deletions, clauses) => {
        const store = new ItemStore(1, FIELDS, 4);
        raw.forEach((r, i) => {
          const features: Item['features'] = { color: r.color, genres: r.genres };
          if (r.year !== undefined) features.year = r.year;
          store.put({ id: `i${i}`, features }, Float32Array.of(i), 0, 0);
        });
        for (const d of deletions) store.remove(`i${d}`);
        const conditions = clauses.map((c): AttributeCondition => {
          if (c.kind === 'year') return { kind: 'range', field: 2, min: c.min, max: c.min + c.span };
          return values(store, c.kind === 'color' ? 0 : 1, c.allowed);
        });
        const expected: number[] = [];
        for (const slot of store.liveSlots()) {
          const r = raw[Number(store.idAt(slot)?.slice(1))];
          const ok = clauses.every((c) => {
            if (c.kind === 'color') return c.allowed.includes(r.color);
            if (c.kind === 'genres') return c.allowed.some((g) => r.genres.includes(g));
            return r.year !== undefined && r.year >= c.min && r.year <= c.min + c.span;
          });
          assert.equal(store.attributes.matches(slot, conditions), ok);
          if (ok) expected.push(slot);
        }
        const found = store.attributes.matchingSlots(conditions, store.slotLimit, (slot) => store.isLive(slot));
        assert.deepEqual(Array.from(found), expected);
        const estimate = store.attributes.estimateMatches(conditions);
        if (estimate !== undefined) assert.ok(estimate >= expected.length);
      }),
      { numRuns: 200 },
    );
  });

  it('reserves room for a batch at once, keeping what it holds', () => {
    const store = new ItemStore(2, FIELDS, 2);
    store.put({ id: 'a', features: { color: 'red', genres: ['noir'] } }, Float32Array.of(1, 2), 0, 0.5);
    store.reserve(1000);
    assert.equal(store.capacity, 1000);
    store.reserve(10);
    assert.equal(store.capacity, 1000, 'never shrinks');
    const slot = store.slotOf('a') as number;
    assert.deepEqual(Array.from(store.embeddingAt(slot)), [1, 2]);
    assert.equal(store.biasAt(slot), 0.5);
    const red = store.attributes.valueCode(0, 'red') as number;
    assert.ok(store.attributes.matches(slot, [{ kind: 'values', field: 0, codes: Int32Array.of(red) }]));
    for (let i = 0; i < 999; i++) store.put({ id: `i${i}`, features: {} }, Float32Array.of(i, i), 0, 0);
    assert.equal(store.capacity, 1000, 'no growth while the reserved room lasts');
  });
});
