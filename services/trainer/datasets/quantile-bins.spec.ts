import assert from 'node:assert/strict';
import { columnValue } from '../../../shared/features/index.js';
import type { ItemCatalog } from '../../../shared/features/index.js';
import { binOf, quantileEdges, withContinuousBins } from './quantile-bins.js';

describe('quantile bins', () => {
  it('cuts present values at their inner quantiles and bins a value by the edges at or below it', () => {
    const values = Float64Array.of(8, 1, NaN, 2, 3, 4, 5, 6, 7);
    const edges = quantileEdges(values, 4);
    assert.deepEqual([...edges], [3, 5, 7]);
    assert.deepEqual([0, 3, 4.5, 5, 100].map((v) => binOf(edges, v)), [0, 1, 1, 2, 3]);
    assert.deepEqual([...quantileEdges(Float64Array.of(1990, 1990, 1990, 1990), 8)], [1990], 'repeated quantiles give one edge');
  });

  it('adds a categorical `c_bin` for every continuous column, missing values left missing, the other columns kept', () => {
    const catalog: ItemCatalog = {
      ids: ['a', 'b', 'c', 'd', 'e'],
      titles: [undefined, undefined, undefined, undefined, undefined],
      features: new Map([
        ['genres', { kind: 'multi', levels: ['x'], offsets: Int32Array.of(0, 1, 1, 1, 1, 1), codes: Int32Array.of(0) }],
        ['year', { kind: 'continuous', values: Float64Array.of(1950, 1990, NaN, 2000, 2010) }],
      ]),
    };
    const out = withContinuousBins(catalog, 2);
    assert.deepEqual([...out.features.keys()], ['genres', 'year', 'year_bin']);
    const bins = out.features.get('year_bin');
    assert.ok(bins?.kind === 'categorical');
    // One edge at the median of the present years (2000): below it bin #0, from it on #1.
    assert.deepEqual([0, 1, 2, 3, 4].map((r) => columnValue(bins, r)), ['#0', '#0', undefined, '#1', '#1']);
  });
});
