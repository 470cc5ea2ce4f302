import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AttributeCondition, AttributeField } from '../store/attribute-index.js';
import type { Item } from '../../../shared/features/index.js';
import { filteredSearch } from './filtered-search.js';
import { IndexedStore } from '../store/indexed-store.js';
import { IndexThread } from '../hnsw/index-thread.js';
import { ItemStore } from '../store/item-store.js';
import type { VectorIndexOptions } from '../../../shared/vector-index/index.js';

const DIM = 8;
const FIELDS: AttributeField[] = [
  { name: 'color', kind: 'categorical' },
  { name: 'genres', kind: 'multi' },
  { name: 'year', kind: 'continuous' },
];
const COLORS = ['red', 'green', 'blue', 'black', 'white'];
const GENRES = ['drama', 'comedy', 'horror', 'war', 'noir', 'western'];
const INDEX_OPTIONS: VectorIndexOptions = { dim: DIM, connectivity: 8, expansionAdd: 40, expansionSearch: 16, quantization: 'f32', addThreads: 1 };

/** A deterministic pseudo-random generator, so failures replay from the fast-check seed alone. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

interface Built {
  shard: IndexedStore;
  items: Map<string, { item: Item; embedding: Float32Array }>;
}

/** One index worker per quantization, emptied before each build: starting a worker per property run would dominate the spec's time. */
const threads = new Map<VectorIndexOptions['quantization'], IndexThread>();
const MAX_SLOTS = 2048;

async function emptyIndex(quantization: VectorIndexOptions['quantization']): Promise<IndexThread> {
  const index = threads.get(quantization) ?? (await IndexThread.open({ ...INDEX_OPTIONS, quantization }));
  threads.set(quantization, index);
  await index.remove(Int32Array.from({ length: MAX_SLOTS }, (_, slot) => slot));
  assert.equal(index.size, 0);
  return index;
}

async function build(seed: number, count: number, deletions: number, quantization: VectorIndexOptions['quantization'] = 'f32'): Promise<Built> {
  const next = random(seed);
  const shard = new IndexedStore(new ItemStore(DIM, FIELDS), await emptyIndex(quantization), 'v1');
  const items = new Map<string, { item: Item; embedding: Float32Array }>();
  const list: Item[] = [];
  const embeddings = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) {
    const genres = GENRES.filter(() => next() < 0.3);
    const features: Item['features'] = { color: COLORS[Math.floor(next() * COLORS.length)], genres };
    if (next() < 0.9) features.year = 1950 + Math.floor(next() * 70);
    const item = { id: `item-${i}`, features };
    for (let j = 0; j < DIM; j++) embeddings[i * DIM + j] = next() * 2 - 1;
    list.push(item);
    items.set(item.id, { item, embedding: embeddings.slice(i * DIM, (i + 1) * DIM) });
  }
  await shard.upsert(list, embeddings, new Float32Array(count));
  const doomed = list.filter(() => next() < deletions).map((item) => item.id);
  await shard.delete(doomed);
  for (const id of doomed) items.delete(id);
  return { shard, items };
}

interface FilterCase {
  colors: string[] | undefined;
  genres: string[] | undefined;
  years: [number, number] | undefined;
}

function conditionsOf(shard: IndexedStore, filter: FilterCase): AttributeCondition[] {
  const conditions: AttributeCondition[] = [];
  const codes = (field: number, values: string[]): Int32Array =>
    Int32Array.from(values.map((v) => shard.store.attributes.valueCode(field, v)).filter((c) => c !== undefined));
  if (filter.colors) conditions.push({ kind: 'values', field: 0, codes: codes(0, filter.colors) });
  if (filter.genres) conditions.push({ kind: 'values', field: 1, codes: codes(1, filter.genres) });
  if (filter.years) conditions.push({ kind: 'range', field: 2, min: filter.years[0], max: filter.years[1] });
  return conditions;
}

function passes(item: Item, filter: FilterCase): boolean {
  const { color, genres, year } = item.features;
  if (filter.colors && !filter.colors.includes(color as string)) return false;
  if (filter.genres && !filter.genres.some((g) => (genres as string[]).includes(g))) return false;
  if (filter.years && !(typeof year === 'number' && year >= filter.years[0] && year <= filter.years[1])) return false;
  return true;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}

