import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import type { Item } from '../../shared/features/index.js';
import type { SearchRequest } from '../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse__Output } from '../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse__Output } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { shardOf } from '../../shared/sharding/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { OWN_CONNECTION } from '../../shared/grpc/index.js';
import { checkHealth, healthClient } from '../fixtures/runtime-clients.js';
import { call, f32, floats, STAND_IN_DIM, standInCatalog, standInModel, startStandInShard } from '../fixtures/retrieval-shard.js';
import type { StandInShard } from '../fixtures/retrieval-shard.js';
import { INDEX_PLACEMENTS } from '../../services/retrieval/hnsw/index-thread.js';

const CATALOG = standInCatalog(300);
const QUERY = Array.from({ length: STAND_IN_DIM }, (_, i) => Math.cos(i + 1));

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i], 0);
}

async function expectError(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  await assert.rejects(promise, (thrown: ServiceError) => {
    const error = DlrsError.fromGrpc(thrown);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    return true;
  });
}

// Every behaviour of a shard holds whether its index lives in a worker thread or on the event loop.
for (const placement of INDEX_PLACEMENTS) {
  describe(`retrieval shard over gRPC, index placed ${placement}`, function () {
    this.timeout(30_000);
    let shard: StandInShard;
    const search = (request: SearchRequest): Promise<SearchResponse__Output> => call(shard.client.Search.bind(shard.client), request);

    before(async () => {
      const v2 = standInModel(CATALOG, 2, 'bundle-v2');
      shard = await startStandInShard({ model: await standInModel(CATALOG, 1), openModel: () => v2, env: { DLRS_INDEX_PLACEMENT: placement } });
    });
    after(async () => {
      await shard?.stop();
    });

    it('serves health SERVING once the index is built, with every catalog item', async () => {
      const health = healthClient(`127.0.0.1:${shard.server.port}`);
      assert.equal(await checkHealth(health, 'dlrs.v1.Retrieval'), 'SERVING');
      health.close();
      const stats = await call(shard.client.Stats.bind(shard.client), {});
      assert.equal(stats.itemCount, CATALOG.length);
      assert.equal(stats.dim, STAND_IN_DIM);
      assert.equal(stats.metric, 'ip');
      assert.equal(stats.modelVersion, 'standin1');
      assert.ok(stats.lastSnapshotMs > 0, 'a snapshot was written at first start');
      assert.equal(shard.logs.find('shard ready')[0]?.indexPlacement, placement, 'the index lives where DLRS_INDEX_PLACEMENT says');
      const scrape = await (await fetch(`http://127.0.0.1:${shard.server.metricsPort}/metrics`)).text();
      assert.match(scrape, new RegExp(`dlrs_retrieval_items\\{[^}]*shard="0"[^}]*\\} ${CATALOG.length}`));
    });

    it('returns the exact top k by inner product, with embeddings and biases', async () => {
      const all = await call(shard.client.GetItems.bind(shard.client), { itemIds: CATALOG.map((item) => item.id), includeEmbeddings: true });
      assert.equal(all.items.length, CATALOG.length);
      const expected = all.items
        .map((stored) => ({ id: stored.item?.id ?? '', score: dot(QUERY, floats(stored.embedding)) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 20);
      const response = await search({ dim: STAND_IN_DIM, queries: f32(QUERY), k: 20, includeEmbeddings: true, requestId: 'r1' });
      assert.equal(response.requestId, 'r1');
      assert.equal(response.modelVersion, 'standin1');
      const [result] = response.results;
      assert.ok(result.itemIds.filter((id, i) => id === expected[i].id).length >= 18, 'recall@20 of the graph search');
      const similarities = floats(result.similarities);
      similarities.forEach((s, i) => i > 0 && assert.ok(similarities[i - 1] >= s));
      assert.equal(result.embeddings.length, 20 * STAND_IN_DIM * 4);
      const first = all.items.find((stored) => stored.item?.id === result.itemIds[0]);
      assert.deepEqual(floats(result.embeddings).slice(0, STAND_IN_DIM), floats(first?.embedding ?? new Uint8Array()));
      assert.equal(floats(result.biases)[0], first?.bias);
    });

    it('filters exactly: equals, any_of, range, exclusions', async () => {
      const response = await search({
        dim: STAND_IN_DIM,
        queries: f32([...QUERY, ...QUERY.map((v) => -v)]),
        k: 50,
        excludeIds: ['item-0', 'item-3'],
        filter: { clauses: [{ field: 'color', equals: 'red' }, { field: 'genres', anyOf: { values: ['noir', 'comedy'] } }, { field: 'year', range: { min: 1960, max: 2000 } }] },
      });
      const allowed = CATALOG.filter((item) => {
        const { color, genres, year } = item.features as { color: string; genres: string[]; year: number };
        return color === 'red' && (genres.includes('noir') || genres.includes('comedy')) && year >= 1960 && year <= 2000 && !['item-0', 'item-3'].includes(item.id);
      });
      assert.equal(response.results.length, 2);
      for (const result of response.results) {
        assert.equal(result.itemIds.length, Math.min(50, allowed.length));
        for (const id of result.itemIds) assert.ok(allowed.some((item) => item.id === id), `${id} passes the filter`);
      }
      const none = await search({ dim: STAND_IN_DIM, queries: f32(QUERY), k: 5, filter: { clauses: [{ field: 'color', equals: 'purple' }] } });
      assert.deepEqual(none.results[0].itemIds, []);
    });

    it('upserts new items by their features, durably, and deletes them', async () => {
      const items = [{ id: 'new-1', title: 'New', features: { color: { text: 'blue' }, genres: { texts: { values: ['noir'] } }, year: { number: 2024 } } }];
      const upserted = await call(shard.client.UpsertItems.bind(shard.client), { items });
      assert.deepEqual(upserted, { upserted: 1, modelVersion: 'standin1' });
      const got = await call(shard.client.GetItems.bind(shard.client), { itemIds: ['new-1', 'missing'], includeEmbeddings: true });
      assert.deepEqual(got.notFound, ['missing']);
      const stored = got.items[0];
      assert.equal(stored.item?.title, 'New');
      assert.deepEqual(stored.item?.features.genres.texts?.values, ['noir']);
      assert.equal(stored.item?.features.year.number, 2024);
      const embedding = floats(stored.embedding);
      const found = await search({ dim: STAND_IN_DIM, queries: f32(embedding), k: 3, filter: { clauses: [{ field: 'year', range: { min: 2020 } }] } });
      assert.deepEqual(found.results[0].itemIds, ['new-1']);

      const deleted = await call(shard.client.DeleteItems.bind(shard.client), { itemIds: ['new-1', 'never'] });
      assert.deepEqual(deleted, { deleted: 1, notFound: ['never'] });
      const after = await search({ dim: STAND_IN_DIM, queries: f32(embedding), k: 400 });
      assert.ok(!after.results[0].itemIds.includes('new-1'));
      assert.equal(after.results[0].itemIds.length, CATALOG.length);
    });

    it('embeds items by their features without storing them (EmbedItems), as UpsertItems would', async () => {
      const features = { color: { text: 'green' }, genres: { texts: { values: ['drama', 'noir'] } }, year: { number: 1999 } };
      const embedded = await call(shard.client.EmbedItems.bind(shard.client), { items: [{ id: 'probe-1', features }, { features: { color: { text: 'red' } } }] });
      assert.equal(embedded.modelVersion, 'standin1');
      assert.equal(embedded.dim, STAND_IN_DIM);
      assert.equal(embedded.embeddings.length, 2 * STAND_IN_DIM * 4);
      assert.equal(embedded.biases.length, 2 * 4);
      const stats = await call(shard.client.Stats.bind(shard.client), {});
      assert.equal(stats.itemCount, CATALOG.length, 'nothing stored');
      const got = await call(shard.client.GetItems.bind(shard.client), { itemIds: ['probe-1'] });
      assert.deepEqual(got.notFound, ['probe-1']);
      // The same features upserted under the same (unknown) id get the same e_i.
      await call(shard.client.UpsertItems.bind(shard.client), { items: [{ id: 'probe-1', features }] });
      const stored = await call(shard.client.GetItems.bind(shard.client), { itemIds: ['probe-1'], includeEmbeddings: true });
      assert.deepEqual(floats(embedded.embeddings).slice(0, STAND_IN_DIM), floats(stored.items[0].embedding));
      await call(shard.client.DeleteItems.bind(shard.client), { itemIds: ['probe-1'] });
      await expectError(call(shard.client.EmbedItems.bind(shard.client), { items: [] }), 'INVALID_ARGUMENT', 'items');
      await expectError(call(shard.client.EmbedItems.bind(shard.client), { items: Array.from({ length: 10_001 }, () => ({ features: { color: { text: 'red' } } })) }), 'INVALID_ARGUMENT', 'items');
      await expectError(call(shard.client.EmbedItems.bind(shard.client), { items: [{ features: { year: { text: 'old' } } }] }), 'INVALID_ARGUMENT', 'items[0].features[year]');
      await expectError(call(shard.client.EmbedItems.bind(shard.client), { items: [{ features: { price: { number: 1 } } }] }), 'INVALID_ARGUMENT', 'items[0].features[price]');
      await expectError(call(shard.client.EmbedItems.bind(shard.client), { items: [{ features }], modelVersion: 'other' }), 'FAILED_PRECONDITION', 'model_version');
    });

    it('rejects bad input with INVALID_ARGUMENT naming the field, applying nothing', async () => {
      const q = f32(QUERY);
      await expectError(search({ dim: 3, queries: q, k: 5 }), 'INVALID_ARGUMENT', 'dim');
      await expectError(search({ dim: STAND_IN_DIM, queries: q.subarray(0, 12), k: 5 }), 'INVALID_ARGUMENT', 'queries');
      await expectError(search({ dim: STAND_IN_DIM, queries: f32(QUERY.map((v, i) => (i === 2 ? Number.NaN : v))), k: 5 }), 'INVALID_ARGUMENT', 'queries');
      await expectError(search({ dim: STAND_IN_DIM, queries: f32(QUERY.map((v, i) => (i === 2 ? Number.POSITIVE_INFINITY : v))), k: 5 }), 'INVALID_ARGUMENT', 'queries');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 0 }), 'INVALID_ARGUMENT', 'k');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 1001 }), 'INVALID_ARGUMENT', 'k');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 5, filter: { clauses: [{ field: 'price', equals: 'x' }] } }), 'INVALID_ARGUMENT', 'filter.clauses[0].field');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 5, filter: { clauses: [{ field: 'color', range: { min: 1 } }] } }), 'INVALID_ARGUMENT', 'filter.clauses[0].range');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 5, filter: { clauses: [{ field: 'year', equals: '1990' }] } }), 'INVALID_ARGUMENT', 'filter.clauses[0].equals');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 5, excludeIds: [''] }), 'INVALID_ARGUMENT', 'exclude_ids[0]');
      await expectError(search({ dim: STAND_IN_DIM, queries: q, k: 5, modelVersion: 'other' }), 'FAILED_PRECONDITION', 'model_version');
      await expectError(call(shard.client.DeleteItems.bind(shard.client), { itemIds: Array.from({ length: 10_001 }, (_, i) => `x${i}`) }), 'INVALID_ARGUMENT', 'item_ids');
      await expectError(call(shard.client.GetItems.bind(shard.client), { itemIds: [] }), 'INVALID_ARGUMENT', 'item_ids');
      const good = { id: 'good-1', features: { color: { text: 'red' } } };
      await expectError(call(shard.client.UpsertItems.bind(shard.client), { items: [good, { id: 'bad', features: { year: { text: 'old' } } }] }), 'INVALID_ARGUMENT', 'items[1].features[year]');
      await expectError(call(shard.client.UpsertItems.bind(shard.client), { items: [good, { id: 'bad', features: { year: { number: Number.NaN } } }] }), 'INVALID_ARGUMENT', 'items[1].features[year]');
      await expectError(call(shard.client.UpsertItems.bind(shard.client), { items: [good, { id: 'bad', features: { size: { text: 'xl' } } }] }), 'INVALID_ARGUMENT', 'items[1].features[size]');
      await expectError(call(shard.client.UpsertItems.bind(shard.client), { items: [good, { id: '', features: {} }] }), 'INVALID_ARGUMENT', 'items[1].id');
      const got = await call(shard.client.GetItems.bind(shard.client), { itemIds: ['good-1'] });
      assert.deepEqual(got.notFound, ['good-1'], 'nothing of a rejected upsert is stored');
    });

    it('multiplexes SearchStream by request id; a failed request leaves the stream open', async () => {
      const stream = shard.client.SearchStream();
      const answers: SearchStreamResponse__Output[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (answer: SearchStreamResponse__Output) => answers.push(answer));
        stream.on('end', () => resolve());
        stream.on('error', reject);
      });
      stream.write({ requestId: 'a', dim: STAND_IN_DIM, queries: f32(QUERY), k: 3 });
      stream.write({ requestId: 'b', dim: STAND_IN_DIM, queries: f32(QUERY), k: 0 });
      stream.write({ requestId: '', dim: STAND_IN_DIM, queries: f32(QUERY), k: 3 });
      stream.write({ requestId: 'c', dim: STAND_IN_DIM, queries: f32(QUERY), k: 4 });
      stream.end();
      await done;
      // Answers come in completion order: compare them by request id.
      const byId = new Map(answers.map((a) => [a.requestId, a]));
      assert.deepEqual(answers.map((a) => [a.requestId, a.result]).sort(), [['', 'error'], ['a', 'response'], ['b', 'error'], ['c', 'response']]);
      assert.equal(byId.get('a')?.response?.results[0].itemIds.length, 3);
      assert.deepEqual([byId.get('b')?.error?.code, byId.get('b')?.error?.field], [3, 'k']);
      assert.equal(byId.get('')?.error?.field, 'request_id');
      assert.equal(byId.get('c')?.response?.results[0].itemIds.length, 4);
    });

    it('does not search a request whose timeout_ms passed: DEADLINE_EXCEEDED', async () => {
      const service = await shard.server.ready;
      const request = { requestId: 'late', dim: STAND_IN_DIM, queries: f32(QUERY), k: 3, includeEmbeddings: false, modelVersion: '', excludeIds: [], filter: null, timeoutMs: 5, traceContext: {}, omitBundleEmbeddings: false };
      await assert.rejects(service.search(request, Date.now() - 1), (error: DlrsError) => error.code === 'DEADLINE_EXCEEDED');
      const answer = await service.search(request, Date.now() + 60_000);
      assert.equal(answer.results?.[0].itemIds?.length, 3);
    });

    it('writes a snapshot on request', async () => {
      const written = await call(shard.client.Snapshot.bind(shard.client), {});
      assert.equal(written.itemCount, CATALOG.length);
      assert.match(written.path, /snapshot-/);
      const stats = await call(shard.client.Stats.bind(shard.client), {});
      assert.equal(stats.logEntriesSinceSnapshot, 0);
    });

    it('switches to a new model atomically; the old version is then refused', async () => {
      const before = await search({ dim: STAND_IN_DIM, queries: f32(QUERY), k: 5, modelVersion: 'standin1' });
      await mkdir(join(shard.bundleRoot, 'bundle-v2'));
      const info = await call(shard.client.LoadModel.bind(shard.client), { bundlePath: 'bundle-v2' });
      assert.equal(info.modelVersion, 'standin2');
      assert.equal(info.bundlePath, 'bundle-v2');
      await expectError(search({ dim: STAND_IN_DIM, queries: f32(QUERY), k: 5, modelVersion: 'standin1' }), 'FAILED_PRECONDITION', 'model_version');
      const after = await search({ dim: STAND_IN_DIM, queries: f32(QUERY), k: 5, modelVersion: 'standin2' });
      assert.equal(after.modelVersion, 'standin2');
      assert.notDeepEqual(after.results[0].itemIds, before.results[0].itemIds);
      const upserted = await call(shard.client.UpsertItems.bind(shard.client), { items: [{ id: 'after-switch', features: {} }] });
      assert.equal(upserted.modelVersion, 'standin2');
      await expectError(call(shard.client.LoadModel.bind(shard.client), { bundlePath: '' }), 'INVALID_ARGUMENT', 'bundle_path');
    });
  });
}

