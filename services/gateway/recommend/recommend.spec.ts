import assert from 'node:assert/strict';
import type { Item } from '../../../shared/features/index.js';
import type { UserProfile } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import { createLogger, createMemorySink } from '../../../shared/logging/index.js';
import type { MemorySink } from '../../../shared/logging/index.js';
import { PopularityTracker } from '../popularity/index.js';
import { rankingClient, retrievalClient, startFakeRanking, startFakeShard } from '../testing/fake-tiers.js';
import type { FakeItem, FakeRanking, FakeShard } from '../testing/fake-tiers.js';
import { streamingRankingPort, streamingShardPort } from '../tiers/stream-ports.js';
import { unaryRankingPort, unaryShardPort } from '../tiers/unary-ports.js';
import { recommend } from './recommend.js';
import type { DegradedReasonName, RecommendDeps, RecommendQuery } from './recommend.js';

const item = (id: string, similarity: number, bias: number, genre: string): FakeItem => ({ id, embedding: [similarity, 0.1, 0], bias, features: { genre } });
// Similarity order d a b e c; RankNet (bias) order b e c a d. Item a lives on both shards.
const SHARD_ITEMS = [
  [item('a', 0.9, -1, 'drama'), item('b', 0.8, 2, 'comedy'), item('c', 0.5, 0.5, 'drama')],
  [item('d', 0.95, -2, 'comedy'), item('e', 0.7, 1, 'drama'), item('a', 0.9, -1, 'drama')],
];
const FEATURES = new Map<string, Item['features']>(SHARD_ITEMS.flat().map((i) => [i.id, i.features]));

const silent = createLogger({ level: 'silent' });
const PROFILE: UserProfile = { userId: 'u1', recentItems: [{ itemId: 'c', weight: 1, timestampMs: 1 }], eventCount: 1, totalWeight: 1 };

function query(overrides: Partial<RecommendQuery> = {}): RecommendQuery {
  return { requestId: 'r1', profile: PROFILE, k: 3, candidates: 10, excludeIds: ['e'], filter: undefined, includeSeen: false, ...overrides };
}

