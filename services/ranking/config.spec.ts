import assert from 'node:assert/strict';
import { ConfigError } from '../../shared/config/index.js';
import { loadRankingConfig, servingSettings } from './config.js';

describe('loadRankingConfig', () => {
  it('defaults every key and reads DLRS_* variables', () => {
    const config = loadRankingConfig({ env: { DLRS_PROVIDERS: 'cuda,cpu', DLRS_WORKERS: '3', DLRS_MAX_QUEUE_DELAY_US: '250' } });
    assert.deepEqual(config.providers, ['cuda', 'cpu']);
    assert.equal(config.workers, 3);
    assert.equal(config.port, 50052);
    const settings = servingSettings(config);
    assert.equal(settings.rankBatcher.maxQueueDelayUs, 250);
    assert.equal(settings.poolSize, 3);
    assert.deepEqual(settings.warmupBatchRows, [1, 256, 300, 2048]);
    assert.ok(Object.isFrozen(config));
    assert.equal(servingSettings(loadRankingConfig({ env: { DLRS_WORKERS: '0' } })).poolSize, 0, '0 runs the sessions inline');
  });

  it('names the key, the value and what is allowed', () => {
    assert.throws(() => loadRankingConfig({ env: { DLRS_PROVIDERS: 'tpu' } }), (error: unknown) => error instanceof ConfigError && /DLRS_PROVIDERS="tpu".*cuda, cpu/.test(error.message));
    assert.throws(
      () => loadRankingConfig({ env: { DLRS_MAX_CANDIDATES: '5000', DLRS_MAX_QUEUE_ROWS: '1000' } }),
      (error: unknown) => error instanceof ConfigError && /MAX_CANDIDATES=5000 exceeds/.test(error.message),
    );
    assert.throws(() => loadRankingConfig({ env: { DLRS_WORKERS: '-1' } }), (error: unknown) => error instanceof ConfigError && /DLRS_WORKERS="-1"/.test(error.message));
  });
});
