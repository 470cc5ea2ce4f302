import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readBundle } from '../../shared/bundle/index.js';
import type { ModelBundle } from '../../shared/bundle/index.js';
import { buildProfile, encodeItems, encodeUsers, profileToMessage } from '../../shared/features/index.js';
import type { Item, TensorMap } from '../../shared/features/index.js';
import type { EmbedUsersResponse__Output } from '../../shared/generated/dlrs/v1/EmbedUsersResponse.js';
import type { ModelInfo__Output } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RankResponse__Output } from '../../shared/generated/dlrs/v1/RankResponse.js';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { describeBundle } from '../../services/ranking/model/bundle-description.js';
import { loadRankingConfig } from '../../services/ranking/config.js';
import { float32Bytes } from '../../services/ranking/wire/float32-bytes.js';
import { startRankingServer } from '../../services/ranking/server.js';
import type { RankingServer } from '../../services/ranking/server.js';
import { runTrain } from '../../services/trainer/train-command.js';
import { readInternalToken, writeInternalTokenFile } from '../fixtures/internal-token.js';

const TOLERANCE = 1e-6;

function trainArgs(out: string, seed: number): string[] {
  return ['--data', 'synthetic:tiny', '--out', out, '--epochs', '1', '--dim', '16', '--seed', String(seed), '--workers', '1'];
}

function toOrt(tensors: TensorMap): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
}

async function runDirect(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data as Float32Array]));
}

function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((value, k) => assert.ok(Math.abs(value - expected[k]) <= TOLERANCE, `${what}[${k}]: ${value} vs ${expected[k]}`));
}

describe('ranking on a bundle the trainer wrote (dlrs train --data synthetic:tiny)', function () {
  let root: string;
  let first: ModelBundle;
  let second: ModelBundle;
  let ranking: RankingServer;
  let client: RankingClient;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-ranking-trained-'));
    assert.equal(await runTrain(trainArgs(join(root, 'a'), 7)), 0);
    assert.equal(await runTrain(trainArgs(join(root, 'b'), 8)), 0);
    first = await readBundle(join(root, 'a'));
    second = await readBundle(join(root, 'b'));
    // LoadModel needs the internal token; both bundles are under the default bundle root.
    const internalTokenFile = await writeInternalTokenFile(root);
    const config = loadRankingConfig({ env: { DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_WORKERS: '1', DLRS_INTERNAL_TOKEN_FILE: internalTokenFile } });
    ranking = await startRankingServer({ config, logger: createLogger({ level: 'silent' }), bundlePath: first.dir, describe: describeBundle });
    client = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: `127.0.0.1:${ranking.port}`, bearerToken: { token: await readInternalToken(internalTokenFile), methods: ['LoadModel'] } });
  });

  after(async () => {
    client?.close();
    await ranking?.close('tests done');
    await rm(root, { recursive: true, force: true });
  });

  it('EmbedUsers equals the exported UserNet on the profile learner\'s tensors; Rank equals RankNet on ItemNet\'s embeddings', async () => {
    const spec = first.manifest.featureSpec;
    const byId = new Map<string, Item>(first.items.map((item) => [item.id, item]));
    const histories = [first.items.slice(0, 4), first.items.slice(10, 12), first.items.slice(50, 59)];
    const profiles = histories.map((items) =>
      buildProfile(spec, items.map((item, k) => ({ itemId: item.id, timestamp: 1000 + k, eventType: 'view' })), (id) => byId.get(id)?.features),
    );
    const embedded = await callUnary<EmbedUsersResponse__Output>((md, opts, cb) =>
      client.EmbedUsers({ profiles: profiles.map((profile, k) => profileToMessage(profile, { userId: `u${k}` })) }, md, opts, cb),
    );
    const expectedUsers = await runDirect(first.userNet, toOrt(encodeUsers(spec, profiles)));
    assertClose(floats(embedded.embeddings), expectedUsers.e_u, 'e_u');
    assertClose(floats(embedded.biases), expectedUsers.b_u, 'b_u');

    const candidates = first.items.slice(0, 300);
    const itemOut = await runDirect(first.itemNet, toOrt(encodeItems(spec, candidates)));
    const dim = first.manifest.dim;
    const user = floats(embedded.embeddings).subarray(0, dim);
    const userBias = floats(embedded.biases)[0];
    const ranked = await callUnary<RankResponse__Output>((md, opts, cb) =>
      client.Rank(
        { modelVersion: embedded.modelVersion, dim, userEmbedding: float32Bytes(user), userBias, itemEmbeddings: float32Bytes(itemOut.e_i), itemBiases: float32Bytes(itemOut.b_i), topK: 10 },
        md,
        opts,
        cb,
      ),
    );
    const n = candidates.length;
    const eU = new Float32Array(n * dim);
    for (let r = 0; r < n; r += 1) eU.set(user, r * dim);
    const expectedScores = await runDirect(first.rankNet, {
      e_u: new ort.Tensor('float32', eU, [n, dim]),
      e_i: new ort.Tensor('float32', itemOut.e_i, [n, dim]),
      b_u: new ort.Tensor('float32', new Float32Array(n).fill(userBias), [n, 1]),
      b_i: new ort.Tensor('float32', itemOut.b_i, [n, 1]),
    });
    assertClose(floats(ranked.scores), expectedScores.p, 'p');
    assert.equal(ranked.order.length, 10);
  });

  it('LoadModel switches to another trained bundle under load without a failed request', async () => {
    const dim = first.manifest.dim;
    const random = (length: number): Float32Array => Float32Array.from({ length }, () => Math.random() - 0.5);
    let switched = false;
    const failures: string[] = [];
    const caller = async (): Promise<void> => {
      for (let after = 0; after < 5; after += switched ? 1 : 0) {
        const request = { dim, userEmbedding: float32Bytes(random(dim)), itemEmbeddings: float32Bytes(random(100 * dim)), itemBiases: float32Bytes(random(100)) };
        await callUnary((md, opts, cb) => client.Rank(request, md, opts, cb)).catch((error: unknown) => failures.push(String(error)));
      }
    };
    const load = Promise.all([caller(), caller(), caller(), caller()]);
    const info = await callUnary<ModelInfo__Output>((md, opts, cb) => client.LoadModel({ bundlePath: second.dir }, md, { ...opts, deadline: Date.now() + 60_000 }, cb));
    switched = true;
    await load;
    assert.deepEqual(failures, []);
    assert.equal(info.modelVersion, second.manifest.modelVersion);
    assert.notEqual(info.modelVersion, first.manifest.modelVersion);
  });
});
