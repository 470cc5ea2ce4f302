import assert from 'node:assert/strict';
import { bundleFolderName } from './ensure-bundle.js';

describe('bundleFolderName', () => {
  it('names the data, seed and epochs in a path-safe slug', () => {
    assert.equal(bundleFolderName('synthetic:small', 1, 3), 'synthetic-small-seed1-e3');
    assert.equal(bundleFolderName('movielens:../shared/data/movielens/ml-latest-small', 7, 2), 'movielens-shared-data-movielens-ml-latest-small-seed7-e2');
  });
});
