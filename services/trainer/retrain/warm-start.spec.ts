import assert from 'node:assert/strict';
import type { FeatureSpec } from '../../../shared/features/index.js';
import { exportNetworks } from '../export/index.js';
import { createModel, modelShape } from '../model/index.js';
import type { Model } from '../model/index.js';
import { bundleWeights } from './bundle-weights.js';
import { extendFeatureSpec } from './extend-feature-spec.js';
import { warmStart } from './warm-start.js';

const DIM = 8;

function spec(itemIds: string[], categories: string[]): FeatureSpec {
  return {
    features: [
      { name: 'category', kind: 'categorical', vocabulary: ['<oov>', ...categories] },
      { name: 'price', kind: 'continuous', mean: 3, std: 2 },
    ],
    itemIds: ['<oov>', ...itemIds],
    bagLength: 4,
    eventWeights: {},
  };
}

function row(model: Model, name: string, r: number): Float32Array {
  const p = model.params.get(name);
  if (p === undefined) throw new Error(`no parameter ${name}`);
  return p.value.slice(r * p.spec.cols, (r + 1) * p.spec.cols);
}

describe('warm start from the serving bundle', () => {
  const serving = spec(['i1', 'i2', 'i3'], ['a', 'b']);
  const servingModel = createModel(modelShape(serving, DIM), 1);
  // Through the exported ONNX bytes, as `dlrs retrain` reads a bundle.
  const weights = bundleWeights(exportNetworks(servingModel));

  it('keeps every serving id and value in place and appends the new ones', () => {
    const grown = extendFeatureSpec(serving, spec(['i4', 'i2'], ['c', 'a']));
    assert.deepEqual(grown.itemIds, ['<oov>', 'i1', 'i2', 'i3', 'i4']);
    assert.deepEqual(grown.features[0], { name: 'category', kind: 'categorical', vocabulary: ['<oov>', 'a', 'b', 'c'] });
    assert.deepEqual(grown.features[1], serving.features[1], 'continuous statistics stay the serving ones');
  });

  it('starts known rows equal to the bundle and gives new items and values fresh rows', () => {
    const grown = extendFeatureSpec(serving, spec(['i4'], ['c']));
    const candidate = createModel(modelShape(grown, DIM), 2);
    const report = warmStart(candidate, grown, serving, weights);
    assert.deepEqual(report.fresh, []);
    for (const name of ['item.id', 'user.bag', 'item.idBias']) {
      for (let r = 0; r < serving.itemIds.length; r++) assert.deepEqual(row(candidate, name, r), row(servingModel, name, r), `${name} row ${r}`);
      assert.equal(candidate.params.get(name)?.spec.rows, 5, `${name} has a row for the new item`);
    }
    assert.notDeepEqual(row(candidate, 'item.id', 4), new Float32Array(DIM), 'the new item row is initialised, not zero');
    for (let r = 0; r < 3; r++) assert.deepEqual(row(candidate, 'item.cat.category', r), row(servingModel, 'item.cat.category', r));
    assert.equal(candidate.params.get('item.cat.category')?.spec.rows, 4);
    for (const name of ['item.proj.w', 'user.proj.w', 'rank.l1.w', 'rank.out.b', 'item.cont.w']) {
      assert.deepEqual(candidate.params.get(name)?.value, servingModel.params.get(name)?.value, name);
    }
    assert.deepEqual(
      report.rowMapped.find((r) => r.name === 'item.id'),
      { name: 'item.id', known: 4, fresh: 1 },
    );
  });

  it('leaves a feature whose embedding width grew, and the projections after it, fresh', () => {
    const grown = extendFeatureSpec(serving, spec([], ['c', 'd', 'e']));
    const candidate = createModel(modelShape(grown, DIM), 2);
    const report = warmStart(candidate, grown, serving, weights);
    for (const name of ['item.cat.category', 'item.proj.w', 'item.bias.w', 'user.dist.category.w', 'user.proj.w']) assert.ok(report.fresh.includes(name), name);
    assert.deepEqual(row(candidate, 'item.id', 2), row(servingModel, 'item.id', 2));
  });
});