describe('retrieval shards', function () {
  this.timeout(30_000);

  it('hold only their own items and refuse the items of other shards', async () => {
    const catalog: Item[] = standInCatalog(60);
    const model = await standInModel(catalog, 1);
    const shard = await startStandInShard({ model, shard: '1/3' });
    try {
      const stats = await call(shard.client.Stats.bind(shard.client), {});
      const mine = catalog.filter((item) => shardOf(item.id, 3) === 1);
      assert.equal(stats.itemCount, mine.length);
      assert.deepEqual([stats.shardIndex, stats.shardCount], [1, 3]);
      const foreign = catalog.find((item) => shardOf(item.id, 3) !== 1)?.id ?? '';
      await expectError(call(shard.client.UpsertItems.bind(shard.client), { items: [{ id: foreign, features: {} }] }), 'FAILED_PRECONDITION', 'items[0].id');
    } finally {
      await shard.stop();
    }
  });

  it('answer NOT_SERVING and UNAVAILABLE until the index is built', async () => {
    const catalog = standInCatalog(20);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const model = { ...(await standInModel(catalog, 1)), catalog: () => gate.then(() => catalog) };
    const shard = await startStandInShard({ model, waitUntilReady: false });
    const health = healthClient(`127.0.0.1:${shard.server.port}`);
    try {
      assert.equal(await checkHealth(health, 'dlrs.v1.Retrieval'), 'NOT_SERVING');
      await expectError(call(shard.client.Stats.bind(shard.client), {}), 'UNAVAILABLE');
      release();
      await shard.server.ready;
      assert.equal(await checkHealth(health, 'dlrs.v1.Retrieval'), 'SERVING');
      assert.equal((await call(shard.client.Stats.bind(shard.client), {})).itemCount, 20);
    } finally {
      health.close();
      await shard.stop();
    }
  });
});

