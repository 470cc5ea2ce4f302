import assert from 'node:assert/strict';
import { coOccurrenceCosine, embeddingSimilarity, evaluateSimilarItems, featureJaccard, nextItemPairs } from './similar-items.js';
import { buildTrainData } from './train-data.js';

const events = (rows: [number, number, number][]) => ({ user: Int32Array.from(rows.map((r) => r[0])), item: Int32Array.from(rows.map((r) => r[1])), timestamp: Float64Array.from(rows.map((r) => r[2])) });

describe('similar items protocol', () => {
  it('pairs each held-out user’s last train item with the earliest held-out item', () => {
    const train = events([[0, 1, 10], [0, 2, 20], [1, 3, 5]]);
    const all = events([[0, 1, 10], [0, 2, 20], [0, 4, 40], [0, 0, 30], [1, 3, 5], [1, 2, 9]]);
    const test = { users: Int32Array.from([0, 1]), offsets: Int32Array.from([0, 2, 3]), items: Int32Array.from([0, 4, 2]) };
    assert.deepEqual(nextItemPairs(train, test, all), [{ query: 2, next: 0 }, { query: 3, next: 2 }]);
  });

  it('measures HitRate@10 and MRR with the query excluded and ties against the target', () => {
    const e = Float32Array.from([1, 0, 2, 0, 0, 1, 0.5, 0.5]);
    const pairs = [{ query: 0, next: 1 }, { query: 0, next: 2 }];
    const ip = evaluateSimilarItems('ip', embeddingSimilarity(e, 2, false), pairs, 4);
    assert.deepEqual([ip.hitRate10, ip.mrr], [1, (1 + 1 / 3) / 2]);
    const cos = evaluateSimilarItems('cos', embeddingSimilarity(e, 2, true), pairs, 4);
    assert.equal(cos.mrr, (1 + 1 / 3) / 2, 'item 1 is parallel to item 0: cosine 1, first');
    const flat = evaluateSimilarItems('flat', (_, out) => out.fill(0), pairs, 4);
    assert.equal(flat.mrr, 1 / 3, 'all tied: ranked behind the other two items');
  });

  it('scores co-occurrence cosine from the train users and Jaccard from multi-valued features', () => {
    const train = buildTrainData(events([[0, 0, 1], [0, 1, 2], [1, 0, 1], [1, 2, 2]]), 2, 3);
    const out = new Float64Array(3);
    coOccurrenceCosine(train)(1, out);
    assert.deepEqual([...out], [1 / Math.sqrt(2), 1, 0]);
    const catalog = { ids: ['a', 'b', 'c'], titles: [], features: new Map([['genres', { kind: 'multi' as const, levels: ['x', 'y'], offsets: Int32Array.from([0, 2, 3, 3]), codes: Int32Array.from([0, 1, 0]) }]]) };
    featureJaccard(catalog, ['genres', 'tags'])(0, out);
    assert.deepEqual([...out], [1, 0.5, 0]);
  });
});
