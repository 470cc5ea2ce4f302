import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankStreamRequest__Output } from '../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { float32Bytes } from './wire/float32-bytes.js';
import { LoadedModel } from './model/loaded-model.js';
import { rankStream } from './wire/rank-stream.js';
import { serveMultiplexedStream } from '../../shared/grpc/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import { RankingService } from './ranking-service.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { TINY_SERVING, tinyDescription, tinyUserFeeds, writeTinyModels } from './testing/tiny-serving.js';
import { ItemTable } from './model/item-table.js';
import { bundleRowsBytes } from '../../shared/proto/index.js';

const DIM = 4;
const LIMITS = { maxCandidates: 500, maxProfiles: 8 };
/** Rows of each tiny model's item table: random, so that the two versions' rows differ. */
const TABLE_ROWS = 64;

function random(length: number): Float32Array {
  return Float32Array.from({ length }, () => Math.random() * 2 - 1);
}

function rankRequest(n: number, overrides: Partial<RankRequest__Output> = {}): RankRequest__Output {
  return {
    requestId: 'r',
    modelVersion: '',
    dim: DIM,
    userEmbedding: float32Bytes(random(DIM)),
    userBias: 0.1,
    itemEmbeddings: float32Bytes(random(n * DIM)),
    itemBiases: float32Bytes(random(n)),
    topK: 0,
    timeoutMs: 0,
    bundleRows: Buffer.alloc(0),
    ...overrides,
  };
}

function profile(genres: Record<string, number>, items: string[]): UserProfile__Output {
  return {
    userId: 'u',
    categorical: [{ feature: 'genre', weights: genres, total: Object.values(genres).reduce((a, b) => a + b, 0) }],
    continuous: [],
    recentItems: items.map((itemId) => ({ itemId, weight: 1 / items.length, timestampMs: 0 })),
    totalWeight: 1,
    eventCount: items.length,
    attributes: {},
    updatedAtMs: 0,
  };
}

function floats(bytes: Buffer | Uint8Array | string | undefined): Float32Array {
  assert.ok(bytes instanceof Uint8Array);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** RankNet's scores for one request, from a session in this thread. */
async function directScores(path: string, request: RankRequest__Output): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path);
  const n = request.itemBiases.byteLength / 4;
  const eU = new Float32Array(n * DIM);
  for (let r = 0; r < n; r += 1) eU.set(floats(request.userEmbedding), r * DIM);
  const out = await session.run({
    e_u: new ort.Tensor('float32', eU, [n, DIM]),
    e_i: new ort.Tensor('float32', floats(request.itemEmbeddings), [n, DIM]),
    b_u: new ort.Tensor('float32', new Float32Array(n).fill(request.userBias), [n, 1]),
    b_i: new ort.Tensor('float32', floats(request.itemBiases), [n, 1]),
  });
  await session.release();
  return out.p.data as Float32Array;
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof DlrsError ? error.code : String(error);
  }
}

