import assert from 'node:assert/strict';
import { loadDataset } from './load-dataset.js';

describe('loadDataset', () => {
  it('loads synthetic:SIZE with a seed', async () => {
    const dataset = await loadDataset('synthetic:tiny', { seed: 9 });
    assert.equal(dataset.name, 'synthetic:tiny');
    assert.equal(dataset.items.ids.length, 300);
  });

  it('rejects unknown forms and sizes, quoting the value and what is allowed', async () => {
    await assert.rejects(loadDataset('synthetic:huge'), /unknown synthetic size 'huge' \(expected tiny, small, medium, large or USERS,ITEMS,INTERACTIONS\[,CLUSTERS\]/);
    await assert.rejects(loadDataset('parquet:x'), /expected synthetic:SIZE, movielens:PATH, csv:ITEMS,INTERACTIONS,SCHEMA or log:DIR/);
    await assert.rejects(loadDataset('csv:a,b'), /expected csv:ITEMS,INTERACTIONS,SCHEMA/);
    await assert.rejects(loadDataset('movielens:/nonexistent'), /not a MovieLens directory/);
  });
});
