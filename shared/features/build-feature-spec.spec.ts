import assert from 'node:assert/strict';
import { buildFeatureSpec } from './build-feature-spec.js';
import { OOV_TOKEN, embeddingWidth, eventWeight, parseFeatureSpec } from './feature-spec.js';
import type { ItemCatalog } from './item-catalog.js';

function catalog(): ItemCatalog {
  return {
    ids: ['a', 'b', 'c', 'd'],
    titles: ['A', undefined, 'C', 'D'],
    features: new Map([
      ['colour', { kind: 'categorical' as const, levels: ['red', 'blue', 'green'], codes: Int32Array.from([0, 1, 0, -1]) }],
      // a: x,y  b: y  c: (none)  d: y,z,y
      ['tags', { kind: 'multi' as const, levels: ['x', 'y', 'z'], offsets: Int32Array.from([0, 2, 3, 3, 6]), codes: Int32Array.from([0, 1, 1, 1, 2, 1]) }],
      ['price', { kind: 'continuous' as const, values: Float64Array.from([1, 3, NaN, 5]) }],
      ['constant', { kind: 'continuous' as const, values: Float64Array.from([2, 2, 2, 2]) }],
    ]),
  };
}

describe('buildFeatureSpec', () => {
  it('orders vocabularies by item count after the OOV slot and takes item ids from train only', () => {
    const spec = buildFeatureSpec(catalog(), Int32Array.from([2, 0, 0, 3]));
    assert.deepEqual(spec.features[0], { name: 'colour', kind: 'categorical', vocabulary: [OOV_TOKEN, 'red', 'blue'] });
    // y is on three items (d lists it twice: counted once), x and z on one each: ties by value.
    assert.deepEqual(spec.features[1], { name: 'tags', kind: 'multi', vocabulary: [OOV_TOKEN, 'y', 'x', 'z'] });
    assert.deepEqual(spec.itemIds, [OOV_TOKEN, 'a', 'c', 'd']);
    assert.equal(spec.bagLength, 20);
  });

  it('computes z-normalisation statistics over present values and never a zero std', () => {
    const spec = buildFeatureSpec(catalog(), []);
    const price = spec.features[2];
    assert.equal(price.kind, 'continuous');
    if (price.kind === 'continuous') {
      assert.equal(price.mean, 3);
      assert.ok(Math.abs(price.std - Math.sqrt(8 / 3)) < 1e-12);
    }
    assert.deepEqual(spec.features[3], { name: 'constant', kind: 'continuous', mean: 2, std: 1 });
  });

  it('applies minCount, maxVocabulary (also per feature), minItemInteractions and a feature selection', () => {
    const spec = buildFeatureSpec(catalog(), Int32Array.from([0, 0, 1]), {
      features: ['tags', 'colour'],
      maxVocabulary: 1,
      perFeature: { colour: { minCount: 2, maxVocabulary: 5 } },
      minItemInteractions: 2,
      bagLength: 3,
      eventWeights: { purchase: 5 },
    });
    assert.deepEqual(spec.features.map((f) => f.name), ['tags', 'colour']);
    assert.deepEqual(spec.features[0].kind !== 'continuous' && spec.features[0].vocabulary, [OOV_TOKEN, 'y']);
    assert.deepEqual(spec.features[1].kind !== 'continuous' && spec.features[1].vocabulary, [OOV_TOKEN, 'red']);
    assert.deepEqual(spec.itemIds, [OOV_TOKEN, 'a']);
    assert.equal(eventWeight(spec, 'purchase'), 5);
    assert.equal(eventWeight(spec, 'view'), 1);
    assert.equal(eventWeight(spec, 'purchase', 2), 2);
    assert.equal(eventWeight(spec, 'constructor'), 1);
  });

  it('fails naming an unknown feature', () => {
    assert.throws(() => buildFeatureSpec(catalog(), [], { features: ['size'] }), /no feature 'size'/);
  });
});

describe('parseFeatureSpec', () => {
  it('accepts a built spec after a JSON round trip and rejects broken ones naming the field', () => {
    const spec = buildFeatureSpec(catalog(), [0, 1]);
    assert.deepEqual(parseFeatureSpec(JSON.parse(JSON.stringify(spec))), spec);
    const broken = JSON.parse(JSON.stringify(spec)) as { features: { vocabulary?: string[] }[]; bagLength: number };
    broken.features[0].vocabulary = ['red'];
    assert.throws(() => parseFeatureSpec(broken), /featureSpec\.features\[0\]\.vocabulary\[0\]: expected '<oov>'/);
    assert.throws(() => parseFeatureSpec({ ...spec, bagLength: 0 }), /featureSpec\.bagLength/);
  });
});

describe('embeddingWidth', () => {
  it('is about log2 of the cardinality and at least 1', () => {
    assert.equal(embeddingWidth(1), 1);
    assert.equal(embeddingWidth(2), 1);
    assert.equal(embeddingWidth(20), 5);
    assert.equal(embeddingWidth(1024), 10);
  });
});
