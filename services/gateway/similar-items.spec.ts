import assert from 'node:assert/strict';
import { DlrsError } from '../../shared/errors/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { SimilarItemsRequest } from '../../shared/generated/dlrs/v1/SimilarItemsRequest.js';
import { startTestGateway } from './testing/start-test-gateway.js';
import type { TestGateway } from './testing/start-test-gateway.js';
import { failureOf } from '../../shared/errors/testing/failure-of.js';

// The test catalog's embeddings are [s, 0, 0]: the neighbours of any item are in similarity
// order xd a b xe c, and RankNet (bias) order is b xe c a xd.
describe('SimilarItems over a real gRPC gateway and in-test Retrieval/Ranking gRPC servers', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.stop();
  });

  const similar = (request: SimilarItemsRequest) => callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.SimilarItems(request, md, o, cb), { deadline: Date.now() + 5000 });
  const ids = (response: RecommendResponse__Output) => response.items.map((item) => item.itemId);
  /** User u1 views item c: a known user whose seen item is among every query's neighbours. */
  const viewC = () =>
    callUnary<RecordInteractionsResponse__Output>((md, o, cb) => gateway.client.RecordInteractions({ events: [{ userId: 'u1', interaction: { itemId: 'c', eventType: 'view', timestampMs: 1000, eventId: 'e1' } }] }, md, o, cb), {
      deadline: Date.now() + 5000,
    });

  it('answers the nearest items in similarity order with titles, the query items excluded, from both shards', async () => {
    const response = await similar({ requestId: 's1', itemIds: ['a'], k: 3 });
    assert.deepEqual(response.items.map((i) => [i.itemId, i.rank, i.title]), [['xd', 1, 'Title XD'], ['b', 2, 'Title B'], ['xe', 3, 'Title XE']]);
    assert.equal(response.requestId, 's1');
    assert.equal(response.degraded, false);
    assert.ok(Math.abs(response.items[0].similarity - 0.9 * 0.95) < 1e-6, 'the query is e_a, the similarity e_a . e_xd');
    assert.deepEqual(ids(await similar({ itemIds: ['a', 'xd'], k: 10 })), ['b', 'xe', 'c']);
  });

  it('applies exclusions and filters as Recommend does', async () => {
    assert.deepEqual(ids(await similar({ itemIds: ['a'], excludeIds: ['xd'], filter: { clauses: [{ field: 'genre', equals: 'drama' }] } })), ['xe', 'c']);
  });

  it('ranks the neighbours with RankNet for a given user', async () => {
    const recorded = await viewC();
    assert.equal(recorded.accepted, 1);
    const response = await similar({ itemIds: ['a'], k: 3, userId: 'u1' });
    assert.deepEqual(ids(response), ['b', 'xe', 'c'], 'RankNet order; the seen item c stays allowed');
    assert.equal(response.degraded, false);
  });

  it('flags a shard that did not answer and serves the other shard', async () => {
    gateway.shards[1].behaviour.search = 'unavailable';
    const response = await similar({ itemIds: ['a'] });
    assert.deepEqual(ids(response), ['b', 'c']);
    assert.deepEqual(response.degradedReasons, ['SHARD_UNAVAILABLE']);
  });

  it('refuses an unknown id with NOT_FOUND naming it, and bad input with INVALID_ARGUMENT naming the field', async () => {
    const unknown = await failureOf(similar({ itemIds: ['a', 'nope'] }));
    assert.deepEqual([unknown.code, unknown.field], ['NOT_FOUND', 'item_ids[1]']);
    assert.match(unknown.message, /'nope'/);
    const none = await failureOf(similar({ itemIds: [] }));
    assert.deepEqual([none.code, none.field], ['INVALID_ARGUMENT', 'item_ids']);
    const empty = await failureOf(similar({ itemIds: ['a', ''] }));
    assert.deepEqual([empty.code, empty.field], ['INVALID_ARGUMENT', 'item_ids[1]']);
    const many = await failureOf(similar({ itemIds: Array.from({ length: 21 }, (_, i) => `i${i}`) }));
    assert.deepEqual([many.code, many.field], ['INVALID_ARGUMENT', 'item_ids']);
    const k = await failureOf(similar({ itemIds: ['a'], k: 51 }));
    assert.deepEqual([k.code, k.field], ['INVALID_ARGUMENT', 'k']);
    const filter = await failureOf(similar({ itemIds: ['a'], filter: { clauses: [{ field: 'colour', equals: 'red' }] } }));
    assert.deepEqual([filter.code, filter.field], ['INVALID_ARGUMENT', 'filter.clauses[0].field']);
  });

  describe('by raw features', () => {
    const embedCalls = () => gateway.shards.reduce((sum, shard) => sum + (shard.calls.get('EmbedItems') ?? 0), 0);

    it("searches every shard with ItemNet's embedding of the features, from one shard", async () => {
      const response = await similar({ requestId: 'f1', item: { features: { genre: { text: 'drama' } } }, k: 10 });
      assert.deepEqual(ids(response), ['xd', 'a', 'b', 'xe', 'c'], 'nothing excluded: the item has no id');
      assert.equal(response.degraded, false);
      assert.equal(response.modelVersion, 'm1');
      assert.ok(Math.abs(response.items[0].similarity - 0.95) < 1e-6, 'the query is fakeItemNet(drama) = [1, 0, 0]');
      assert.equal(embedCalls(), 1, 'one shard embeds');
      const comedy = await similar({ item: { features: { genre: { text: 'comedy' } } }, k: 1 });
      assert.ok(Math.abs(comedy.items[0].similarity - 0.95 * 0.5) < 1e-6, 'another genre, another embedding');
      assert.equal(embedCalls(), 2);
    });

    it("excludes the item's id when given, and applies filters and exclusions", async () => {
      assert.deepEqual(ids(await similar({ item: { id: 'a', features: { genre: { text: 'drama' } } }, excludeIds: ['xd'], filter: { clauses: [{ field: 'genre', equals: 'drama' }] } })), ['xe', 'c']);
    });

    it('ranks the neighbours with RankNet for a given user', async () => {
      assert.deepEqual(ids(await similar({ item: { features: { genre: { text: 'comedy' } } }, k: 3, userId: 'stranger' })), ['xd', 'a', 'b'], 'an unknown user: similarity order');
      const recorded = await viewC();
      assert.equal(recorded.accepted, 1);
      const response = await similar({ item: { features: { genre: { text: 'comedy' } } }, k: 3, userId: 'u1' });
      assert.deepEqual(ids(response), ['b', 'xe', 'c'], 'RankNet (bias) order; the seen item c stays allowed');
      assert.equal(response.degraded, false);
    });

    it('embeds on the next shard when one fails; all failing is UNAVAILABLE', async () => {
      gateway.shards[0].behaviour.embedItems = 'unavailable';
      const both = await Promise.all([similar({ item: { features: { genre: { text: 'drama' } } } }), similar({ item: { features: { genre: { text: 'drama' } } } })]);
      for (const response of both) {
        assert.deepEqual(ids(response), ['xd', 'a', 'b', 'xe', 'c']);
        assert.equal(response.degraded, false);
      }
      gateway.shards[1].behaviour.embedItems = 'unavailable';
      const down = await failureOf(similar({ item: { features: { genre: { text: 'drama' } } } }));
      assert.equal(down.code, 'UNAVAILABLE');
      assert.doesNotMatch(down.message, /fake tier|127\.0\.0\.1/, 'no downstream text or address');
    });

    it("passes a shard's INVALID_ARGUMENT on at once, named as the caller sent the field", async () => {
      gateway.shards[0].behaviour.embedItems = 'invalid';
      gateway.shards[1].behaviour.embedItems = 'invalid';
      const refused = await failureOf(similar({ item: { features: { genre: { text: 'drama' } } } }));
      assert.deepEqual([refused.code, refused.field], ['INVALID_ARGUMENT', 'item.features["genre"]']);
      assert.equal(embedCalls(), 1, 'not retried on the other shard: the request is at fault');
    });

    it('never mixes model versions: a shard serving another version than the embedding is left out, flagged', async () => {
      gateway.shards[0].behaviour.embedItems = 'unavailable';
      gateway.shards[1].modelVersion = 'm2';
      const response = await similar({ item: { features: { genre: { text: 'drama' } } } });
      assert.deepEqual(ids(response), ['xd', 'xe'], "shard 1's items only: shard 1 (m2) embedded, shard 0 serves m1");
      assert.equal(response.modelVersion, 'm2');
      assert.deepEqual(response.degradedReasons, ['SHARD_UNAVAILABLE']);
      assert.match(response.degradedDetail, /shard 0: FAILED_PRECONDITION/);
    });

    it('refuses both or neither of item_ids and item, and features the model does not have, naming the field', async () => {
      const both = await failureOf(similar({ itemIds: ['a'], item: { features: { genre: { text: 'drama' } } } }));
      assert.deepEqual([both.code, both.field], ['INVALID_ARGUMENT', 'item_ids']);
      assert.match(both.message, /not both/);
      const neither = await failureOf(similar({}));
      assert.deepEqual([neither.code, neither.field], ['INVALID_ARGUMENT', 'item_ids']);
      assert.match(neither.message, /item_ids or item is required/);
      const unknown = await failureOf(similar({ item: { features: { colour: { text: 'red' } } } }));
      assert.deepEqual([unknown.code, unknown.field], ['INVALID_ARGUMENT', 'item.features["colour"]']);
      const kind = await failureOf(similar({ item: { features: { genre: { number: 3 } } } }));
      assert.deepEqual([kind.code, kind.field], ['INVALID_ARGUMENT', 'item.features["genre"]']);
      assert.match(kind.message, /categorical: send text/);
      const empty = await failureOf(similar({ item: { id: 'new' } }));
      assert.deepEqual([empty.code, empty.field], ['INVALID_ARGUMENT', 'item.features']);
      const long = await failureOf(similar({ item: { features: { genre: { text: 'd'.repeat(300) } } } }));
      assert.deepEqual([long.code, long.field], ['INVALID_ARGUMENT', 'item.features["genre"].text']);
      assert.equal(embedCalls(), 0, 'bad input never reaches a shard');
    });
  });
});

