import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DlrsError } from '../../shared/errors/index.js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RankRequest } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse__Output } from '../../shared/generated/dlrs/v1/RankResponse.js';
import type { RankStreamRequest } from '../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse__Output } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import type { ModelInfo__Output } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { failure } from '../fixtures/dlrs-failure.js';
import { loadRankingConfig } from '../../services/ranking/config.js';
import { float32Bytes } from '../../services/ranking/wire/float32-bytes.js';
import type { ModelDescription } from '../../services/ranking/model/loaded-model.js';
import { startRankingServer } from '../../services/ranking/server.js';
import type { RankingServer } from '../../services/ranking/server.js';
import { tinyDescription, writeTinyModels } from '../../services/ranking/testing/tiny-serving.js';
import { readInternalToken, writeInternalTokenFile } from '../fixtures/internal-token.js';
import { checkHealth, healthClient } from '../fixtures/runtime-clients.js';

const DIM = 8;
const CANDIDATES = 300;

function random(length: number): Float32Array {
  return Float32Array.from({ length }, () => Math.random() * 2 - 1);
}

function rankRequest(n: number, modelVersion = '', topK = 0): RankRequest {
  return { dim: DIM, modelVersion, userEmbedding: float32Bytes(random(DIM)), userBias: 0.2, itemEmbeddings: float32Bytes(random(n * DIM)), itemBiases: float32Bytes(random(n)), topK };
}

function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function asBytes(value: Buffer | Uint8Array | string | undefined): Uint8Array {
  assert.ok(value instanceof Uint8Array);
  return value;
}

