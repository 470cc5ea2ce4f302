import assert from 'node:assert/strict';
import type { CatalogColumn } from '../../../shared/features/index.js';
import { CONTINUOUS_BINS, FeatureVocabulary } from './light-fm-features.js';

describe('FeatureVocabulary', () => {
  const genres: CatalogColumn = { kind: 'multi', levels: ['a', 'b'], offsets: Int32Array.of(0, 2, 3, 3), codes: Int32Array.of(0, 1, 1) };
  const year: CatalogColumn = { kind: 'continuous', values: Float64Array.of(1990, 2010, NaN) };
  const columns = new Map<string, CatalogColumn>([['genres', genres], ['year', year]]);

  it('gives seen rows an identity, then one feature per level and per year bin, with weights summing to 1', () => {
    const vocabulary = new FeatureVocabulary([true, false, true], columns);
    assert.deepEqual([...vocabulary.identity], [0, -1, 1]);
    const rows = vocabulary.rows(3, columns, () => true);
    const row = (r: number): number[] => [...rows.indices.subarray(rows.offsets[r], rows.offsets[r + 1])];
    // Row 0: identity 0, genres a (2) and b (3), a year bin; row 1: b and another year bin; row 2: identity 1 only.
    assert.equal(row(0).length, 4);
    assert.deepEqual(row(0).slice(0, 3), [0, 2, 3]);
    assert.equal(row(1).length, 2);
    assert.equal(row(1)[0], 3);
    assert.notEqual(row(0)[3], row(1)[1], '1990 and 2010 fall in different bins');
    assert.deepEqual(row(2), [1]);
    for (let r = 0; r < 3; r++) {
      const sum = rows.weights.subarray(rows.offsets[r], rows.offsets[r + 1]).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-6, `row ${r} weights sum to ${sum}`);
    }
    assert.ok(vocabulary.size <= 2 + 2 + CONTINUOUS_BINS);
  });

  it('drops identities on request and levels it never saw (a new item\'s features only)', () => {
    const vocabulary = new FeatureVocabulary([true, true, true], columns);
    const fresh: CatalogColumn = { kind: 'multi', levels: ['b', 'z'], offsets: Int32Array.of(0, 2), codes: Int32Array.of(0, 1) };
    const rows = vocabulary.rows(1, new Map([['genres', fresh]]), () => false);
    // Identities 0–2, genre a 3, b 4: genre b only, no identity, z unknown.
    assert.deepEqual([...rows.indices], [4]);
    assert.deepEqual([...rows.weights], [1]);
  });
});