describe('recommend over in-test Retrieval/Ranking gRPC servers', () => {
  let ranking: FakeRanking;
  let shards: FakeShard[];
  let closers: (() => void)[];
  let counted: DegradedReasonName[];
  let logs: MemorySink;

  beforeEach(async () => {
    logs = createMemorySink();
    ranking = await startFakeRanking();
    shards = await Promise.all(SHARD_ITEMS.map((items, i) => startFakeShard(i, items)));
    closers = [];
    counted = [];
  });

  afterEach(async () => {
    for (const close of closers) close();
    await Promise.all([ranking.stop(), ...shards.map((s) => s.stop())]);
  });

  function deps(transport: 'unary' | 'stream', extra: Partial<RecommendDeps> = {}): RecommendDeps {
    const popularity = new PopularityTracker({ now: () => 10 });
    for (const [id, weight] of [['b', 5], ['a', 4], ['d', 3], ['c', 2], ['e', 1]] as const) popularity.record(id, weight, 10);
    const base = {
      popularity,
      itemFeatures: async (ids: readonly string[]) => new Map(ids.map((id) => [id, FEATURES.get(id)])),
      itemEmbeddings: () => Promise.reject(new Error('Recommend never reads stored embeddings')),
      embedItem: () => Promise.reject(new Error('Recommend never embeds items')),
      onDegraded: (reason: DegradedReasonName) => counted.push(reason),
      logger: createLogger({ level: 'info', destination: logs }),
      ...extra,
    };
    if (transport === 'unary') {
      return { ranking: unaryRankingPort(rankingClient(ranking.address)), shards: shards.map((s, i) => unaryShardPort(i, retrievalClient(s.address))), ...base };
    }
    const rankingPort = streamingRankingPort(rankingClient(ranking.address), { logger: silent });
    const shardPorts = shards.map((s, i) => streamingShardPort(i, retrievalClient(s.address), { logger: silent }));
    closers.push(() => rankingPort.close(), ...shardPorts.map((p) => () => p.close()));
    return { ranking: rankingPort, shards: shardPorts, ...base };
  }

  const run = (d: RecommendDeps, q: RecommendQuery = query(), budgetMs = 2000, signal = new AbortController().signal) => recommend(d, q, Date.now() + budgetMs, signal);

  for (const transport of ['unary', 'stream'] as const) {
    it(`merges both shards' candidates, drops seen and excluded items, and returns RankNet's top k (${transport})`, async () => {
      const outcome = await run(deps(transport));
      assert.deepEqual(outcome.items.map((i) => i.itemId), ['b', 'a', 'd']);
      assert.ok(Math.abs(outcome.items[0].score - 1 / (1 + Math.exp(-2))) < 1e-6, 'score is RankNet p');
      assert.ok(Math.abs(outcome.items[2].similarity - 0.95) < 1e-6, 'similarity comes from retrieval');
      assert.equal(outcome.modelVersion, 'm1');
      assert.deepEqual(outcome.degradedReasons, []);
      const streamed = (ranking.calls.get('stream:rank') ?? 0) + (ranking.calls.get('stream:embedUsers') ?? 0);
      if (transport === 'stream') assert.equal(streamed, 2, 'both ranking calls travelled on the stream');
      else assert.equal(ranking.calls.get('Rank'), 1);
    });
  }

  it('returns seen items when the request allows them', async () => {
    const outcome = await run(deps('unary'), query({ includeSeen: true, k: 5 }));
    assert.ok(outcome.items.some((i) => i.itemId === 'c'));
  });

  it('answers in retrieval order, flagged and counted, when ranking fails', async () => {
    ranking.behaviour.rank = 'unavailable';
    const outcome = await run(deps('stream'));
    assert.deepEqual(outcome.items.map((i) => i.itemId), ['d', 'a', 'b']);
    assert.equal(outcome.items[0].score, outcome.items[0].similarity);
    assert.deepEqual(outcome.degradedReasons, ['RANKING_UNAVAILABLE']);
    assert.equal(outcome.degradedDetail, 'rank: UNAVAILABLE', 'the code only, not the tier\'s message');
    assert.deepEqual(counted, ['RANKING_UNAVAILABLE']);
    const [logged] = logs.find('answer degraded');
    assert.equal(logged.where, 'rank');
    assert.match(JSON.stringify(logged.err), /fake tier is down/, 'the cause is in the log');
  });

  it('cancels a ranking call that does not answer within its share and answers in retrieval order', async () => {
    ranking.behaviour.rank = 'hang';
    const outcome = await run(deps('unary'), query(), 600);
    assert.deepEqual(outcome.items.map((i) => i.itemId), ['d', 'a', 'b']);
    assert.deepEqual(outcome.degradedReasons, ['RANKING_UNAVAILABLE']);
    assert.equal(outcome.degradedDetail, 'rank: DEADLINE_EXCEEDED');
  });

  it("uses the other shards' candidates when a shard is down", async () => {
    await shards[1].stop();
    const outcome = await run(deps('stream'), query({ k: 5 }));
    assert.deepEqual(outcome.items.map((i) => i.itemId), ['b', 'a']);
    assert.deepEqual(outcome.degradedReasons, ['SHARD_UNAVAILABLE']);
    assert.equal(outcome.degradedDetail, 'shard 1: UNAVAILABLE');
    assert.match(JSON.stringify(logs.find('answer degraded')[0].err), /ECONNREFUSED|No connection established/, 'the transport error is logged');
  });

  it('treats a shard serving another model version as unavailable', async () => {
    shards[0].modelVersion = 'm0';
    const outcome = await run(deps('unary'), query({ k: 5 }));
    assert.deepEqual(outcome.items.map((i) => i.itemId).sort(), ['a', 'd']);
    assert.equal(outcome.degradedDetail, 'shard 0: FAILED_PRECONDITION');
  });

  it('falls back to popular items when no shard answers', async () => {
    shards[0].behaviour.search = 'hang';
    shards[1].behaviour.search = 'unavailable';
    const outcome = await run(deps('unary'), query(), 600);
    assert.deepEqual(outcome.items.map((i) => i.itemId), ['b', 'a', 'd']);
    assert.deepEqual(outcome.degradedReasons, ['SHARD_UNAVAILABLE', 'POPULAR_FALLBACK']);
    assert.deepEqual(counted, ['SHARD_UNAVAILABLE', 'POPULAR_FALLBACK']);
  });

  for (const failure of ['unavailable', 'invalid'] as const) it(`falls back to popular items when UserNet fails (${failure})`, async () => {
    ranking.behaviour.embedUsers = failure;
    const outcome = await run(deps('stream'));
    assert.deepEqual(outcome.degradedReasons, ['RANKING_UNAVAILABLE', 'POPULAR_FALLBACK']);
    assert.equal(outcome.modelVersion, '');
    assert.equal(shards[0].calls.get('stream:search'), undefined, 'no search without a user embedding');
  });

  it('gives an unknown user without context the popular items, honouring exclusions and the filter', async () => {
    const outcome = await run(deps('unary'), query({ profile: undefined, excludeIds: ['b'], filter: { clauses: [{ field: 'genre', equals: 'drama', condition: 'equals' }] } }));
    assert.deepEqual(outcome.items.map((i) => i.itemId), ['a', 'c', 'e']);
    assert.equal(outcome.items[0].score, 1, 'popularity normalised to the best');
    assert.deepEqual(outcome.degradedReasons, ['POPULAR_FALLBACK']);
    assert.equal(ranking.calls.size, 0);
  });

  it('never gives a popular item the catalog does not have (deleted behind the gateway, or counted from an old log)', async () => {
    const base = deps('unary');
    base.popularity.record('gone', 50, 10);
    const outcome = await run(base, query({ profile: undefined, excludeIds: [] }));
    assert.deepEqual(outcome.items.map((i) => i.itemId), ['b', 'a', 'd']);
    assert.equal(outcome.items[0].score, 1, 'normalised to the best item the catalog has');
    assert.equal(base.popularity.top(1)[0].itemId, 'b', 'the missing item is forgotten');
  });

  it("reports a tier's INVALID_ARGUMENT (the caller's filter) instead of degrading", async () => {
    shards[0].behaviour.search = 'invalid';
    await assert.rejects(run(deps('stream')), (error: Error & { code?: string }) => error.code === 'INVALID_ARGUMENT' && /unknown feature/.test(error.message));
  });

  it('rejects with CANCELLED when the caller cancels', async () => {
    ranking.behaviour.rank = 'hang';
    const controller = new AbortController();
    const pending = run(deps('unary'), query(), 5000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (error: Error & { code?: string }) => error.code === 'CANCELLED');
  });

  it('goes unary while the ranking stream is broken, and back to the stream once it reconnects', async () => {
    let clockMs = 0;
    const logs = createMemorySink();
    const rankingPort = streamingRankingPort(rankingClient(ranking.address), { logger: createLogger({ destination: logs }), reconnectDelayMs: 1000, now: () => clockMs });
    closers.push(() => rankingPort.close());
    const d = { ...deps('unary'), ranking: rankingPort };
    await run(d);
    assert.equal(ranking.calls.get('stream:embedUsers'), 1);
    ranking.endStreams();
    // Whether the next call meets the broken stream or finds it closed, it is answered unary.
    for (let i = 0; i < 2; i++) assert.deepEqual((await run(d)).degradedReasons, []);
    assert.equal(ranking.calls.get('EmbedUsers'), 2, 'unary while the stream is down');
    assert.equal(ranking.calls.get('stream:embedUsers'), 1);
    clockMs += 1000;
    assert.deepEqual((await run(d)).degradedReasons, []);
    assert.equal(ranking.calls.get('stream:embedUsers'), 2, 'the stream is open again');
    assert.deepEqual(logs.find('stream broke').map((line) => line.stream), ['ranking']);
    assert.equal(logs.find('stream down: requests go as unary calls').length, 1, 'an outage is logged once, not per request');
    assert.deepEqual(logs.find('stream opened again').map((line) => line.unaryFallbacks), [4], 'EmbedUsers and Rank of two Recommends went unary');
  });

  it('sends each Search the budget left as timeout_ms, over unary calls and on the stream', async () => {
    for (const transport of ['unary', 'stream'] as const) {
      for (const shard of shards) shard.searchTimeoutsMs.length = 0;
      await run(deps(transport), query(), 2000);
      const sent = shards.flatMap((shard) => shard.searchTimeoutsMs);
      assert.equal(sent.length, shards.length, transport);
      // The search stage ends at 60 % of the 2000 ms budget; time has passed since the start.
      for (const timeoutMs of sent) assert.ok(timeoutMs > 0 && timeoutMs <= 1200, `${transport}: timeout_ms ${timeoutMs}`);
    }
  });
});
