import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import type { RetrievalClient } from '../../shared/generated/dlrs/v1/Retrieval.js';
import { loadProtos } from '../../shared/proto/index.js';
import { call } from '../fixtures/retrieval-shard.js';
import { OWN_CONNECTION } from '../../shared/grpc/index.js';

const SERVE = fileURLToPath(new URL('../fixtures/serve-stand-in-shard.ts', import.meta.url));

/** Starts the shard process and resolves with a client once it serves. */
async function startShard(dataDir: string): Promise<{ client: RetrievalClient; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('port ')) resolve(Number(line.slice(5)));
    });
    child.once('exit', (code) => reject(new Error(`shard process exited with ${code} before serving`)));
  });
  const Client = loadProtos().grpcObject.dlrs.v1.Retrieval;
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), OWN_CONNECTION);
  return {
    client,
    kill: async () => {
      client.close();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('retrieval shard crash recovery', function () {
  this.timeout(60_000);
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dlrs-crash-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged upsert and delete after kill -9 of the server', async () => {
    const first = await startShard(dataDir);
    const upserts = Array.from({ length: 30 }, (_, b) =>
      call(first.client.UpsertItems.bind(first.client), {
        items: Array.from({ length: 4 }, (_, i) => ({ id: `crash-${b}-${i}`, features: { color: { text: 'green' }, year: { number: 2000 + b } } })),
      }),
    );
    const deletes = [call(first.client.DeleteItems.bind(first.client), { itemIds: ['item-1', 'item-2', 'item-7'] })];
    await Promise.all([...upserts, ...deletes]);
    await first.kill();

    const second = await startShard(dataDir);
    try {
      const wanted = Array.from({ length: 30 }, (_, b) => Array.from({ length: 4 }, (_, i) => `crash-${b}-${i}`)).flat();
      const got = await call(second.client.GetItems.bind(second.client), { itemIds: [...wanted, 'item-1', 'item-2', 'item-7', 'item-3'] });
      assert.deepEqual(got.notFound, ['item-1', 'item-2', 'item-7']);
      assert.equal(got.items.length, wanted.length + 1);
      assert.equal(got.items.find((stored) => stored.item?.id === 'crash-29-3')?.item?.features.year.number, 2029);
      const stats = await call(second.client.Stats.bind(second.client), {});
      assert.equal(stats.itemCount, 50 - 3 + wanted.length);
    } finally {
      await second.kill();
    }
  });
});
