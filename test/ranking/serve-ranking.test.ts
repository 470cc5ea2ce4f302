import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeBundle } from '../../shared/bundle/index.js';
import type { FeatureSpec } from '../../shared/features/index.js';
import type { RankResponse__Output } from '../../shared/generated/dlrs/v1/RankResponse.js';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { float32Bytes } from '../../services/ranking/wire/float32-bytes.js';
import { tinyRankNet, tinyUserNet } from '../../services/ranking/testing/tiny-models.js';
import { checkHealth, healthClient } from '../fixtures/runtime-clients.js';
import { standInItemNet } from '../fixtures/stand-in-item-net.js';

const DIM = 8;
const RANKING_INDEX = fileURLToPath(new URL('../../services/ranking/index.ts', import.meta.url));

const SPEC: FeatureSpec = {
  features: [{ name: 'genres', kind: 'multi', vocabulary: ['<oov>', 'action', 'comedy', 'drama'] }],
  itemIds: ['<oov>', 'i1', 'i2', 'i3'],
  bagLength: 3,
  eventWeights: {},
};

/** Runs `dlrs serve ranking` as the CLI does (runRanking in its own process), logging JSON lines to stdout. */
function serveRanking(args: string[], env: Record<string, string> = {}): { child: ChildProcess; lines: Record<string, unknown>[]; waitFor(msg: string): Promise<Record<string, unknown>> } {
  const code = `const m = await import(${JSON.stringify(RANKING_INDEX)}); process.exitCode = await m.runRanking(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', '--input-type=module', '-e', code, '--', ...args], {
    env: { ...process.env, DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve(line: Record<string, unknown>): void }[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) waiter.resolve(line);
  });
  return {
    child,
    lines,
    waitFor: (msg) =>
      new Promise((resolve) => {
        const seen = lines.find((line) => line.msg === msg);
        if (seen) resolve(seen);
        else waiters.push({ msg, resolve });
      }),
  };
}

describe('dlrs serve ranking (runRanking)', function () {
  let dir: string;
  let bundle: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlrs-serve-ranking-'));
    bundle = join(dir, 'bundle');
    const userNet = tinyUserNet(
      [
        { name: 'user_dist_genres', type: 'float32', width: 4 },
        { name: 'user_bag_ids', type: 'int32', width: 3 },
        { name: 'user_bag_weights', type: 'float32', width: 3 },
      ],
      DIM,
    );
    await writeBundle(bundle, {
      userNet,
      // Ranking embeds the bundle's items at start (its item table): a real ItemNet of the spec.
      itemNet: standInItemNet(SPEC, { dim: DIM, idTable: new Array<number>(SPEC.itemIds.length * DIM).fill(0.1), categoricalTables: {}, biases: SPEC.itemIds.map(() => 0) }),
      rankNet: tinyRankNet(DIM),
      items: [{ id: 'i1', features: { genres: ['action'] } }],
      manifest: { dataset: 'test', featureSpec: SPEC, dim: DIM, metric: 'ip', bagLength: 3, onnxOpset: 13, training: {}, metrics: {} },
    });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a bundle, answers Rank and EmbedUsers, and exits 0 on SIGTERM', async () => {
    const server = serveRanking(['--bundle', bundle]);
    try {
      const ready = await server.waitFor('ranking ready');
      const address = `127.0.0.1:${String(ready.port)}`;
      const health = healthClient(address);
      assert.equal(await checkHealth(health, 'dlrs.v1.Ranking'), 'SERVING');
      health.close();
      const client = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: address });
      const request = { dim: DIM, userEmbedding: float32Bytes(new Float32Array(DIM).fill(0.1)), itemEmbeddings: float32Bytes(new Float32Array(3 * DIM).fill(0.2)), itemBiases: float32Bytes(new Float32Array(3)) };
      const ranked = await callUnary<RankResponse__Output>((md, opts, cb) => client.Rank(request, md, opts, cb));
      assert.equal(ranked.scores.byteLength, 12);
      assert.equal(ranked.modelVersion, ready.modelVersion);
      const profiles = [{ categorical: [{ feature: 'genres', weights: { action: 1, comedy: 1 }, total: 2 }], recentItems: [{ itemId: 'i2', weight: 1 }] }];
      const embedded = await callUnary<{ count: number; embeddings: Buffer }>((md, opts, cb) => client.EmbedUsers({ profiles }, md, opts, cb));
      assert.equal(embedded.embeddings.byteLength, DIM * 4);
      client.close();
      server.child.kill('SIGTERM');
      const [exitCode] = (await once(server.child, 'exit')) as [number];
      assert.equal(exitCode, 0);
      assert.ok(server.lines.some((line) => line.msg === 'inference session ready' && line.provider === 'cpu'));
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('exits 1 when the bundle cannot be read, 2 without a bundle, 0 with --help', async () => {
    const broken = serveRanking(['--bundle', join(dir, 'nowhere')]);
    const [brokenCode] = (await once(broken.child, 'exit')) as [number];
    assert.equal(brokenCode, 1);
    assert.ok(broken.lines.some((line) => line.msg === 'the ranking service could not start'));
    const missing = serveRanking([]);
    assert.equal(((await once(missing.child, 'exit')) as [number])[0], 2);
    const help = serveRanking(['--help']);
    assert.equal(((await once(help.child, 'exit')) as [number])[0], 0);
    assert.match(String(help.lines[0]?.msg), /Usage: dlrs serve ranking/);
  });
});
