import assert from 'node:assert/strict';
import { encodeCatalog } from './encoded-items.js';
import { OOV_TOKEN, itemVocabularyIndex } from './feature-spec.js';
import type { FeatureSpec } from './feature-spec.js';
import { createItemBatch, encodeEncodedItems, encodeItems, itemBatchTensors, writeItemRows } from './item-batch.js';
import { catalogItem } from './item-catalog.js';
import type { ItemCatalog } from './item-catalog.js';

const spec: FeatureSpec = {
  features: [
    { name: 'genre', kind: 'categorical', vocabulary: [OOV_TOKEN, 'drama', 'comedy'] },
    { name: 'tags', kind: 'multi', vocabulary: [OOV_TOKEN, 'x', 'y'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
    { name: 'price', kind: 'continuous', mean: 5, std: 2 },
  ],
  itemIds: [OOV_TOKEN, 'm1', 'm2'],
  bagLength: 4,
  eventWeights: {},
};

const catalog: ItemCatalog = {
  ids: ['m1', 'm2', 'm3'],
  titles: ['One', 'Two', undefined],
  features: new Map([
    ['genre', { kind: 'categorical' as const, levels: ['comedy', 'horror'], codes: Int32Array.from([0, -1, 1]) }],
    ['tags', { kind: 'multi' as const, levels: ['y', 'q', 'x'], offsets: Int32Array.from([0, 2, 2, 4]), codes: Int32Array.from([0, 2, 1, 0]) }],
    ['year', { kind: 'continuous' as const, values: Float64Array.from([2010, NaN, 1990]) }],
    ['price', { kind: 'continuous' as const, values: Float64Array.from([9, 5, 1]) }],
  ]),
};

describe('encodeItems', () => {
  it('writes the contract tensors: ids, categorical indices, multi-hot and z-normalised continuous', () => {
    const tensors = encodeEncodedItems(spec, encodeCatalog(spec, catalog));
    assert.deepEqual(Object.keys(tensors).sort(), ['item_cat_genre', 'item_cont', 'item_id', 'item_multi_tags']);
    assert.deepEqual(tensors.item_id, { type: 'int32', data: Int32Array.from([1, 2, 0]), dims: [3] });
    // m2 has no genre, m3's 'horror' is out of vocabulary: both index 0.
    assert.deepEqual(tensors.item_cat_genre, { type: 'int32', data: Int32Array.from([2, 0, 0]), dims: [3] });
    assert.deepEqual(tensors.item_multi_tags, { type: 'float32', data: Float32Array.from([0, 1, 1, 0, 0, 0, 1, 0, 1]), dims: [3, 3] });
    assert.deepEqual(tensors.item_cont, { type: 'float32', data: Float32Array.from([1, 2, 0, 0, -1, -2]), dims: [3, 2] });
  });

  it('gives raw items the same tensors as the columnar catalog path', () => {
    const raw = catalog.ids.map((_, r) => catalogItem(catalog, r));
    assert.deepEqual(raw[1], { id: 'm2', title: 'Two', features: { tags: [], price: 5 } });
    assert.deepEqual(encodeItems(spec, raw), encodeEncodedItems(spec, encodeCatalog(spec, catalog)));
  });

  it('maps an item id unseen at training to OOV and still encodes its content features', () => {
    const tensors = encodeItems(spec, [{ id: 'brand-new', features: { genre: 'drama', tags: ['y', 'unknown'], year: 2020 } }]);
    assert.deepEqual(tensors.item_id.data, Int32Array.from([0]));
    assert.deepEqual(tensors.item_cat_genre.data, Int32Array.from([1]));
    assert.deepEqual(tensors.item_multi_tags.data, Float32Array.from([1, 0, 1]));
    assert.deepEqual(tensors.item_cont.data, Float32Array.from([2, 0]));
    assert.equal(itemVocabularyIndex(spec, 'brand-new'), 0);
    assert.equal(itemVocabularyIndex(spec, 'm2'), 2);
  });

  it('overwrites reused batch rows completely and exposes views of the first rows', () => {
    const encoded = encodeCatalog(spec, catalog);
    const batch = createItemBatch(spec, 4);
    writeItemRows(batch, encoded, [0, 0, 0, 0]);
    writeItemRows(batch, encoded, [2, 1], 1);
    const tensors = itemBatchTensors(batch, 3);
    assert.deepEqual(tensors, encodeEncodedItems(spec, encoded, [0, 2, 1]));
    assert.throws(() => writeItemRows(batch, encoded, [0, 1], 3), RangeError);
  });

  it('omits item_cont when the spec has no continuous feature', () => {
    const noCont: FeatureSpec = { ...spec, features: spec.features.slice(0, 2) };
    assert.equal(encodeItems(noCont, [{ id: 'm1', features: {} }]).item_cont, undefined);
  });
});
