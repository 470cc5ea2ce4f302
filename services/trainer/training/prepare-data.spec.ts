import assert from 'node:assert/strict';
import { loadDataset } from '../datasets/index.js';
import { dedupeEarliest } from '../eval/split.js';
import { prepareFromEvents } from './prepare-data.js';
import { resolveTrainConfig } from './train-config.js';

describe('prepareFromEvents: excludedFeatures', () => {
  it('leaves the named catalog features out of the spec and the model inputs, keeping the others in order', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const events = dedupeEarliest(dataset.interactions);
    const all = prepareFromEvents(dataset, events, { dim: 8 });
    assert.deepEqual(all.spec.features.map((f) => f.name), ['category', 'tags', 'price', 'year']);
    const without = prepareFromEvents(dataset, events, { dim: 8, excludedFeatures: 'tags, price' });
    assert.deepEqual(without.spec.features.map((f) => f.name), ['category', 'year']);
    assert.ok(!('item_multi_tags' in without.training.catalog), 'no tags input');
    assert.ok('item_multi_tags' in all.training.catalog);
  });

  it('fails on a name the catalog lacks, naming it and the features it has', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    assert.throws(() => prepareFromEvents(dataset, dedupeEarliest(dataset.interactions), { dim: 8, excludedFeatures: 'genre' }), /'genre'.*category, tags, price, year/);
  });

  it('rejects an empty name in the training option', () => {
    assert.throws(() => resolveTrainConfig({ excludedFeatures: 'tags,' }), /excludedFeatures/);
    assert.equal(resolveTrainConfig({ excludedFeatures: 'tags' }).excludedFeatures, 'tags');
  });
});
