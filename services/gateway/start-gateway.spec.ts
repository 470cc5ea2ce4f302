import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, credentials } from '@grpc/grpc-js';
import { FaultyDurableFs } from '../../shared/durable-io/index.js';
import type { DurableFs } from '../../shared/durable-io/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import { OWN_CONNECTION, callUnary } from '../../shared/grpc/index.js';
import type { UnaryInvoker } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { SessionResponse__Output } from '../../shared/generated/dlrs/v1/SessionResponse.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { INTERACTION_LOG_DIR, loadGatewayConfig } from './gateway-config.js';
import { startGateway } from './start-gateway.js';
import type { RunningGateway } from './start-gateway.js';
import { startFakeRanking, startFakeShard } from './testing/fake-tiers.js';
import type { FakeRanking, FakeShard } from './testing/fake-tiers.js';
import { redisServerMissing, startRedisServer } from './testing/start-redis-server.js';
import { TEST_SPEC, testCatalog, testShardOf } from './testing/start-test-gateway.js';
import { skipForMissingTool } from '../../shared/testing/index.js';
import { checkHealth, healthClient } from '../../test/fixtures/runtime-clients.js';

const MODEL = { spec: TEST_SPEC, shardOf: (itemId: string) => testShardOf(itemId) };

describe('startGateway: the configured gateway in front of in-test Retrieval/Ranking gRPC servers', () => {
  let dir: string;
  let ranking: FakeRanking;
  let shards: FakeShard[];
  const running: RunningGateway[] = [];
  const clients: RecommenderClient[] = [];
  let logs = createMemorySink();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-start-gateway-'));
    logs = createMemorySink();
    ranking = await startFakeRanking();
    shards = await Promise.all(testCatalog().map((items, i) => startFakeShard(i, items, 'm1', (id) => testShardOf(id) === i)));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const gateway of running.splice(0)) await gateway.stop('test done');
    await Promise.all([ranking.stop(), ...shards.map((s) => s.stop())]);
    await rm(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}, startOptions: { fs?: DurableFs } = {}): Promise<RecommenderClient> {
    const config = loadGatewayConfig({
      env: {
        DLRS_HOST: '127.0.0.1',
        DLRS_PORT: '0',
        DLRS_METRICS_PORT: '0',
        DLRS_SHUTDOWN_TIMEOUT_MS: '1000',
        DLRS_RANKING_ADDRESS: ranking.address,
        DLRS_RETRIEVAL_ADDRESSES: shards.map((s) => s.address).join(','),
        DLRS_DATA_DIR: join(dir, 'data'),
        // Only the warm-up's own case sends warm-up calls: the others count the tiers' calls.
        DLRS_WARMUP_CALLS: '0',
        ...(env.DLRS_API_TOKENS_FILE === undefined ? { DLRS_ALLOW_ANONYMOUS: 'true' } : {}),
        ...env,
      },
    });
    const gateway = await startGateway(config, MODEL, createLogger({ level: 'info', destination: logs }), startOptions);
    running.push(gateway);
    const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(`127.0.0.1:${gateway.port}`, credentials.createInsecure(), OWN_CONNECTION);
    clients.push(client);
    return client;
  }

  const options = (token?: string) => {
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return { deadline: Date.now() + 5000, metadata };
  };
  const record = (client: RecommenderClient, userId: string, itemId: string, eventId: string, token?: string) =>
    callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events: [{ userId, interaction: { itemId, eventType: 'purchase', eventId } }] }, md, o, cb), options(token));
  const recommendFor = (client: RecommenderClient, userId: string, token?: string) =>
    callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ userId, k: 3 }, md, o, cb), options(token));

  it('warms its recommendation path through the tiers before SERVING, leaving no impression, profile or degraded count behind', async () => {
    const client = await start({ DLRS_WARMUP_CALLS: '20' });
    const gateway = running[running.length - 1];
    const warmed = logs.find('gateway warmed up');
    assert.equal(warmed.length, 1);
    assert.equal(warmed[0].calls, 20);
    assert.equal(warmed[0].answered, 20, 'every synthetic call went UserNet -> search -> RankNet without a fallback');
    assert.equal(ranking.calls.get('stream:embedUsers'), 20);
    assert.equal(ranking.calls.get('stream:rank'), 20);
    for (const shard of shards) assert.equal(shard.calls.get('stream:search'), 20);
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
    assert.doesNotMatch(metrics, /^dlrs_gateway_degraded(_total)?\{/m, 'no degraded answer counted');
    assert.doesNotMatch(metrics, /^dlrs_gateway_impressed_items(_total)?\{/m, 'no impression attributed');
    // The first real request finds no trace of the warm-up: an unknown user still gets popular items.
    const answer = await recommendFor(client, 'stranger');
    assert.deepEqual(answer.degradedReasons, ['POPULAR_FALLBACK']);
    await gateway.stop('test done');
    const logged = await readdir(join(dir, 'data', INTERACTION_LOG_DIR)).then((files) => Promise.all(files.map((file) => readFile(join(dir, 'data', INTERACTION_LOG_DIR, file), 'utf8'))));
    assert.ok(!logged.join('').includes('warm-up'), 'no synthetic impression in the interaction log');
  });

  it('turns NOT_SERVING while the embedded store cannot write (ENOSPC), refuses writes with UNAVAILABLE, and serves again once space returns', async () => {
    const fs = new FaultyDurableFs();
    const client = await start({}, { fs });
    const gateway = running[running.length - 1];
    const health = healthClient(`127.0.0.1:${gateway.port}`);
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
    try {
      await record(client, 'u1', 'b', 'e1');
      assert.equal(await checkHealth(health, 'dlrs.v1.Recommender'), 'SERVING');
      const full = fs.inject({ op: 'write', path: 'profiles.aof', error: 'ENOSPC' });
      await assert.rejects(record(client, 'u1', 'xe', 'e2'), (error) => error instanceof DlrsError && error.code === 'UNAVAILABLE');
      assert.equal(await checkHealth(health, 'dlrs.v1.Recommender'), 'NOT_SERVING');
      assert.equal(await checkHealth(health, ''), 'NOT_SERVING');
      const metrics = await scrape();
      assert.match(metrics, /^dlrs_profile_store_writable_info(\{[^}]*\})? 0$/m);
      assert.match(metrics, /^dlrs_profile_store_write_failures_total\{[^}]*code="ENOSPC"[^}]*\} 1$/m);
      full.remove();
      await record(client, 'u1', 'xe', 'e2');
      assert.equal(await checkHealth(health, 'dlrs.v1.Recommender'), 'SERVING');
      assert.match(await scrape(), /^dlrs_profile_store_writable_info(\{[^}]*\})? 1$/m);
    } finally {
      health.close();
    }
  });

  it('exports online click-through per model version: impressed items, and those clicked or acted on within the window', async () => {
    const client = await start({ DLRS_ATTRIBUTION_WINDOW_MS: '60000', DLRS_CLICK_EVENT_TYPES: 'click,tap' });
    const gateway = running[running.length - 1];
    const act = (itemId: string, eventType: string, eventId: string) =>
      callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events: [{ userId: 'u1', interaction: { itemId, eventType, eventId } }] }, md, o, cb), options());
    await record(client, 'u1', 'b', 'e0');
    const answer = await recommendFor(client, 'u1');
    assert.equal(answer.modelVersion, 'm1');
    const shown = answer.items.map((item) => item.itemId);
    assert.equal(shown.length, 3);
    const unshown = ['a', 'b', 'c', 'xd', 'xe'].find((id) => !shown.includes(id)) ?? '';
    await act(shown[0], 'click', 'e1');
    await act(shown[0], 'tap', 'e2'); // the same (list, item) pair counts once
    await act(shown[1], 'view', 'e3'); // engagement, not a click
    await act(unshown, 'click', 'e4'); // not shown: credits nothing
    const anonymous = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ context: { interactions: [{ itemId: 'a', eventType: 'click' }] }, k: 3 }, md, o, cb), options());
    assert.equal(anonymous.modelVersion, 'm1', 'the anonymous list is served by the model');
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
    const value = (name: string): number => Number(new RegExp(`^${name}_total\\{[^}]*model_version="m1"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    assert.equal(value('dlrs_gateway_impressed_items'), 3, 'the anonymous list is not counted');
    assert.equal(value('dlrs_gateway_clicked_items'), 1);
    assert.equal(value('dlrs_gateway_engaged_items'), 2);
  });

  it('keeps profiles in its data folder and answers unknown users with popular items right after a restart', async () => {
    const first = await start();
    await record(first, 'u1', 'b', 'e1');
    await record(first, 'u2', 'b', 'e2');
    await record(first, 'u2', 'xe', 'e3');
    assert.deepEqual((await recommendFor(first, 'u1')).items.map((i) => i.itemId), ['xe', 'c', 'a']);
    await running.pop()?.stop('restart');

    const second = await start();
    const profile = await callUnary<UserProfile__Output>((md, o, cb) => second.GetProfile({ userId: 'u2' }, md, o, cb), options());
    assert.equal(profile.eventCount, 2);
    const popular = await recommendFor(second, 'stranger');
    assert.deepEqual(popular.degradedReasons, ['POPULAR_FALLBACK']);
    assert.deepEqual(popular.items.map((i) => i.itemId), ['b', 'xe'], 'seeded from the interaction log');
    assert.equal((await record(second, 'u1', 'b', 'e1')).duplicates, 1, 'event ids survive the restart');
  });

  it('shares profiles between two replicas through Redis and checks API tokens', async function () {
    const missing = redisServerMissing();
    if (missing !== undefined) skipForMissingTool(this, missing);
    const redis = await startRedisServer();
    try {
      const tokens = join(dir, 'tokens');
      await writeFile(tokens, 'replica-token\n');
      const env = { DLRS_PROFILE_STORE: 'redis', DLRS_REDIS_URL: redis.url, DLRS_API_TOKENS_FILE: tokens, DLRS_INTERACTION_LOG: 'false' };
      const a = await start(env);
      const b = await start(env);
      await assert.rejects(record(a, 'u1', 'b', 'e1'), (error) => DlrsError.from(error).code === 'UNAUTHENTICATED');
      assert.equal((await record(a, 'u1', 'b', 'e1', 'replica-token')).accepted, 1);
      assert.equal((await record(b, 'u1', 'b', 'e1', 'replica-token')).duplicates, 1, 'replica b sees what replica a applied');
      const fromB = await recommendFor(b, 'u1', 'replica-token');
      assert.equal(fromB.degraded, false);
      assert.ok(!fromB.items.some((i) => i.itemId === 'b'), 'the seen item is excluded on the other replica');
    } finally {
      for (const gateway of running.splice(0)) await gateway.stop('test done');
      await redis.stop();
    }
  });

  describe('API tokens with scopes', () => {
    const TOKENS = ['# scopes per token', 'reader read', 'writer', 'admin-only admin', 'everything read,write,admin', ''].join('\n');
    const codeOf = async (call: Promise<unknown>): Promise<string> => {
      try {
        await call;
        return 'OK';
      } catch (error) {
        return DlrsError.from(error).code;
      }
    };
    const startWithTokens = async (text = TOKENS): Promise<{ client: RecommenderClient; tokensFile: string }> => {
      const tokensFile = join(dir, 'tokens');
      await writeFile(tokensFile, text);
      return { client: await start({ DLRS_API_TOKENS_FILE: tokensFile }), tokensFile };
    };

    it('refuses a missing or unknown token as UNAUTHENTICATED and a missing scope as PERMISSION_DENIED', async () => {
      const { client } = await startWithTokens();
      const call = (method: string, token?: string): Promise<unknown> => {
        const requests: Record<string, UnaryInvoker<unknown>> = {
          Recommend: (md, o, cb) => client.Recommend({ userId: 'u1', k: 2 }, md, o, cb),
          GetProfile: (md, o, cb) => client.GetProfile({ userId: 'nobody' }, md, o, cb),
          SimilarItems: (md, o, cb) => client.SimilarItems({ itemIds: ['no-such-item'] }, md, o, cb),
          RecordInteractions: (md, o, cb) => client.RecordInteractions({ events: [{ userId: 'u9', interaction: { itemId: 'b', eventType: 'purchase', eventId: `e-${method}-${token}` } }] }, md, o, cb),
          DeleteProfile: (md, o, cb) => client.DeleteProfile({ userId: 'u9' }, md, o, cb),
          UpsertItems: (md, o, cb) => client.UpsertItems({ items: [{ id: 'new', title: 'New', features: {} }] }, md, o, cb),
          DeleteItems: (md, o, cb) => client.DeleteItems({ itemIds: ['gone'] }, md, o, cb),
        };
        return callUnary((md, o, cb) => requests[method](md, o, cb), options(token));
      };
      const observed: Record<string, Record<string, string>> = {};
      for (const token of [undefined, 'unknown', 'reader', 'writer', 'admin-only', 'everything']) {
        const row: Record<string, string> = {};
        for (const method of ['Recommend', 'GetProfile', 'SimilarItems', 'RecordInteractions', 'DeleteProfile', 'UpsertItems', 'DeleteItems']) row[method] = await codeOf(call(method, token));
        observed[token ?? '(none)'] = row;
      }
      const row = (recommend: string, getProfile: string, similarItems: string, record: string, deleteProfile: string, upsert: string, deleteItems: string) => ({
        Recommend: recommend, GetProfile: getProfile, SimilarItems: similarItems, RecordInteractions: record, DeleteProfile: deleteProfile, UpsertItems: upsert, DeleteItems: deleteItems,
      });
      const U = 'UNAUTHENTICATED';
      const P = 'PERMISSION_DENIED';
      assert.deepEqual(observed, {
        '(none)': row(U, U, U, U, U, U, U),
        unknown: row(U, U, U, U, U, U, U),
        reader: row('OK', 'NOT_FOUND', 'NOT_FOUND', P, P, P, P),
        writer: row('OK', 'NOT_FOUND', 'NOT_FOUND', 'OK', P, P, P),
        'admin-only': row(P, P, P, P, 'OK', 'OK', 'OK'),
        everything: row('OK', 'NOT_FOUND', 'NOT_FOUND', 'OK', 'OK', 'OK', 'OK'),
      });
    });

    it('lets a read-only token open a Session but not send events in it', async () => {
      const { client } = await startWithTokens();
      const runSession = (token: string): Promise<{ pushes: number; code: string }> =>
        new Promise((resolve) => {
          const metadata = new Metadata();
          metadata.set('authorization', `Bearer ${token}`);
          const session = client.Session(metadata, { deadline: Date.now() + 5000 });
          let pushes = 0;
          session.on('data', (message: SessionResponse__Output) => {
            pushes += 1;
            if (message.eventId === '') session.write({ event: { itemId: 'b', eventType: 'view', eventId: `s-${token}` } });
            else session.end();
          });
          session.on('error', (error) => resolve({ pushes, code: DlrsError.from(error).code }));
          session.on('end', () => resolve({ pushes, code: 'OK' }));
          session.write({ start: { userId: `live-${token}`, k: 2 } });
        });
      assert.deepEqual(await runSession('reader'), { pushes: 1, code: 'PERMISSION_DENIED' });
      assert.equal(await codeOf(callUnary((md, o, cb) => client.GetProfile({ userId: 'live-reader' }, md, o, cb), options('everything'))), 'NOT_FOUND', 'the refused event was not recorded');
      assert.deepEqual(await runSession('writer'), { pushes: 2, code: 'OK' });
      assert.equal(await codeOf(callUnary((md, o, cb) => client.GetProfile({ userId: 'live-writer' }, md, o, cb), options('everything'))), 'OK');
    });

    it('takes a replaced token file without a restart and keeps the old tokens when the new file is broken', async () => {
      const { client, tokensFile } = await startWithTokens('first read\n');
      const recommendCode = (token: string): Promise<string> => codeOf(recommendFor(client, 'u1', token));
      /** Reloads now (SIGHUP) and resolves once the reload was tried: it runs on its own. */
      const reload = async (): Promise<void> => {
        const tried = (): number => logs.find(/^token file (not )?reloaded/).length;
        const before = tried();
        process.emit('SIGHUP', 'SIGHUP');
        while (tried() === before) await new Promise((resolve) => setImmediate(resolve));
      };
      assert.equal(await recommendCode('first'), 'OK');
      // Replaced atomically, as an orchestrator writes it.
      await writeFile(`${tokensFile}.next`, 'second read\n');
      await rename(`${tokensFile}.next`, tokensFile);
      await reload();
      assert.equal(await recommendCode('second'), 'OK');
      assert.equal(await recommendCode('first'), 'UNAUTHENTICATED');
      await writeFile(tokensFile, 'third read,superuser\n');
      await reload();
      assert.equal(await recommendCode('third'), 'UNAUTHENTICATED', 'a broken file is not taken');
      assert.equal(await recommendCode('second'), 'OK', 'the previous tokens stay');
      assert.equal(logs.find('token file not reloaded: keeping the previous tokens').length, 1);
    });

    it('refuses to start on a token file with a bad line', async () => {
      await assert.rejects(startWithTokens('good read\nbad read,everything\n'), /tokens:2: unknown scope "everything"/);
    });
  });
});
