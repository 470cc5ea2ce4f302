import assert from 'node:assert/strict';
import { DlrsError } from '../../shared/errors/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import type { DeleteItemsResponse__Output } from '../../shared/generated/dlrs/v1/DeleteItemsResponse.js';
import type { DeleteProfileResponse__Output } from '../../shared/generated/dlrs/v1/DeleteProfileResponse.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { SessionResponse__Output } from '../../shared/generated/dlrs/v1/SessionResponse.js';
import type { UpsertItemsResponse__Output } from '../../shared/generated/dlrs/v1/UpsertItemsResponse.js';
import type { UserEvent } from '../../shared/generated/dlrs/v1/UserEvent.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { readInteractionLog } from '../../shared/interaction-log/index.js';
import type { InteractionLogRecord } from '../../shared/interaction-log/index.js';
import { startTestGateway } from './testing/start-test-gateway.js';
import type { TestGateway } from './testing/start-test-gateway.js';
import { failureOf } from '../../shared/errors/testing/failure-of.js';

describe('gateway service over a real gRPC server and in-test Retrieval/Ranking gRPC servers', () => {
  let gateway: TestGateway;
  let client: RecommenderClient;
  let store: TestGateway['store'];
  let shards: TestGateway['shards'];

  beforeEach(async () => {
    gateway = await startTestGateway();
    ({ client, store, shards } = gateway);
  });

  afterEach(async () => {
    await gateway.stop();
  });

  const budget = () => ({ deadline: Date.now() + 5000 });
  const recommendFor = (request: RecommendRequest) => callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), budget());
  const record = (events: UserEvent[]) => callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events }, md, o, cb), budget());
  const getProfile = (userId: string) => callUnary<UserProfile__Output>((md, o, cb) => client.GetProfile({ userId }, md, o, cb), budget());
  const deleteProfile = (userId: string) => callUnary<DeleteProfileResponse__Output>((md, o, cb) => client.DeleteProfile({ userId }, md, o, cb), budget());
  const readLog = async (): Promise<InteractionLogRecord[]> => {
    await gateway.log.flush();
    const records: InteractionLogRecord[] = [];
    for await (const r of readInteractionLog(gateway.logDir)) records.push(r);
    return records;
  };

  it('records events idempotently, then recommends for the user with the seen item excluded, and logs both', async () => {
    const events = [
      { userId: 'u1', interaction: { itemId: 'c', eventType: 'purchase', timestampMs: 1000, eventId: 'e1' } },
      { userId: 'u1', interaction: { itemId: 'xe', eventType: 'view', timestampMs: 2000, eventId: 'e2' } },
    ];
    assert.deepEqual(await record(events), { accepted: 2, duplicates: 0 });
    assert.deepEqual(await record(events), { accepted: 0, duplicates: 2 });
    const profile = await getProfile('u1');
    assert.equal(profile.eventCount, 2);
    assert.deepEqual(profile.categorical.find((c) => c.feature === 'genre')?.weights, { drama: 4 });

    const response = await recommendFor({ requestId: 'r1', userId: 'u1', k: 3 });
    assert.deepEqual(response.items.map((i) => [i.itemId, i.rank, i.title]), [['b', 1, 'Title B'], ['a', 2, 'Title A'], ['xd', 3, 'Title XD']]);
    assert.equal(response.degraded, false);
    assert.equal(response.modelVersion, 'm1');
    const logged = await readLog();
    assert.deepEqual(logged.filter((r) => r.type === 'interaction').map((r) => (r.type === 'interaction' ? r.eventId : '')), ['e1', 'e2']);
    const impression = logged.find((r) => r.type === 'impression');
    assert.deepEqual(impression && impression.type === 'impression' ? [impression.userId, impression.items, impression.modelVersion] : [], ['u1', ['b', 'a', 'xd'], 'm1']);
  });

  it('answers an unknown user with popular items, flagged and counted in the metrics', async () => {
    await record([{ userId: 'u1', interaction: { itemId: 'a', eventType: 'purchase', timestampMs: 0, eventId: 'e1' } }, { userId: 'u2', interaction: { itemId: 'b', eventType: 'view', timestampMs: 0 } }]);
    const response = await recommendFor({ requestId: 'r2', userId: 'stranger', k: 5 });
    assert.deepEqual(response.items.map((i) => i.itemId), ['a', 'b']);
    assert.deepEqual(response.degradedReasons, ['POPULAR_FALLBACK']);
    const scrape = await (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
    assert.match(scrape, /dlrs_gateway_degraded_total\{[^}]*reason="POPULAR_FALLBACK"[^}]*\} 1/);
  });

  it('never puts an item the catalog lacks first in the popular fallback, however heavy its event', async () => {
    await record([{ userId: 'u1', interaction: { itemId: 'b', eventType: 'view' } }]);
    // 3e38: refused, and nothing of its batch is written.
    await assert.rejects(
      record([
        { userId: 'u2', interaction: { itemId: 'a', eventType: 'view' } },
        { userId: 'u2', interaction: { itemId: 'ghost', eventType: 'view', weight: 3e38 } },
      ]),
      (error: DlrsError) => error.code === 'INVALID_ARGUMENT' && error.field === 'events[1].interaction.weight' && /at most 100, got 3(\.\d+)?e\+38/.test(error.message),
    );
    await assert.rejects(getProfile('u2'), (error: DlrsError) => error.code === 'NOT_FOUND');
    // The largest weight allowed, on an id retrieval does not know: the profile learns it, popularity does not.
    assert.deepEqual(await record([{ userId: 'u3', interaction: { itemId: 'ghost', eventType: 'view', weight: 100 } }]), { accepted: 1, duplicates: 0 });
    const popular = await recommendFor({ requestId: 'p1', userId: 'nobody', k: 5 });
    assert.deepEqual(popular.items.map((i) => i.itemId), ['b']);
    assert.equal((await getProfile('u3')).recentItems[0]?.itemId, 'ghost');
  });

  it('rejects bad input with INVALID_ARGUMENT naming the field, and NOT_FOUND for a missing profile', async () => {
    const bad = await failureOf(record([{ userId: 'u1', interaction: { itemId: '', eventType: 'view' } }]));
    assert.deepEqual([bad.code, bad.field], ['INVALID_ARGUMENT', 'events[0].interaction.item_id']);
    const k = await failureOf(recommendFor({ userId: 'u1', k: 51 }));
    assert.deepEqual([k.code, k.field], ['INVALID_ARGUMENT', 'k']);
    const missing = await failureOf(getProfile('nobody'));
    assert.equal(missing.code, 'NOT_FOUND');
  });

  it('erases a profile', async () => {
    await record([{ userId: 'u1', interaction: { itemId: 'a', eventType: 'view', timestampMs: 1 } }]);
    assert.deepEqual(await deleteProfile('u1'), { deleted: true });
    assert.deepEqual(await deleteProfile('u1'), { deleted: false });
    assert.equal(await store.get('u1'), undefined);
  });

  it('answers many requests on one RecommendStream by request id; a bad request fails alone', async () => {
    const stream = client.RecommendStream();
    const answers = new Map<string, RecommendStreamResponse__Output>();
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: RecommendStreamResponse__Output) => answers.set(message.requestId, message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (let i = 0; i < 6; i++) stream.write({ requestId: `q${i}`, userId: `user${i}`, k: i === 3 ? 1000 : 2 });
    stream.end();
    await done;
    assert.deepEqual([...answers.keys()].sort(), ['q0', 'q1', 'q2', 'q3', 'q4', 'q5']);
    assert.equal(answers.get('q3')?.error?.field, 'k');
    assert.equal(answers.get('q3')?.error?.code, 3);
    assert.equal(answers.get('q5')?.response?.items.length, 0, 'no popular items yet');
    assert.deepEqual(answers.get('q5')?.response?.degradedReasons, ['POPULAR_FALLBACK']);
  });

  it('stops reading a RecommendStream while maxInFlightPerStream requests are in flight (backpressure)', async () => {
    await record([{ userId: 'u1', interaction: { itemId: 'a', eventType: 'view', timestampMs: 1 } }]);
    gateway.ranking.behaviour.embedUsers = 'hang';
    const stream = client.RecommendStream();
    stream.on('error', () => undefined); // cancelled below
    for (let i = 0; i < 5; i++) stream.write({ requestId: `q${i}`, userId: 'u1', timeoutMs: 60_000 });
    const embedCalls = () => gateway.ranking.calls.get('stream:embedUsers') ?? 0;
    while (embedCalls() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    // The bound is 2: however long the first two hang, the other three are not started.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(embedCalls(), 2);
    stream.cancel();
  });

  it('refuses a Recommend beyond maxRecommendsInFlight at once with RESOURCE_EXHAUSTED, and admits again when one finishes', async () => {
    await record([{ userId: 'u1', interaction: { itemId: 'a', eventType: 'view', timestampMs: 1 } }]);
    gateway.ranking.behaviour.embedUsers = 'hang';
    const hanging = [0, 1, 2].map((i) => callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ requestId: `h${i}`, userId: 'u1' }, md, o, cb), { deadline: Date.now() + 1500 }));
    const embedCalls = () => gateway.ranking.calls.get('stream:embedUsers') ?? 0;
    while (embedCalls() < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    // The bound is 3 (TEST_LIMITS): the fourth is refused without waiting for the three.
    await assert.rejects(recommendFor({ requestId: 'r4', userId: 'u1' }), (error: DlrsError) => error.code === 'RESOURCE_EXHAUSTED' && /limit of 3/.test(error.message));
    assert.equal(embedCalls(), 3, 'the refused request reached no tier');
    gateway.ranking.behaviour.embedUsers = 'ok';
    await Promise.allSettled(hanging);
    const answer = await recommendFor({ requestId: 'r5', userId: 'u1', k: 2 });
    assert.equal(answer.items.length, 2, 'admitted again once the slots are free');
  });

  it('pushes fresh recommendations after each event of a session', async () => {
    const session = client.Session();
    const pushes: SessionResponse__Output[] = [];
    const done = new Promise<void>((resolve, reject) => {
      session.on('data', (message: SessionResponse__Output) => {
        pushes.push(message);
        if (pushes.length === 1) session.write({ event: { itemId: 'b', eventType: 'view', eventId: 's1' } });
        if (pushes.length === 2) session.end();
      });
      session.on('end', resolve);
      session.on('error', reject);
    });
    session.write({ start: { userId: 'live', k: 2 } });
    await done;
    assert.deepEqual(pushes[0].recommendations?.degradedReasons, ['POPULAR_FALLBACK'], 'a new user starts with popular items');
    assert.equal(pushes[1].eventId, 's1');
    assert.equal(pushes[1].recommendations?.degraded, false, 'after one event the user has a profile');
    assert.ok(!pushes[1].recommendations?.items.some((i) => i.itemId === 'b'), 'the item just seen is excluded');
    assert.equal((await store.get('live'))?.learned.eventCount, 1);
  });

  it('routes upserted and deleted items to the shard that owns them', async () => {
    const items = [
      { id: 'xnew', features: { genre: { text: 'comedy' } } },
      { id: 'new', features: { genre: { text: 'drama' } } },
    ];
    const upserted = await callUnary<UpsertItemsResponse__Output>((md, o, cb) => client.UpsertItems({ items }, md, o, cb), budget());
    assert.deepEqual(upserted, { upserted: 2, modelVersion: 'm1' });
    assert.equal(shards[0].calls.get('UpsertItems'), 1);
    assert.equal(shards[1].calls.get('UpsertItems'), 1);
    await record([{ userId: 'u9', interaction: { itemId: 'xnew', eventType: 'view', timestampMs: 1 } }]);
    assert.deepEqual((await store.get('u9'))?.learned.values.genre, { comedy: 1 }, 'the new item’s features are used');
    const deleted = await callUnary<DeleteItemsResponse__Output>((md, o, cb) => client.DeleteItems({ itemIds: ['xnew', 'ghost'] }, md, o, cb), budget());
    assert.deepEqual(deleted, { deleted: 1, notFound: ['ghost'] });
    // The log keeps the acknowledged catalog changes for retraining; 'ghost' was never there.
    const changes = (await readLog()).filter((r) => r.type === 'item-upsert' || r.type === 'item-delete').map(({ timestamp: _t, ...r }) => r);
    assert.deepEqual(changes, [
      { type: 'item-upsert', itemId: 'xnew', features: { genre: 'comedy' } },
      { type: 'item-upsert', itemId: 'new', features: { genre: 'drama' } },
      { type: 'item-delete', itemId: 'xnew' },
    ]);
  });

  it('logs no catalog change a shard did not acknowledge', async () => {
    await shards[1].stop();
    await assert.rejects(callUnary((md, o, cb) => client.UpsertItems({ items: [{ id: 'a1', features: { genre: { text: 'comedy' } } }, { id: 'xa1', features: { genre: { text: 'drama' } } }] }, md, o, cb), budget()));
    assert.deepEqual((await readLog()).filter((r) => r.type === 'item-upsert'), []);
  });

  it('tells a client which shard failed and with which code, never the downstream error or its address', async () => {
    await record([{ userId: 'u1', interaction: { itemId: 'c', eventType: 'purchase', timestampMs: 1000, eventId: 'e1' } }]);
    await shards[1].stop();
    const answer = await recommendFor({ userId: 'u1', k: 3 });
    assert.deepEqual(answer.degradedReasons, ['SHARD_UNAVAILABLE']);
    assert.equal(answer.degradedDetail, 'shard 1: UNAVAILABLE');
    const refused = await callUnary((md, o, cb) => client.UpsertItems({ items: [{ id: 'xnew', features: {} }] }, md, o, cb), budget()).then(
      () => assert.fail('the write to a stopped shard was acknowledged'),
      (error: unknown) => DlrsError.from(error),
    );
    assert.deepEqual([refused.code, refused.message], ['UNAVAILABLE', 'shard 1 failed with UNAVAILABLE']);
    const leak = /\d{1,3}(\.\d{1,3}){3}|ECONNREFUSED|No connection|connect|localhost|:\d{2,5}/i;
    for (const text of [answer.degradedDetail, refused.message]) assert.doesNotMatch(text, leak);
    // The cause is logged for the operator.
    const causes = [...gateway.logs.find('answer degraded'), ...gateway.logs.find('catalog call to a shard failed')].map((line) => JSON.stringify(line.err));
    assert.equal(causes.length, 2);
    for (const cause of causes) assert.match(cause, /ECONNREFUSED|No connection established/);
  });
});