describe('SimilarItems on RecommendStream over a real gRPC gateway and in-test Retrieval/Ranking gRPC servers', () => {
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
  });

  after(async () => {
    await gateway.stop();
  });

  it('answers SimilarItems and Recommend requests on one stream by request id; each bad request fails alone, named under similar_items', async () => {
    const stream = gateway.client.RecommendStream();
    const answers = new Map<string, RecommendStreamResponse__Output>();
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: RecommendStreamResponse__Output) => answers.set(message.requestId, message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({ requestId: 'ids', similarItems: { requestId: 'ignored', itemIds: ['a'], k: 3 } });
    stream.write({ requestId: 'rec', userId: 'nobody', k: 2 });
    stream.write({ requestId: 'features', similarItems: { item: { features: { genre: { text: 'drama' } } }, k: 2 } });
    stream.write({ requestId: 'unknown', similarItems: { itemIds: ['nope'] } });
    stream.write({ requestId: 'both', userId: 'u1', similarItems: { itemIds: ['a'] } });
    stream.write({ requestId: 'empty', similarItems: {} });
    stream.end();
    await done;
    assert.deepEqual([...answers.keys()].sort(), ['both', 'empty', 'features', 'ids', 'rec', 'unknown']);
    assert.deepEqual(answers.get('ids')?.response?.items.map((item) => item.itemId), ['xd', 'b', 'xe']);
    assert.equal(answers.get('ids')?.response?.requestId, 'ids', "the stream message's request id, not the inner one");
    assert.deepEqual(answers.get('features')?.response?.items.map((item) => item.itemId), ['xd', 'a']);
    assert.deepEqual(answers.get('rec')?.response?.degradedReasons, ['POPULAR_FALLBACK'], 'a Recommend request beside them, answered as usual');
    assert.deepEqual([answers.get('unknown')?.error?.code, answers.get('unknown')?.error?.field], [5, 'similar_items.item_ids[0]']);
    assert.deepEqual([answers.get('both')?.error?.code, answers.get('both')?.error?.field], [3, 'similar_items']);
    assert.deepEqual([answers.get('empty')?.error?.code, answers.get('empty')?.error?.field], [3, 'similar_items.item_ids']);
  });

  it('refuses similar_items on unary Recommend, naming the field', async () => {
    const refused = await callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend({ userId: 'u1', similarItems: { itemIds: ['a'] } }, md, o, cb), { deadline: Date.now() + 5000 }).then(
      () => assert.fail('expected INVALID_ARGUMENT'),
      (error: unknown) => DlrsError.from(error),
    );
    assert.deepEqual([refused.code, refused.field], ['INVALID_ARGUMENT', 'similar_items']);
  });
});

