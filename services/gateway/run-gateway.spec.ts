import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, credentials } from '@grpc/grpc-js';
import { writeBundle } from '../../shared/bundle/index.js';
import { OWN_CONNECTION, callUnary } from '../../shared/grpc/index.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { runGateway } from './run-gateway.js';
import { startFakeRanking, startFakeShard } from './testing/fake-tiers.js';
import { TEST_SPEC, testCatalog } from './testing/start-test-gateway.js';

describe('dlrs serve gateway (runGateway) in a child process, in front of in-test Retrieval/Ranking gRPC servers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-run-gateway-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints its usage with --help and exits 2 on an unknown option', async () => {
    assert.equal(await runGateway(['--help']), 0);
    assert.equal(await runGateway(['--bogus']), 2);
  });

  it('refuses to start without API tokens, naming the variable', function () {
    if (process.env.DLRS_API_TOKENS_FILE !== undefined || process.env.DLRS_ALLOW_ANONYMOUS !== undefined) {
      console.log('skipping: DLRS_API_TOKENS_FILE or DLRS_ALLOW_ANONYMOUS is set in the environment of the tests');
      this.skip();
    }
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { runGateway } = await import('./services/gateway/run-gateway.ts'); process.exit(await runGateway(['--bundle', '.']));"], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    assert.equal(child.status, 2, child.stderr);
    assert.match(child.stderr, /DLRS_API_TOKENS_FILE is required.*DLRS_ALLOW_ANONYMOUS=true/);
  });

  it('serves with the feature spec of the bundle and shuts down on SIGTERM', async () => {
    // The gateway reads only the manifest: the networks may be placeholders.
    const bundle = join(dir, 'bundle');
    const placeholder = new Uint8Array([1, 2, 3]);
    await writeBundle(bundle, {
      userNet: placeholder,
      itemNet: placeholder,
      rankNet: placeholder,
      items: [],
      manifest: { dataset: 'test', featureSpec: TEST_SPEC, dim: 3, metric: 'ip', bagLength: TEST_SPEC.bagLength, onnxOpset: 17, training: {}, metrics: {} },
    });
    const tokensFile = join(dir, 'tokens');
    await writeFile(tokensFile, 'run-token read,write\n');
    const ranking = await startFakeRanking();
    const shards = await Promise.all(testCatalog().map((items, i) => startFakeShard(i, items)));
    const script = "const { runGateway } = await import('./services/gateway/run-gateway.ts'); const code = await runGateway(process.argv.slice(1)); if (code !== 0) process.exit(code);";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--bundle', bundle], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        DLRS_HOST: '127.0.0.1',
        DLRS_PORT: '0',
        DLRS_METRICS_PORT: '0',
        DLRS_RANKING_ADDRESS: ranking.address,
        DLRS_RETRIEVAL_ADDRESSES: shards.map((s) => s.address).join(','),
        DLRS_DATA_DIR: join(dir, 'data'),
        DLRS_API_TOKENS_FILE: tokensFile,
      },
    });
    let output = '';
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const serving = output.split('\n').find((line) => line.includes('"gateway serving"'));
          if (serving) resolve((JSON.parse(serving) as { port: number }).port);
        });
        child.once('exit', (code) => reject(new Error(`gateway exited early with ${code}: ${output}`)));
      });
      const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(`127.0.0.1:${port}`, credentials.createInsecure(), OWN_CONNECTION);
      const metadata = new Metadata();
      metadata.set('authorization', 'Bearer run-token');
      const budget = { deadline: Date.now() + 10_000, metadata };
      const recorded = await callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events: [{ userId: 'u1', interaction: { itemId: 'b', eventType: 'purchase', eventId: 'e1' } }] }, md, o, cb), budget);
      assert.equal(recorded.accepted, 1);
      const answer = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ userId: 'u1', k: 2 }, md, o, cb), budget);
      assert.equal(answer.degraded, false);
      assert.equal(answer.items.length, 2);
      client.close();
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill('SIGTERM');
      assert.deepEqual(await exited, [0, null], output);
      assert.match(output, /"msg":"shut down"/);
    } finally {
      child.kill('SIGKILL');
      await Promise.all([ranking.stop(), ...shards.map((s) => s.stop())]);
    }
  });
});