/** Sends `requests` on one RankStream and collects the answers by request id. */
function streamAll(client: RankingClient, requests: RankStreamRequest[]): Promise<Map<string, RankStreamResponse__Output>> {
  return new Promise((resolve, reject) => {
    const answers = new Map<string, RankStreamResponse__Output>();
    const stream = client.RankStream();
    stream.on('data', (response: RankStreamResponse__Output) => {
      answers.set(response.requestId, response);
      if (answers.size === requests.length) stream.end();
    });
    stream.on('end', () => resolve(answers));
    stream.on('error', reject);
    for (const request of requests) stream.write(request);
  });
}

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/metrics`, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

// Every behaviour holds whether the sessions run in a worker thread or inline on the event loop (DLRS_WORKERS=0).
for (const workers of ['1', '0']) {
  describe(`ranking server (gRPC on 127.0.0.1), ${workers === '0' ? 'sessions inline' : 'one inference worker'}`, function () {
    const first = writeTinyModels(DIM, 1);
    const second = writeTinyModels(DIM, 5);
    const descriptions = new Map<string, ModelDescription>([
      [first.dir, tinyDescription(first, DIM, 1)],
      [second.dir, tinyDescription(second, DIM, 5)],
    ]);
    const sink = createMemorySink();
    const logger = createLogger({ level: 'debug', destination: sink });
    let releaseFirstLoad: () => void = () => undefined;
    const firstLoadGate = new Promise<void>((resolve) => (releaseFirstLoad = resolve));
    let ranking: RankingServer;
    let starting: Promise<RankingServer>;
    let client: RankingClient;
    let tokenDir: string;
    let internalTokenFile: string;

    before(async () => {
      tokenDir = await mkdtemp(join(tmpdir(), 'dlrs-ranking-token-'));
      internalTokenFile = await writeInternalTokenFile(tokenDir);
      const config = loadRankingConfig({
        env: { DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_WORKERS: workers, DLRS_MAX_BATCH_ROWS: '1024', DLRS_INTERNAL_TOKEN_FILE: internalTokenFile },
      });
      starting = startRankingServer({
        config,
        logger,
        bundlePath: first.dir,
        describe: async (dir) => {
          if (dir === first.dir) await firstLoadGate;
          const description = descriptions.get(dir);
          if (description === undefined) throw new DlrsError('FAILED_PRECONDITION', `no bundle at ${dir}`);
          return description;
        },
      });
    });

    after(async () => {
      client?.close();
      await ranking?.close('tests done');
      first.remove();
      second.remove();
      await rm(tokenDir, { recursive: true, force: true });
    });

    it('reports NOT_SERVING until the model is warm, then SERVING', async () => {
      while (sink.find('gRPC server listening').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const port = sink.find('gRPC server listening')[0].port as number;
      const health = healthClient(`127.0.0.1:${port}`);
      try {
        assert.equal(await checkHealth(health, ''), 'NOT_SERVING');
        assert.equal(await checkHealth(health, 'dlrs.v1.Ranking'), 'NOT_SERVING');
        releaseFirstLoad();
        ranking = await starting;
        assert.equal(await checkHealth(health, 'dlrs.v1.Ranking'), 'SERVING');
      const placed = sink.find('inference session ready').map((line) => line.worker);
      assert.deepEqual(placed, workers === '0' ? ['inline', 'inline'] : [0, 0], 'one session per network, where DLRS_WORKERS says');
      } finally {
        health.close();
      }
      client = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: `127.0.0.1:${ranking.port}`, bearerToken: { token: await readInternalToken(internalTokenFile), methods: ['LoadModel'] } });
    });

    it('Rank answers what a direct onnxruntime session answers, within 1e-6, with the top-k order', async () => {
      const request = rankRequest(CANDIDATES, '', 10);
      const response = await callUnary<RankResponse__Output>((md, opts, cb) => client.Rank(request, md, opts, cb));
      const scores = floats(response.scores);
      const session = await ort.InferenceSession.create(first.rankNet);
      const eU = new Float32Array(CANDIDATES * DIM);
      for (let r = 0; r < CANDIDATES; r += 1) eU.set(floats(asBytes(request.userEmbedding)), r * DIM);
      const expected = (
        await session.run({
          e_u: new ort.Tensor('float32', eU, [CANDIDATES, DIM]),
          e_i: new ort.Tensor('float32', floats(asBytes(request.itemEmbeddings)), [CANDIDATES, DIM]),
          b_u: new ort.Tensor('float32', new Float32Array(CANDIDATES).fill(Math.fround(0.2)), [CANDIDATES, 1]),
          b_i: new ort.Tensor('float32', floats(asBytes(request.itemBiases)), [CANDIDATES, 1]),
        })
      ).p.data as Float32Array;
      await session.release();
      assert.equal(scores.length, CANDIDATES);
      scores.forEach((score, k) => assert.ok(Math.abs(score - expected[k]) <= 1e-6, `candidate ${k}: ${score} vs ${expected[k]}`));
      assert.deepEqual(response.order, Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, 10));
      assert.equal(response.modelVersion, 'tiny-1');
    });

    it('maps bad input to INVALID_ARGUMENT naming the field, and a foreign version to FAILED_PRECONDITION', async () => {
      const bad = { ...rankRequest(3), itemEmbeddings: Buffer.alloc(4 * DIM * 3 + 4) };
      const invalid = await failure(callUnary((md, opts, cb) => client.Rank(bad, md, opts, cb)));
      assert.equal(invalid.code, 'INVALID_ARGUMENT');
      assert.equal(invalid.field, 'item_embeddings');
      const nan = { ...rankRequest(2), userEmbedding: float32Bytes(new Float32Array(DIM).fill(Number.NaN)) };
      assert.equal((await failure(callUnary((md, opts, cb) => client.Rank(nan, md, opts, cb)))).field, 'user_embedding');
      const stale = await failure(callUnary((md, opts, cb) => client.Rank(rankRequest(3, 'old'), md, opts, cb)));
      assert.equal(stale.code, 'FAILED_PRECONDITION');
    });

    it('EmbedUsers embeds profiles row-aligned', async () => {
      const profiles = [1, 2, 3].map((k) => ({ userId: `u${k}`, categorical: [{ feature: 'genre', weights: { action: k, drama: 1 } }], recentItems: [{ itemId: `i${k}`, weight: 1 }] }));
      const response = await callUnary<{ count: number; dim: number; embeddings: Buffer; biases: Buffer }>((md, opts, cb) => client.EmbedUsers({ profiles }, md, opts, cb));
      assert.equal(response.count, 3);
      assert.equal(response.embeddings.byteLength, 3 * DIM * 4);
      assert.equal(response.biases.byteLength, 3 * 4);
      const unknown = await failure(callUnary((md, opts, cb) => client.EmbedUsers({ profiles: [{ categorical: [{ feature: 'colour', weights: { red: 1 } }] }] }, md, opts, cb)));
      assert.equal(unknown.field, 'profiles[0].categorical[0].feature');
    });

    it('RankStream multiplexes requests by id; a failed request fails alone and the stream goes on', async () => {
      const requests: RankStreamRequest[] = Array.from({ length: 40 }, (_, k) => ({ requestId: `r${k}`, rank: rankRequest(1 + k) }));
      requests.push({ requestId: 'bad', rank: { ...rankRequest(2), itemBiases: Buffer.alloc(4) } });
      requests.push({ requestId: 'user', embedUsers: { profiles: [{ categorical: [{ feature: 'genre', weights: { comedy: 1 } }] }] } });
      const answers = await streamAll(client, requests);
      assert.equal(answers.size, 42);
      for (let k = 0; k < 40; k += 1) assert.equal(answers.get(`r${k}`)?.rank?.scores.byteLength, 4 * (1 + k));
      assert.equal(answers.get('bad')?.error?.code, 3);
      assert.equal(answers.get('bad')?.error?.field, 'item_biases');
      assert.equal(answers.get('user')?.embedUsers?.count, 1);
    });

    it('LoadModel needs the internal token and a bundle under the bundle root', async () => {
      const anonymous = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: `127.0.0.1:${ranking.port}` });
      try {
        assert.equal((await failure(callUnary((md, opts, cb) => anonymous.LoadModel({ bundlePath: second.dir }, md, opts, cb)))).code, 'UNAUTHENTICATED');
        assert.equal((await callUnary<ModelInfo__Output>((md, opts, cb) => anonymous.GetModel({}, md, opts, cb))).modelVersion, 'tiny-1', 'reads need no token');
      } finally {
        anonymous.close();
      }
      for (const bundlePath of ['/etc', '/nonexistent/bundle']) {
        const refused = await failure(callUnary((md, opts, cb) => client.LoadModel({ bundlePath }, md, opts, cb)));
        assert.deepEqual([refused.code, refused.message], ['INVALID_ARGUMENT', 'bundle_path: is not a model bundle under the configured bundle root']);
      }
    });

    it('LoadModel switches under concurrent unary and stream load with no failed request', async () => {
      let switched = false;
      const failures: string[] = [];
      let answered = 0;
      const unaryClient = async (): Promise<void> => {
        for (let after = 0; after < 5; after += switched ? 1 : 0) {
          try {
            await callUnary((md, opts, cb) => client.Rank(rankRequest(50), md, opts, cb));
            answered += 1;
          } catch (error) {
            failures.push(String(error));
          }
        }
      };
      const streamClient = async (): Promise<void> => {
        for (let round = 0, after = 0; after < 3; round += 1, after += switched ? 1 : 0) {
          const answers = await streamAll(client, Array.from({ length: 20 }, (_, k) => ({ requestId: `s${round}-${k}`, rank: rankRequest(30) })));
          for (const answer of answers.values()) {
            if (answer.error) failures.push(`${answer.error.code}: ${answer.error.message}`);
            else answered += 1;
          }
        }
      };
      const load = Promise.all([unaryClient(), unaryClient(), unaryClient(), streamClient(), streamClient()]);
      const info = await callUnary<ModelInfo__Output>((md, opts, cb) => client.LoadModel({ bundlePath: second.dir }, md, { ...opts, deadline: Date.now() + 30_000 }, cb));
      switched = true;
      await load;
      assert.deepEqual(failures, []);
      assert.ok(answered > 20);
      assert.equal(info.modelVersion, 'tiny-5');
      const current = await callUnary<ModelInfo__Output>((md, opts, cb) => client.GetModel({}, md, opts, cb));
      assert.equal(current.modelVersion, 'tiny-5');
      assert.equal((await failure(callUnary((md, opts, cb) => client.Rank(rankRequest(3, 'tiny-1'), md, opts, cb)))).code, 'FAILED_PRECONDITION');
    });

    it('exports the batching metrics on /metrics', async () => {
      const text = await scrape(ranking.metricsPort);
      assert.match(text, /dlrs_ranking_batch_rows_count\{network="rank"\} [1-9]/);
      assert.match(text, /dlrs_ranking_requests_total\{network="rank",code="OK"\} [1-9]/);
      assert.match(text, /dlrs_ranking_requests_total\{network="rank",code="INVALID_ARGUMENT"\} [1-9]/);
      assert.match(text, /dlrs_ranking_inference_seconds_bucket/);
      assert.match(text, /dlrs_ranking_queue_delay_seconds_bucket/);
      assert.match(text, /dlrs_ranking_request_duration_seconds_count\{network="user",code="OK"\} [1-9]/);
    });
  });
}
