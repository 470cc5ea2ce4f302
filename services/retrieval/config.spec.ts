import assert from 'node:assert/strict';
import { ConfigError } from '../../shared/config/index.js';
import { loadRetrievalConfig } from './config.js';

describe('loadRetrievalConfig', () => {
  const env = { DLRS_BUNDLE: '/bundles/a', DLRS_DATA_DIR: '/var/lib/dlrs', DLRS_SHARD_INDEX: '1', DLRS_SHARD_COUNT: '4' };

  it('reads the deploy variables and fills the defaults', () => {
    const config = loadRetrievalConfig({}, env);
    assert.deepEqual(config.shard, { index: 1, count: 4 });
    assert.equal(config.bundle, '/bundles/a');
    assert.equal(config.indexQuantization, 'f32');
    assert.equal(config.walRepair, 'off', 'a damaged log refuses the open unless repair is asked for');
    assert.equal(loadRetrievalConfig({}, { ...env, DLRS_WAL_REPAIR: 'drop-damaged' }).walRepair, 'drop-damaged');
    assert.equal(config.indexPlacement, 'worker', 'the index lives in a thread of its own unless asked');
    assert.equal(loadRetrievalConfig({}, { ...env, DLRS_INDEX_PLACEMENT: 'inline' }).indexPlacement, 'inline');
    assert.ok(Object.isFrozen(config));
  });

  it('lets the flags override the variables', () => {
    const config = loadRetrievalConfig({ bundle: '/b', shard: '2/3', dataDir: '/d' }, env);
    assert.deepEqual([config.bundle, config.dataDir, config.shard.index, config.shard.count], ['/b', '/d', 2, 3]);
  });

  it('names what is wrong', () => {
    assert.throws(() => loadRetrievalConfig({ shard: '3/3' }, env), (error: ConfigError) => error instanceof ConfigError && error.message.includes('DLRS_SHARD_INDEX=3'));
    assert.throws(() => loadRetrievalConfig({ shard: 'one' }, env), (error: ConfigError) => error instanceof ConfigError && error.message.includes('--shard="one"'));
    assert.throws(() => loadRetrievalConfig({}, { ...env, DLRS_INDEX_QUANTIZATION: 'f8' }), (error: ConfigError) => error instanceof ConfigError && error.message.includes('DLRS_INDEX_QUANTIZATION'));
    assert.throws(() => loadRetrievalConfig({}, { ...env, DLRS_INDEX_PLACEMENT: 'gpu' }), (error: ConfigError) => error instanceof ConfigError && error.message.includes('DLRS_INDEX_PLACEMENT'));
    assert.throws(() => loadRetrievalConfig({}, { ...env, DLRS_WAL_REPAIR: 'yes' }), (error: ConfigError) => error instanceof ConfigError && error.message.includes('DLRS_WAL_REPAIR'));
    assert.throws(() => loadRetrievalConfig({}, {}), (error: ConfigError) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('DLRS_BUNDLE')) && error.problems.some((p) => p.startsWith('DLRS_DATA_DIR')));
  });
});