// Every case holds whether the sessions run in a worker thread or inline on the event loop.
for (const poolSize of [1, 0]) {
  describe(`RankingService, ${poolSize === 0 ? 'sessions inline' : 'one inference worker'}`, () => {
    const first = writeTinyModels(DIM, 1);
    const second = writeTinyModels(DIM, 7);
    const tables = [first, second].map(() => new ItemTable(DIM, random(TABLE_ROWS * DIM), random(TABLE_ROWS)));
    const descriptions = new Map([first, second].map((models, k) => [models.dir, { ...tinyDescription(models, DIM, k === 0 ? 1 : 7), itemTable: tables[k] }]));
    const sink = createMemorySink();
    const logger = createLogger({ level: 'debug', destination: sink });
    const load = (path: string): Promise<LoadedModel> => {
      const description = descriptions.get(path);
      if (description === undefined) return Promise.reject(new DlrsError('INVALID_ARGUMENT', `no bundle at ${path}`, { field: 'bundle_path' }));
      return LoadedModel.load(description, { ...TINY_SERVING, poolSize }, logger);
    };
    let service: RankingService;
    let counted: string[];

    beforeEach(async () => {
      counted = [];
      service = new RankingService(await load(first.dir), load, LIMITS, logger, (network, status) => counted.push(`${network}:${status}`));
    });
    afterEach(() => service.close());
    after(() => {
      first.remove();
      second.remove();
    });

    it('scores candidates as a direct RankNet session does, with the top-k order', async () => {
      const request = rankRequest(300, { topK: 5 });
      const response = await service.rank(request, {});
      const scores = floats(response.scores);
      const expected = await directScores(first.rankNet, request);
      assert.equal(scores.length, 300);
      scores.forEach((score, k) => assert.ok(Math.abs(score - expected[k]) <= 1e-6, `candidate ${k}`));
      assert.equal(response.modelVersion, 'tiny-1');
      const sorted = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
      assert.deepEqual(response.order, sorted.slice(0, 5));
    });

    it('refuses candidates holding a NaN with INVALID_ARGUMENT naming item_embeddings, while a request batched with them is scored', async () => {
      const items = random(4 * DIM);
      items[DIM + 2] = Number.NaN;
      const [bad, good] = await Promise.allSettled([service.rank(rankRequest(4, { itemEmbeddings: float32Bytes(items) }), {}), service.rank(rankRequest(3), {})]);
      assert.ok(bad.status === 'rejected' && bad.reason instanceof DlrsError && bad.reason.code === 'INVALID_ARGUMENT' && bad.reason.field === 'item_embeddings');
      assert.ok(good.status === 'fulfilled' && floats(good.value.scores).length === 3);
    });

    it('refuses a model version it does not serve with FAILED_PRECONDITION', async () => {
      assert.equal(await code(service.rank(rankRequest(3, { modelVersion: 'other' }), {})), 'FAILED_PRECONDITION');
      assert.equal(await code(service.rank(rankRequest(3, { modelVersion: 'tiny-1' }), {})), 'OK');
      assert.deepEqual(counted, ['rank:FAILED_PRECONDITION', 'rank:OK']);
    });

    it('embeds profiles with UserNet, row-aligned', async () => {
      const profiles = [profile({ action: 2, drama: 1 }, ['i3', 'i9']), profile({ comedy: 1 }, ['i1'])];
      const response = await service.embedUsers({ requestId: 'e', modelVersion: '', profiles, timeoutMs: 0 }, {});
      assert.equal(response.count, 2);
      assert.equal(response.dim, DIM);
      const session = await ort.InferenceSession.create(first.userNet);
      const feeds = tinyUserFeeds(profiles);
      const expected = await session.run(Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)])));
      await session.release();
      const embeddings = floats(response.embeddings);
      (expected.e_u.data as Float32Array).forEach((value, k) => assert.ok(Math.abs(value - embeddings[k]) <= 1e-6));
      assert.equal(floats(response.biases).length, 2);
      assert.equal(await code(service.embedUsers({ requestId: 'e', modelVersion: '', profiles: [], timeoutMs: 0 }, {})), 'INVALID_ARGUMENT');
      const bad = { ...profile({}, []), categorical: [{ feature: 'colour', weights: { red: 1 }, total: 1 }] };
      await assert.rejects(service.embedUsers({ requestId: 'e', modelVersion: '', profiles: [bad], timeoutMs: 0 }, {}), (error: DlrsError) => error.field === 'profiles[0].categorical[0].feature');
    });

    it('switches models under concurrent load without failing a request; the old version is then refused', async () => {
      let switched = false;
      const outcomes: string[] = [];
      const client = async (): Promise<void> => {
        for (let afterSwitch = 0; afterSwitch < 5; afterSwitch += switched ? 1 : 0) {
          const version = service.getModel().modelVersion;
          outcomes.push(await code(service.rank(rankRequest(1 + (outcomes.length % 50), { modelVersion: version }), {})));
        }
      };
      const clients = Array.from({ length: 6 }, () => client());
      const info = await service.loadModel(second.dir);
      switched = true;
      await Promise.all(clients);
      assert.equal(info.modelVersion, 'tiny-7');
      assert.ok(outcomes.length > 6);
      assert.deepEqual([...new Set(outcomes)], ['OK']);
      assert.equal(await code(service.rank(rankRequest(2, { modelVersion: 'tiny-1' }), {})), 'FAILED_PRECONDITION');
      const request = rankRequest(20);
      const scores = floats((await service.rank(request, {})).scores);
      const expected = await directScores(second.rankNet, request);
      scores.forEach((score, k) => assert.ok(Math.abs(score - expected[k]) <= 1e-6));
      assert.ok(sink.find('switched to the new model').some((line) => line.previousVersion === 'tiny-1'));
    });

    it('under a model switch, candidates by bundle row score with their own version\'s table rows only; the old version\'s rows are then refused', async () => {
      const rows = [3, 0, TABLE_ROWS - 1, 17, 17, 42];
      const user = float32Bytes(random(DIM));
      const byRow = (modelVersion: string): RankRequest__Output =>
        rankRequest(rows.length, { modelVersion, userEmbedding: user, itemEmbeddings: Buffer.alloc(0), itemBiases: Buffer.alloc(0), bundleRows: bundleRowsBytes(rows) });
      // The same candidates shipped: the scores each version must give them.
      const shippedFrom = (table: ItemTable): RankRequest__Output =>
        rankRequest(rows.length, {
          userEmbedding: user,
          itemEmbeddings: float32Bytes(Float32Array.from(rows.flatMap((row) => [...table.embeddings.subarray(row * DIM, (row + 1) * DIM)]))),
          itemBiases: float32Bytes(Float32Array.from(rows.map((row) => table.biases[row]))),
        });
      const expected = new Map([
        ['tiny-1', await directScores(first.rankNet, shippedFrom(tables[0]))],
        ['tiny-7', await directScores(second.rankNet, shippedFrom(tables[1]))],
      ]);
      const answered: { version: string; scores: Float32Array }[] = [];
      const refused: string[] = [];
      // Counted from the switch itself, not from loadModel's return: a refusal costs no I/O, so a loop of them would starve the old model's close.
      const switched = (): boolean => service.model.info.modelVersion === 'tiny-7';
      const client = async (): Promise<void> => {
        for (let afterSwitch = 0; afterSwitch < 5; afterSwitch += switched() ? 1 : 0) {
          // Half the requests name the version they saw, half always the first one.
          const version = answered.length % 2 === 0 ? service.model.info.modelVersion : 'tiny-1';
          try {
            const response = await service.rank(byRow(version), {});
            assert.equal(response.modelVersion, version, 'answered by the version the request named');
            answered.push({ version, scores: floats(response.scores) });
          } catch (error) {
            refused.push(error instanceof DlrsError ? `${error.code} ${error.field ?? ''}` : String(error));
          }
        }
      };
      const clients = Array.from({ length: 6 }, () => client());
      await Promise.all([service.loadModel(second.dir), ...clients]);
      const versions = new Set(answered.map((answer) => answer.version));
      assert.ok(versions.has('tiny-1') && versions.has('tiny-7'), 'requests were answered on both sides of the switch');
      for (const { version, scores } of answered) {
        const want = expected.get(version) ?? new Float32Array();
        scores.forEach((score, k) => assert.ok(Math.abs(score - want[k]) <= 1e-6, `${version}, candidate ${k}: ${score} against its table's ${want[k]}`));
      }
      assert.ok(refused.length > 0, 'requests naming the old version after the switch were refused');
      assert.deepEqual([...new Set(refused)], ['FAILED_PRECONDITION model_version']);
    });

    it('keeps serving the old model when a load fails', async () => {
      assert.equal(await code(service.loadModel('/nowhere')), 'INVALID_ARGUMENT');
      assert.equal(service.getModel().modelVersion, 'tiny-1');
      assert.equal(await code(service.rank(rankRequest(2), {})), 'OK');
    });

    it('multiplexes RankStream requests by id; a failed request fails alone', async () => {
      async function* requests(): AsyncGenerator<RankStreamRequest__Output> {
        yield { requestId: 'a', traceContext: {}, call: 'rank', rank: rankRequest(3) };
        yield { requestId: 'b', traceContext: {}, call: 'rank', rank: rankRequest(3, { itemBiases: Buffer.alloc(4) }) };
        yield { requestId: 'c', traceContext: {}, call: 'embedUsers', embedUsers: { requestId: '', modelVersion: '', profiles: [profile({ horror: 1 }, ['i2'])], timeoutMs: 0 } };
        yield { requestId: '', traceContext: {}, call: 'rank', rank: rankRequest(1) };
        yield { requestId: 'd', traceContext: {}, call: 'rank', rank: rankRequest(2, { modelVersion: 'old' }) };
        yield { requestId: 'e', traceContext: {}, call: 'rank', rank: rankRequest(4) };
      }
      const responses: RankStreamResponse[] = [];
      const paths: string[] = [];
      const call = {
        signal: new AbortController().signal,
        deadline: Number.POSITIVE_INFINITY,
        logger,
        streamRequest: <T>(path: string, _trace: unknown, work: () => Promise<T>) => {
          paths.push(path);
          return work();
        },
      };
      await serveMultiplexedStream(requests(), { write: async (message) => void responses.push(message) }, call, rankStream(() => service, { defaultTimeoutMs: 5000, maxInFlight: 2 }));
      const byId = new Map(responses.map((response) => [response.requestId, response]));
      assert.equal(responses.length, 6);
      assert.equal(floats(byId.get('a')?.rank?.scores).length, 3);
      assert.equal(byId.get('b')?.error?.field, 'item_biases');
      assert.equal(byId.get('b')?.error?.code, 3);
      assert.equal(byId.get('c')?.embedUsers?.count, 1);
      assert.equal(byId.get('c')?.embedUsers?.requestId, 'c');
      assert.equal(byId.get('')?.error?.field, 'request_id');
      assert.equal(byId.get('d')?.error?.code, 9);
      assert.equal(floats(byId.get('e')?.rank?.scores).length, 4);
      assert.equal(paths.filter((path) => path === '/dlrs.v1.Ranking/EmbedUsers').length, 1, 'c is served as EmbedUsers, the others as Rank');
    });
  });
}