describe('Recommend query_mode over a real gRPC gateway and in-test Retrieval/Ranking gRPC servers', () => {
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
    const events = [
      { userId: 'u2', interaction: { itemId: 'c', eventType: 'view', timestampMs: 1000, eventId: 'q1' } },
      { userId: 'u2', interaction: { itemId: 'xe', eventType: 'view', timestampMs: 2000, eventId: 'q2' } },
    ];
    await callUnary<RecordInteractionsResponse__Output>((md, o, cb) => gateway.client.RecordInteractions({ events }, md, o, cb), { deadline: Date.now() + 5000 });
  });

  after(async () => {
    await gateway.stop();
  });

  const similarityOfB = async (queryMode: 'USER_NET' | 'PSEUDO_USER' | 'LAST_ITEM'): Promise<number> => {
    const response = await callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend({ userId: 'u2', k: 3, queryMode }, md, o, cb), { deadline: Date.now() + 5000 });
    assert.deepEqual(response.items.map((item) => item.itemId), ['b', 'a', 'xd'], 'ranked by RankNet whatever the query; the seen items excluded');
    assert.equal(response.degraded, false);
    return response.items[0].similarity;
  };

  it('retrieves with the newest item (LAST_ITEM) or the recency-weighted mean of the recent items (PSEUDO_USER)', async () => {
    // e_b = [0.8, 0, 0]; the newest item is xe (0.7), then c (0.5) with half the weight.
    assert.ok(Math.abs((await similarityOfB('LAST_ITEM')) - 0.8 * 0.7) < 1e-6);
    assert.ok(Math.abs((await similarityOfB('PSEUDO_USER')) - (0.8 * (0.7 + 0.5 * 0.5)) / 1.5) < 1e-6);
    const userNet = await similarityOfB('USER_NET');
    assert.ok(Math.abs(userNet - 0.8 * 0.7) > 1e-3 && Math.abs(userNet - (0.8 * 0.95) / 1.5) > 1e-3, 'e_u, neither item query');
  });
});
