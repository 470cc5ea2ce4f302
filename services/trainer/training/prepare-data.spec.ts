import assert from 'node:assert/strict';
import { TITLE_WORDS_FEATURE, loadDataset, titleWords } from '../datasets/index.js';
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

describe('prepareFromEvents: titleWords', () => {
  it('adds the title words carried by at least 2 titles, the n most frequent, as a multi feature', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const events = dedupeEarliest(dataset.interactions);
    const counts = new Map<string, number>();
    for (const title of dataset.items.titles) for (const w of titleWords(title ?? '')) counts.set(w, (counts.get(w) ?? 0) + 1);
    const shared = [...counts.values()].filter((c) => c >= 2).length;
    assert.ok(shared > 3, 'the synthetic titles share words');
    const all = prepareFromEvents(dataset, events, { dim: 8, titleWords: 1000 });
    const words = all.spec.features.find((f) => f.name === TITLE_WORDS_FEATURE);
    assert.ok(words !== undefined && words.kind === 'multi');
    assert.equal(words.vocabulary.length, 1 + shared, 'every word of 2+ titles, plus OOV');
    const few = prepareFromEvents(dataset, events, { dim: 8, titleWords: 3 }).spec.features.find((f) => f.name === TITLE_WORDS_FEATURE);
    assert.equal(few?.kind === 'multi' ? few.vocabulary.length : 0, 4);
    assert.ok(!prepareFromEvents(dataset, events, { dim: 8 }).spec.features.some((f) => f.name === TITLE_WORDS_FEATURE), 'off by default');
  });
});

describe('prepareFromEvents: continuousBins', () => {
  it('adds a categorical feature of quantile bins per continuous feature, which excludedFeatures can make the only form', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const events = dedupeEarliest(dataset.interactions);
    const binned = prepareFromEvents(dataset, events, { dim: 8, continuousBins: 8, excludedFeatures: 'year' });
    assert.deepEqual(binned.spec.features.map((f) => `${f.name}:${f.kind}`), ['category:categorical', 'tags:multi', 'price:continuous', 'price_bin:categorical', 'year_bin:categorical']);
    const year = binned.spec.features.find((f) => f.name === 'year_bin');
    assert.equal(year?.kind === 'categorical' ? year.vocabulary.length : 0, 1 + 8, 'OOV plus 8 bins');
  });
});