const filterArb: fc.Arbitrary<FilterCase> = fc.record({
  colors: fc.option(fc.uniqueArray(fc.constantFrom(...COLORS, 'purple'), { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 2 }),
  genres: fc.option(fc.uniqueArray(fc.constantFrom(...GENRES), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
  years: fc.option(fc.tuple(fc.integer({ min: 1940, max: 2020 }), fc.integer({ min: 0, max: 50 })).map(([a, span]): [number, number] => [a, a + span]), { nil: undefined, freq: 2 }),
});

describe('filteredSearch', () => {
  after(async () => {
    await Promise.all([...threads.values()].map((index) => index.close()));
  });

  it('returns exactly min(k, matching) allowed items with exact similarities, like brute force', async () => {
    let found = 0;
    let expectedTotal = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        filterArb,
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom(0, 20, 100_000),
        fc.constantFrom(0.1, 1),
        fc.constantFrom('f32' as const, 'f16' as const, 'i8' as const),
        async (seed, count, deletions, filter, k, excludeCount, exactScanMaxItems, maxDepthFraction, quantization) => {
          const { shard, items } = await build(seed, count, deletions, quantization);
          const tuned = new IndexedStore(shard.store, shard.index, 'v1', { exactScanMaxItems, maxDepthFraction, graphCandidateCost: 0 });
          const next = random(seed + 1);
          const query = Float32Array.from({ length: DIM }, () => next() * 2 - 1);
          const excludeIds = Array.from({ length: excludeCount }, () => `item-${Math.floor(next() * (count + 5))}`);
          const [hits] = await tuned.search({ queries: query, queryCount: 1, k, excludeIds, conditions: conditionsOf(shard, filter) });
          const allowed = [...items.values()].filter(({ item }) => !excludeIds.includes(item.id) && passes(item, filter));
          const brute = allowed.map(({ item, embedding }) => ({ id: item.id, score: dot(query, embedding) })).sort((a, b) => b.score - a.score);
          assert.equal(hits.slots.length, Math.min(k, allowed.length));
          const bruteIds = new Set(brute.slice(0, k).map((b) => b.id));
          hits.slots.forEach((slot, i) => {
            const id = shard.store.idAt(slot);
            assert.ok(id !== undefined, 'a live item');
            const entry = items.get(id);
            assert.ok(entry !== undefined, `${id} was not deleted`);
            assert.ok(!excludeIds.includes(id), `${id} is not excluded`);
            assert.ok(passes(entry.item, filter), `${id} passes the filter`);
            assert.ok(Math.abs(hits.similarities[i] - dot(query, entry.embedding)) < 1e-5, 'exact similarity');
            if (i > 0) assert.ok(hits.similarities[i - 1] >= hits.similarities[i], 'best first');
            if (bruteIds.has(id)) found++;
          });
          expectedTotal += Math.min(k, allowed.length);
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(found / Math.max(1, expectedTotal) > 0.95, `recall against brute force ${found}/${expectedTotal}`);
  });

  it('answers a very selective filter exactly, even when the graph would miss it', async () => {
    const { shard, items } = await build(7, 2000, 0, 'i8');
    const rare = { id: 'rare', features: { color: 'purple', genres: [], year: 2000 } };
    await shard.upsert([rare], new Float32Array(DIM).fill(-1), Float32Array.of(0));
    items.set('rare', { item: rare, embedding: new Float32Array(DIM).fill(-1) });
    const query = new Float32Array(DIM).fill(1);
    const conditions = conditionsOf(shard, { colors: ['purple'], genres: undefined, years: undefined });
    const [hits] = await shard.search({ queries: query, queryCount: 1, k: 10, excludeIds: [], conditions });
    assert.deepEqual(Array.from(hits.slots, (slot) => shard.store.idAt(slot)), ['rare']);
    assert.equal(hits.similarities[0], -DIM);
  });

  it('serves several queries at once, one result per query', async () => {
    const { shard } = await build(11, 300, 0.1);
    const queries = new Float32Array(3 * DIM).map((_, i) => Math.sin(i));
    const results = await shard.search({ queries, queryCount: 3, k: 5, excludeIds: [], conditions: [] });
    assert.equal(results.length, 3);
    for (const hits of results) assert.equal(hits.slots.length, 5);
    assert.notDeepEqual(Array.from(results[0].slots), Array.from(results[1].slots));
  });

  it('keeps an f32 index\'s scores, but re-scores with the store a hit whose indexed row is unsettled', async () => {
    const { shard } = await build(5, 50, 0);
    const item = { id: 'item-7', features: { color: 'red', genres: [] } };
    await shard.upsert([item], new Float32Array(DIM).fill(1), Float32Array.of(0));
    // The store takes the new row at once; the index still holds the old one, as while an upsert is in flight.
    const { slot } = shard.store.put(item, new Float32Array(DIM).fill(-1), 0, 0);
    const query = new Float32Array(DIM).fill(1);
    const constraints = { k: 50, excluded: new Set<number>(), conditions: [] };
    const scoreOf = async (unsettled: Set<number>): Promise<number> => {
      const [hits] = await filteredSearch(shard.store, shard.index, unsettled, query, 1, constraints);
      hits.similarities.forEach((s, i) => i > 0 && assert.ok(hits.similarities[i - 1] >= s, 'best first'));
      return hits.similarities[Array.from(hits.slots).indexOf(slot)];
    };
    assert.equal(await scoreOf(new Set()), DIM, "the index's score of the vector it holds");
    assert.equal(await scoreOf(new Set([slot])), -DIM, 'the score of the embedding the store holds');
  });

  it('never returns a replaced item under its old embedding', async () => {
    const { shard } = await build(3, 100, 0);
    const query = new Float32Array(DIM).fill(1);
    await shard.upsert([{ id: 'item-5', features: { color: 'red', genres: [] } }], new Float32Array(DIM).fill(10), Float32Array.of(0));
    const [top] = await shard.search({ queries: query, queryCount: 1, k: 1, excludeIds: [], conditions: [] });
    assert.equal(shard.store.idAt(top.slots[0]), 'item-5');
    await shard.upsert([{ id: 'item-5', features: { color: 'red', genres: [] } }], new Float32Array(DIM).fill(-10), Float32Array.of(0));
    const [again] = await shard.search({ queries: query, queryCount: 1, k: 100, excludeIds: [], conditions: [] });
    assert.equal(again.slots.length, 100);
    assert.equal(shard.store.idAt(again.slots[99]), 'item-5');
    assert.equal(shard.index.size, 100);
  });
});
