import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { readBundle } from '../../shared/bundle/index.js';
import { bearerTokenInterceptor } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { runTrain } from '../../services/trainer/train-command.js';
import { call, f32, floats } from '../fixtures/retrieval-shard.js';
import { OWN_CONNECTION } from '../../shared/grpc/index.js';
import { readInternalToken, writeInternalTokenFile } from '../fixtures/internal-token.js';

const RUN_RETRIEVAL = fileURLToPath(new URL('../fixtures/run-retrieval.ts', import.meta.url));

describe('runRetrieval (dlrs serve retrieval) with a trained bundle', function () {
  this.timeout(120_000);
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-trained-'));
    for (const [name, seed] of [['bundle', '7'], ['bundle-2', '8']]) {
      const code = await runTrain(['--data', 'synthetic:tiny', '--out', join(root, name), '--epochs', '1', '--dim', '16', '--seed', seed, '--workers', '1']);
      assert.equal(code, 0, `dlrs train synthetic:tiny --seed ${seed}`);
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('serves the bundle catalog embedded by its ItemNet, switches to another bundle, and stops on SIGTERM', async () => {
    const bundle = await readBundle(join(root, 'bundle'));
    // LoadModel needs the internal token; bundle-2 is beside the served bundle, under the default bundle root.
    const internalTokenFile = await writeInternalTokenFile(root);
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_RETRIEVAL, '--bundle', join(root, 'bundle'), '--shard', '0/1', '--data-dir', join(root, 'data')], {
      env: { ...process.env, DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_INTERNAL_TOKEN_FILE: internalTokenFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === 'retrieval listening' && parsed.port !== undefined) resolve(parsed.port);
      });
    });
    const token = await readInternalToken(internalTokenFile);
    const client = new (loadProtos().grpcObject.dlrs.v1.Retrieval)(`127.0.0.1:${port}`, credentials.createInsecure(), { ...OWN_CONNECTION, interceptors: [bearerTokenInterceptor(token)] });
    try {
      await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())));
      let stats = await call(client.Stats.bind(client), {}).catch(() => undefined);
      for (let attempt = 0; stats === undefined && attempt < 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stats = await call(client.Stats.bind(client), {}).catch(() => undefined);
      }
      assert.ok(stats, 'the shard became ready');
      assert.equal(stats.itemCount, bundle.items.length);
      assert.equal(stats.modelVersion, bundle.manifest.modelVersion);
      const first = bundle.items[0].id;
      const got = await call(client.GetItems.bind(client), { itemIds: [first], includeEmbeddings: true });
      const embedding = floats(got.items[0].embedding);
      assert.equal(embedding.length, bundle.manifest.dim);
      const found = await call(client.Search.bind(client), { dim: bundle.manifest.dim, queries: f32(embedding), k: 5, modelVersion: bundle.manifest.modelVersion });
      assert.ok(found.results[0].itemIds.length === 5);

      const next = await readBundle(join(root, 'bundle-2'));
      assert.notEqual(next.manifest.modelVersion, bundle.manifest.modelVersion);
      const info = await call(client.LoadModel.bind(client), { bundlePath: join(root, 'bundle-2') });
      assert.equal(info.modelVersion, next.manifest.modelVersion);
      await assert.rejects(call(client.Search.bind(client), { dim: bundle.manifest.dim, queries: f32(embedding), k: 5, modelVersion: bundle.manifest.modelVersion }), /not served/);
      const after = await call(client.Stats.bind(client), {});
      assert.deepEqual([after.modelVersion, after.itemCount], [next.manifest.modelVersion, bundle.items.length]);
    } finally {
      client.close();
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, 'a clean shutdown on SIGTERM');
  });
});