describe('retrieval admin methods', function () {
  this.timeout(30_000);
  const catalog = standInCatalog(20);
  const anonymousClient = (shard: StandInShard) => new (loadProtos().grpcObject.dlrs.v1.Retrieval)(`127.0.0.1:${shard.server.port}`, credentials.createInsecure(), OWN_CONNECTION);

  it('need the internal token; searches and reads do not', async () => {
    const shard = await startStandInShard({ model: await standInModel(catalog, 1) });
    const client = anonymousClient(shard);
    try {
      assert.equal((await call(client.Stats.bind(client), {})).itemCount, 20);
      assert.equal((await call(client.GetItems.bind(client), { itemIds: [catalog[0].id] })).items.length, 1);
      await expectError(call(client.UpsertItems.bind(client), { items: [{ id: 'new', features: {} }] }), 'UNAUTHENTICATED');
      await expectError(call(client.DeleteItems.bind(client), { itemIds: [catalog[0].id] }), 'UNAUTHENTICATED');
      await expectError(call(client.Snapshot.bind(client), {}), 'UNAUTHENTICATED');
      await expectError(call(client.LoadModel.bind(client), { bundlePath: 'x' }), 'UNAUTHENTICATED');
      assert.equal((await call(client.Stats.bind(client), {})).itemCount, 20, 'nothing was written');
      assert.equal((await call(shard.client.Snapshot.bind(shard.client), {})).itemCount, 20, 'the token opens them');
    } finally {
      client.close();
      await shard.stop();
    }
  });

  it('are refused when neither a token nor client certificates are configured, unless explicitly opened', async () => {
    const closed = await startStandInShard({ model: await standInModel(catalog, 1), internalTokenFile: false });
    try {
      await expectError(call(closed.client.Snapshot.bind(closed.client), {}), 'PERMISSION_DENIED');
      assert.equal(closed.logs.find(/admin methods are refused/).length, 1);
    } finally {
      await closed.stop();
    }
    const open = await startStandInShard({ model: await standInModel(catalog, 1), internalTokenFile: false, env: { DLRS_ALLOW_INSECURE_ADMIN: 'true' } });
    const client = anonymousClient(open);
    try {
      assert.equal((await call(client.Snapshot.bind(client), {})).itemCount, 20);
      assert.equal(open.logs.find(/admin methods are open to anyone/).length, 1);
    } finally {
      client.close();
      await open.stop();
    }
  });

  it('LoadModel reads bundles only under the bundle root, with one error for outside and missing paths', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'dlrs-outside-'));
    const opened: string[] = [];
    const shard = await startStandInShard({ model: await standInModel(catalog, 1), openModel: async (path) => (opened.push(path), standInModel(catalog, 2, path)) });
    try {
      await mkdir(join(outside, 'bundle'));
      await symlink(join(outside, 'bundle'), join(shard.bundleRoot, 'escape'));
      const messages = new Set<string>();
      for (const bundlePath of [join(outside, 'bundle'), '../', '../../etc', '/etc', 'missing', join(outside, 'missing'), 'escape']) {
        await assert.rejects(call(shard.client.LoadModel.bind(shard.client), { bundlePath }), (thrown: ServiceError) => {
          const error = DlrsError.fromGrpc(thrown);
          assert.equal(error.code, 'INVALID_ARGUMENT', `${bundlePath}: ${error.message}`);
          assert.equal(error.field, 'bundle_path');
          messages.add(error.message);
          return true;
        });
      }
      assert.deepEqual([...messages], ['bundle_path: is not a model bundle under the configured bundle root']);
      assert.deepEqual(opened, [], 'no bundle outside the root was opened');
      await mkdir(join(shard.bundleRoot, 'v2'));
      const info = await call(shard.client.LoadModel.bind(shard.client), { bundlePath: 'v2' });
      assert.equal(info.modelVersion, 'standin2');
      assert.deepEqual(opened.length, 1);
      assert.match(opened[0], /\/bundles\/v2$/);
    } finally {
      await shard.stop();
      await rm(outside, { recursive: true, force: true });
    }
  });
});
