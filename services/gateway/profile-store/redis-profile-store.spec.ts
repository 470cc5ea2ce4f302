import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { DlrsError } from '../../../shared/errors/index.js';
import { redisServerMissing, startRedisServer } from '../testing/start-redis-server.js';
import type { RedisServerProcess } from '../testing/start-redis-server.js';
import { appendLabels, profileStoreConformance } from './testing/profile-store-conformance.js';
import type { ConformanceEvent, ConformanceProfile } from './testing/profile-store-conformance.js';
import { RedisProfileStore } from './redis-profile-store.js';
import { skipForMissingTool } from '../../../shared/testing/index.js';

describe('RedisProfileStore (real redis-server)', () => {
  let server: RedisServerProcess | undefined;
  let backings = 0;

  before(async function () {
    const missing = redisServerMissing();
    if (missing !== undefined) skipForMissingTool(this, missing);
    server = await startRedisServer();
  });

  after(async () => {
    await server?.stop();
  });

  const url = (): string => {
    assert.ok(server, 'redis-server is running');
    return server.url;
  };

  describe('conformance', () => {
    profileStoreConformance(() => async ({ dedupeWindowPerUser }) => {
      // Each test gets its own key prefix on the shared server.
      const keyPrefix = `test${++backings}:`;
      return {
        concurrentHandles: true,
        open: async () => new RedisProfileStore<ConformanceProfile, ConformanceEvent>({ connection: url(), keyPrefix, dedupeWindowPerUser }),
        dispose: async () => {
          const admin = new Redis(url());
          const keys = await admin.keys(`${keyPrefix}*`);
          if (keys.length > 0) await admin.del(...keys);
          await admin.quit();
        },
      };
    }, { it, beforeEach, afterEach });
  });

  it("keeps a user's two keys under one hash tag and bounds the remembered ids in Redis", async () => {
    const store = new RedisProfileStore<ConformanceProfile, ConformanceEvent>({ connection: url(), keyPrefix: 'slots:', dedupeWindowPerUser: 3 });
    const admin = new Redis(url());
    try {
      for (const id of ['a', 'b', 'c', 'd', 'e']) await store.apply('u{1}', [{ eventId: id, label: id }], appendLabels);
      const keys = (await admin.keys('slots:*')).sort();
      assert.deepEqual(keys, ['slots:{u{1}}:ids', 'slots:{u{1}}:p']);
      assert.deepEqual(await admin.zrange('slots:{u{1}}:ids', '0', '-1'), ['c', 'd', 'e']);
    } finally {
      await store.close();
      await admin.quit();
    }
  });

  it('gives both keys of a user the TTL and refreshes it on every write, not on reads or duplicates', async () => {
    const ttlMs = 3_600_000;
    const store = new RedisProfileStore<ConformanceProfile, ConformanceEvent>({ connection: url(), keyPrefix: 'ttl:', ttlMs });
    const admin = new Redis(url());
    try {
      await store.apply('u1', [{ eventId: 'a', label: 'a' }], appendLabels);
      for (const key of ['ttl:{u1}:p', 'ttl:{u1}:ids']) {
        const left = await admin.pttl(key);
        assert.ok(left > ttlMs - 60_000 && left <= ttlMs, `${key} expires in ${left} ms`);
      }
      for (const key of ['ttl:{u1}:p', 'ttl:{u1}:ids']) await admin.pexpire(key, 10_000);
      await store.get('u1');
      await store.apply('u1', [{ eventId: 'a', label: 'a' }], appendLabels);
      assert.ok((await admin.pttl('ttl:{u1}:p')) <= 10_000, 'a read or a duplicate does not refresh it');
      await store.apply('u1', [{ eventId: 'b', label: 'b' }], appendLabels);
      for (const key of ['ttl:{u1}:p', 'ttl:{u1}:ids']) assert.ok((await admin.pttl(key)) > ttlMs - 60_000, `${key} refreshed by a write`);
      const untimed = new RedisProfileStore<ConformanceProfile, ConformanceEvent>({ connection: url(), keyPrefix: 'ttl:' });
      await untimed.apply('u2', [{ eventId: 'a', label: 'a' }], appendLabels);
      assert.equal(await admin.pttl('ttl:{u2}:p'), -1, 'without ttlMs the keys never expire');
      await untimed.close();
    } finally {
      await store.close();
      await admin.quit();
    }
  });

  it('retries when another writer changed the user in between, and gives up after maxAttempts', async () => {
    const client = new Redis(url());
    const store = new RedisProfileStore<ConformanceProfile, ConformanceEvent>({ connection: client, keyPrefix: 'conflict:', maxAttempts: 3 });
    try {
      await store.apply('u1', [{ eventId: 'first', label: 'first' }], appendLabels);
      let calls = 0;
      // Another replica's write, sent on the store's own connection so that it lands between
      // this attempt's read and its compare-and-set.
      const interfereTimes = (times: number) => (current: ConformanceProfile | undefined, fresh: readonly ConformanceEvent[], userId: string): ConformanceProfile => {
        if (calls++ < times) void client.hset('conflict:{u1}:p', 'v', `other-${calls}`);
        return appendLabels(current, fresh, userId);
      };
      const retried = await store.apply('u1', [{ eventId: 'second', label: 'second' }], interfereTimes(2));
      assert.equal(calls, 3, 'two conflicts, then success');
      assert.deepEqual(retried.profile?.applied, ['first', 'second']);
      calls = 0;
      await assert.rejects(store.apply('u1', [{ eventId: 'third', label: 'third' }], interfereTimes(3)), (error) => error instanceof DlrsError && error.code === 'UNAVAILABLE' && /changed concurrently 3 times/.test(error.message));
      assert.deepEqual((await store.get('u1'))?.applied, ['first', 'second'], 'nothing of the failed apply was written');
    } finally {
      await store.close();
      assert.equal(client.status, 'ready', 'a caller-owned client stays open');
      await client.quit();
    }
  });

  it('fails fast with UNAVAILABLE when Redis is gone', async () => {
    const own = await startRedisServer();
    const store = new RedisProfileStore<ConformanceProfile, ConformanceEvent>({ connection: own.url, keyPrefix: 'gone:', redisOptions: { commandTimeout: 200 } });
    try {
      await store.apply('u1', [{ eventId: 'a', label: 'a' }], appendLabels);
      await own.stop();
      const unavailable = (error: unknown): boolean => error instanceof DlrsError && error.code === 'UNAVAILABLE' && /profile store \(Redis\)/.test(error.message);
      await assert.rejects(store.get('u1'), unavailable);
      await assert.rejects(store.apply('u1', [{ eventId: 'b', label: 'b' }], appendLabels), unavailable);
      await assert.rejects(store.delete('u1'), unavailable);
    } finally {
      await store.close();
      await own.stop();
    }
  });
});
