import assert from 'node:assert/strict';
import { ConfigError } from '../../shared/config/index.js';
import { gatewayLimits, loadGatewayConfig } from './gateway-config.js';

const ANONYMOUS = { DLRS_ALLOW_ANONYMOUS: 'true' };

describe('gateway configuration', () => {
  it('defaults to the single-machine layout with the embedded store', () => {
    const config = loadGatewayConfig({ env: ANONYMOUS });
    assert.equal(config.port, 50051);
    assert.equal(config.rankingAddress, '127.0.0.1:50052');
    assert.deepEqual(config.retrievalAddresses, ['127.0.0.1:50053']);
    assert.equal(config.profileStore, 'embedded');
    assert.equal(config.useStreams, true);
    assert.equal(config.dataDir, 'data/gateway');
    assert.equal(config.interactionLog, true);
    assert.equal(gatewayLimits(config).defaultTimeoutMs, 1000);
    assert.equal(config.warmupCalls, 200, 'the recommendation path is warmed before SERVING');
  });

  it('reads shard addresses in order and the Redis store from DLRS_* variables', () => {
    const config = loadGatewayConfig({
      env: { ...ANONYMOUS, DLRS_RETRIEVAL_ADDRESSES: 'shard0:50053, shard1:50053', DLRS_PROFILE_STORE: 'redis', DLRS_REDIS_URL: 'redis://redis:6379', DLRS_DEFAULT_TIMEOUT_MS: '250ms' },
    });
    assert.deepEqual(config.retrievalAddresses, ['shard0:50053', 'shard1:50053']);
    assert.equal(config.redisUrl, 'redis://redis:6379');
    assert.equal(config.defaultTimeoutMs, 250);
  });

  it('names every inconsistent setting', () => {
    assert.throws(
      () => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_PROFILE_STORE: 'redis', DLRS_MAX_K: '500', DLRS_MAX_CANDIDATES: '100' } }),
      (error) => error instanceof ConfigError && error.problems.length === 2 && /DLRS_REDIS_URL is required/.test(error.message) && /DLRS_MAX_K=500/.test(error.message),
    );
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_RETRIEVAL_ADDRESSES: 'no-port' } }), /DLRS_RETRIEVAL_ADDRESSES/);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_DEFAULT_TIMEOUT_MS: '20s' } }), /DLRS_DEFAULT_TIMEOUT_MS=20000 exceeds DLRS_MAX_TIMEOUT_MS=10000/);
  });

  it('bounds the public edge and the values a client sends, each setting its own variable', () => {
    const config = loadGatewayConfig({ env: ANONYMOUS });
    assert.equal(config.publicMaxMessageBytes, 1024 * 1024, 'the public edge takes 1 MiB, the tiers 16 MiB');
    assert.equal(config.maxMessageBytes, 16 * 1024 * 1024);
    assert.deepEqual([config.publicMaxConcurrentStreams, config.publicMinPingIntervalMs, config.publicMaxPingStrikes], [100, 10_000, 2]);
    assert.deepEqual(
      [gatewayLimits(config).maxEventWeight, gatewayLimits(config).maxEventFutureMs, gatewayLimits(config).maxTimeoutMs],
      [100, 300_000, 10_000],
    );
    const tuned = loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_PUBLIC_MAX_MESSAGE_BYTES: '256KiB', DLRS_MAX_EVENT_WEIGHT: '5', DLRS_PUBLIC_MAX_CONNECTION_AGE_MS: '1h' } });
    assert.deepEqual([tuned.publicMaxMessageBytes, tuned.maxEventWeight, tuned.publicMaxConnectionAgeMs], [262_144, 5, 3_600_000]);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_PUBLIC_MAX_CONCURRENT_STREAMS: '0' } }), /DLRS_PUBLIC_MAX_CONCURRENT_STREAMS/);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_MAX_EVENT_WEIGHT: '3e38' } }), /DLRS_MAX_EVENT_WEIGHT/);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_WARMUP_CALLS: '-1' } }), /DLRS_WARMUP_CALLS/);
  });

  it('requires API tokens unless anonymous access is asked for explicitly', () => {
    assert.throws(
      () => loadGatewayConfig({ env: {} }),
      (error) => error instanceof ConfigError && /DLRS_API_TOKENS_FILE is required/.test(error.message) && /DLRS_ALLOW_ANONYMOUS=true/.test(error.message),
    );
    const tokensFile = new URL('../../package.json', import.meta.url).pathname;
    assert.equal(loadGatewayConfig({ env: { DLRS_API_TOKENS_FILE: tokensFile } }).apiTokensFile, tokensFile);
    assert.equal(loadGatewayConfig({ env: ANONYMOUS }).allowAnonymous, true);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_API_TOKENS_FILE: tokensFile } }), /contradict each other/);
    assert.throws(() => loadGatewayConfig({ env: { DLRS_ALLOW_ANONYMOUS: 'maybe' } }), /DLRS_ALLOW_ANONYMOUS/);
    assert.throws(() => loadGatewayConfig({ env: { DLRS_API_TOKENS_FILE: '/nonexistent/tokens' } }), /DLRS_API_TOKENS_FILE/);
  });

  it('bounds growth by default and names a bad or inconsistent bound', () => {
    const config = loadGatewayConfig({ env: ANONYMOUS });
    assert.equal(config.maxProfiles, 20_000);
    assert.equal(config.profileTtlMs, 90 * 24 * 3_600_000);
    assert.equal(config.interactionLogRetentionMs, 30 * 24 * 3_600_000);
    assert.equal(config.interactionLogMaxTotalBytes, 2 * 1024 ** 3);
    const set = loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_MAX_PROFILES: '500', DLRS_PROFILE_TTL_MS: '0', DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES: '512MiB', DLRS_INTERACTION_LOG_RETENTION_MS: '168h' } });
    assert.deepEqual([set.maxProfiles, set.profileTtlMs, set.interactionLogMaxTotalBytes, set.interactionLogRetentionMs], [500, 0, 512 * 1024 ** 2, 168 * 3_600_000]);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_MAX_PROFILES: '0' } }), /DLRS_MAX_PROFILES="0" is invalid/);
    assert.throws(() => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_PROFILE_TTL_MS: 'a week' } }), /DLRS_PROFILE_TTL_MS="a week" is invalid/);
    assert.throws(
      () => loadGatewayConfig({ env: { ...ANONYMOUS, DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES: '1MiB', DLRS_INTERACTION_LOG_RETENTION_MS: '30m' } }),
      (error) => error instanceof ConfigError && error.problems.length === 2 && /DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES=1048576 is below/.test(error.message) && /DLRS_INTERACTION_LOG_RETENTION_MS=1800000 must exceed/.test(error.message),
    );
  });
});
