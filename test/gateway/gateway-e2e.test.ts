import assert from 'node:assert/strict';
import { credentials } from '@grpc/grpc-js';
import type { ModelBundle } from '../../shared/bundle/index.js';
import { OWN_CONNECTION, callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { SessionResponse__Output } from '../../shared/generated/dlrs/v1/SessionResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import type { RankingServer } from '../../services/ranking/index.js';
import { call, floats } from '../fixtures/retrieval-shard.js';
import type { StandInShard } from '../fixtures/retrieval-shard.js';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';

const SHARDS = 2;

describe('gateway end to end: a trained bundle served by real ranking and two real retrieval shards', function () {
  this.timeout(120_000);
  let stack: ServingStack;
  let bundle: ModelBundle;
  let ranking: RankingServer;
  let shards: StandInShard[];
  let client: RecommenderClient;

  before(async () => {
    stack = await startServingStack({ shards: SHARDS });
    ({ bundle, ranking, shards } = stack);
    client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(stack.address, credentials.createInsecure(), OWN_CONNECTION);
  });

  after(async () => {
    client?.close();
    await stack?.stop();
  });

  const budget = () => ({ deadline: Date.now() + 10_000 });
  const recommendFor = (request: RecommendRequest) => callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), budget());
  const record = (userId: string, itemIds: string[]) =>
    callUnary<RecordInteractionsResponse__Output>(
      (md, o, cb) => client.RecordInteractions({ events: itemIds.map((itemId, i) => ({ userId, interaction: { itemId, eventType: 'view', timestampMs: 1000 + i, eventId: `${userId}-${itemId}` } })) }, md, o, cb),
      budget(),
    );

  it('recommends for a recorded user: ranked, scored, titled, seen items excluded, the bundle’s model version', async () => {
    const seen = bundle.items.slice(0, 5).map((item) => item.id);
    assert.deepEqual(await record('u1', seen), { accepted: 5, duplicates: 0 });
    const response = await recommendFor({ requestId: 'r1', userId: 'u1', k: 10, candidates: 100 });
    assert.equal(response.degraded, false, response.degradedDetail);
    assert.equal(response.modelVersion, bundle.manifest.modelVersion);
    assert.equal(response.items.length, 10);
    assert.deepEqual(response.items.map((i) => i.rank), Array.from({ length: 10 }, (_, i) => i + 1));
    assert.ok(response.items.every((i) => !seen.includes(i.itemId)), 'seen items are excluded');
    assert.ok(response.items.every((i) => i.score >= 0 && i.score <= 1 && i.title !== ''));
    response.items.forEach((item, i) => i > 0 && assert.ok(response.items[i - 1].score >= item.score));
    const shardsUsed = new Set(response.items.map((i) => shardOf(i.itemId, SHARDS)));
    assert.equal(shardsUsed.size, SHARDS, 'candidates come from both shards');
  });

  it('recommends for an inline context, honouring an attribute filter', async () => {
    const category = bundle.items[0].features.category as string;
    const response = await recommendFor({
      userId: undefined,
      context: { interactions: bundle.items.slice(10, 13).map((item) => ({ itemId: item.id, eventType: 'view' })) },
      k: 5,
      filter: { clauses: [{ field: 'category', equals: category }] },
    });
    assert.equal(response.degraded, false, response.degradedDetail);
    const byId = new Map(bundle.items.map((item) => [item.id, item]));
    assert.ok(response.items.length > 0);
    assert.ok(response.items.every((i) => byId.get(i.itemId)?.features.category === category));
  });

  it('finds items like one outside the catalog, by its raw features, with the ItemNet of the served version', async () => {
    const model = bundle.items[5];
    const features = Object.fromEntries(
      Object.entries(model.features).map(([name, value]) => [name, typeof value === 'number' ? { number: value } : typeof value === 'string' ? { text: value } : { texts: { values: value } }]),
    );
    const response = await callUnary<RecommendResponse__Output>((md, o, cb) => client.SimilarItems({ requestId: 'f1', item: { id: 'not-in-catalog', features }, k: 10 }, md, o, cb), budget());
    assert.equal(response.degraded, false, response.degradedDetail);
    assert.equal(response.modelVersion, bundle.manifest.modelVersion);
    assert.equal(response.items.length, 10);
    response.items.forEach((item, i) => i > 0 && assert.ok(response.items[i - 1].similarity >= item.similarity));
    // The query is what a shard's ItemNet makes of these features: the similarity is e_q . e_i.
    const embedded = await call(shards[0].client.EmbedItems.bind(shards[0].client), { items: [{ id: 'not-in-catalog', features }] });
    const first = response.items[0].itemId;
    const owner = shards[shardOf(first, SHARDS)];
    const stored = await call(owner.client.GetItems.bind(owner.client), { itemIds: [first], includeEmbeddings: true });
    const query = floats(embedded.embeddings);
    const expected = floats(stored.items[0].embedding).reduce((sum, v, j) => sum + v * query[j], 0);
    assert.ok(Math.abs(response.items[0].similarity - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `${response.items[0].similarity} vs ${expected}`);
  });

  it('answers many requests on one RecommendStream, a SimilarItems request among them', async () => {
    const stream = client.RecommendStream();
    const answers = new Map<string, RecommendStreamResponse__Output>();
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: RecommendStreamResponse__Output) => answers.set(message.requestId, message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (let i = 0; i < 20; i++) stream.write({ requestId: `s${i}`, userId: 'u1', k: 3 });
    const like = bundle.items[7].id;
    stream.write({ requestId: 'like', similarItems: { itemIds: [like], k: 3 } });
    stream.end();
    await done;
    assert.equal(answers.size, 21);
    for (const answer of answers.values()) assert.equal(answer.response?.items.length, 3, answer.error?.message);
    const similar = answers.get('like')?.response;
    assert.equal(similar?.degraded, false, similar?.degradedDetail);
    assert.ok(!similar?.items.some((item) => item.itemId === like), 'a SimilarItems request on the stream, its query item excluded');
  });

  it('pushes fresh, personalised recommendations after each event of a session', async () => {
    const session = client.Session();
    const pushes: SessionResponse__Output[] = [];
    const events = bundle.items.slice(20, 22).map((item, i) => ({ itemId: item.id, eventType: 'view', eventId: `live-${i}` }));
    const done = new Promise<void>((resolve, reject) => {
      session.on('data', (message: SessionResponse__Output) => {
        pushes.push(message);
        const next = events[pushes.length - 1];
        if (next) session.write({ event: next });
        else session.end();
      });
      session.on('end', resolve);
      session.on('error', reject);
    });
    session.write({ start: { userId: 'live', k: 5 } });
    await done;
    assert.equal(pushes.length, 3);
    assert.deepEqual(pushes[0].recommendations?.degradedReasons, ['POPULAR_FALLBACK'], 'a new user starts with popular items');
    for (const [i, push] of pushes.slice(1).entries()) {
      assert.equal(push.eventId, `live-${i}`);
      assert.equal(push.recommendations?.degraded, false);
      assert.ok(!push.recommendations?.items.some((item) => item.itemId === events[i].itemId), 'the item just seen is excluded');
    }
  });

  it('degrades instead of failing: a shard down, then ranking down', async () => {
    await shards[1].stop();
    const oneShard = await recommendFor({ userId: 'u1', k: 5 });
    assert.deepEqual(oneShard.degradedReasons, ['SHARD_UNAVAILABLE']);
    assert.ok(oneShard.items.every((i) => shardOf(i.itemId, SHARDS) === 0));
    await ranking.close('ranking down');
    const noRanking = await recommendFor({ userId: 'u1', k: 5 });
    // Without UserNet there is no user embedding to search with: popular items answer.
    assert.deepEqual(noRanking.degradedReasons, ['RANKING_UNAVAILABLE', 'POPULAR_FALLBACK'], noRanking.degradedDetail);
    assert.ok(noRanking.items.length > 0);
  });
});
