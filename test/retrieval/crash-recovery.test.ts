import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { FaultyDurableFs } from '../../shared/durable-io/index.js';
import type { DlrsError } from '../../shared/errors/index.js';
import type { RetrievalClient } from '../../shared/generated/dlrs/v1/Retrieval.js';
import { loadProtos } from '../../shared/proto/index.js';
import { bearerTokenInterceptor } from '../../shared/grpc/index.js';
import { scanSegment, segmentName } from '../../services/retrieval/durability/wal-segment.js';
import { call, standInCatalog, standInModel, startStandInShard } from '../fixtures/retrieval-shard.js';
import { OWN_CONNECTION } from '../../shared/grpc/index.js';
import { readInternalToken, writeInternalTokenFile } from '../fixtures/internal-token.js';

const SERVE = fileURLToPath(new URL('../fixtures/serve-stand-in-shard.ts', import.meta.url));

/** Starts the shard process and resolves with a client once it serves. */
async function startShard(dataDir: string, internalTokenFile: string): Promise<{ client: RetrievalClient; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, dataDir, internalTokenFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('port ')) resolve(Number(line.slice(5)));
    });
    child.once('exit', (code) => reject(new Error(`shard process exited with ${code} before serving`)));
  });
  const Client = loadProtos().grpcObject.dlrs.v1.Retrieval;
  const token = await readInternalToken(internalTokenFile);
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { ...OWN_CONNECTION, interceptors: [bearerTokenInterceptor(token)] });
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

const red = { color: { text: 'red' } };

describe('retrieval shard crash recovery', function () {
  this.timeout(60_000);
  let dataDir: string;
  let tokenDir: string;
  let internalTokenFile: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dlrs-crash-'));
    tokenDir = await mkdtemp(join(tmpdir(), 'dlrs-crash-token-'));
    internalTokenFile = await writeInternalTokenFile(tokenDir);
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(tokenDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged upsert and delete after kill -9 of the server', async () => {
    const first = await startShard(dataDir, internalTokenFile);
    const upserts = Array.from({ length: 30 }, (_, b) =>
      call(first.client.UpsertItems.bind(first.client), {
        items: Array.from({ length: 4 }, (_, i) => ({ id: `crash-${b}-${i}`, features: { color: { text: 'green' }, year: { number: 2000 + b } } })),
      }),
    );
    const deletes = [call(first.client.DeleteItems.bind(first.client), { itemIds: ['item-1', 'item-2', 'item-7'] })];
    await Promise.all([...upserts, ...deletes]);
    await first.kill();

    const second = await startShard(dataDir, internalTokenFile);
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

  it('refuses to start on a damaged log record, naming segment and offset, and drops the log from there only when told to', async () => {
    const model = await standInModel(standInCatalog(50), 1);
    const first = await startStandInShard({ model, dataDir });
    const ids = ['seq-1', 'seq-2', 'seq-3', 'seq-4', 'seq-5'];
    for (const id of ids) await call(first.client.UpsertItems.bind(first.client), { items: [{ id, features: red }] });
    await first.stop();
    const segment = join(dataDir, segmentName(1));
    const bytes = await readFile(segment);
    const { records } = scanSegment(bytes);
    assert.deepEqual(records.map((record) => record.entry.seq), [1, 2, 3, 4, 5]);
    const damagedAt = records[1].offset;
    bytes[damagedAt + 30] ^= 0x04;
    await writeFile(segment, bytes);

    const refused = await startStandInShard({ model, dataDir, waitUntilReady: false });
    await assert.rejects(refused.server.ready, (error: DlrsError) => error.code === 'FAILED_PRECONDITION' && error.message.includes(`${segment}, byte offset ${damagedAt}:`) && error.message.includes('seqs 3..5'));
    await assert.rejects(call(refused.client.GetItems.bind(refused.client), { itemIds: ids }), (error: ServiceError) => error.code === status.UNAVAILABLE, 'it never serves with acknowledged writes missing');
    await refused.stop();

    const repaired = await startStandInShard({ model, dataDir, env: { DLRS_WAL_REPAIR: 'drop-damaged' } });
    try {
      assert.equal(repaired.logs.find(/DLRS_WAL_REPAIR=drop-damaged: dropped/)[0]?.droppedSeqs, 'seqs 3..5');
      const got = await call(repaired.client.GetItems.bind(repaired.client), { itemIds: ids });
      assert.deepEqual(got.items.map((stored) => stored.item?.id), ['seq-1']);
      assert.deepEqual(got.notFound, ['seq-2', 'seq-3', 'seq-4', 'seq-5'], 'the repair dropped what it said it dropped');
    } finally {
      await repaired.stop();
    }
  });

  it('answers UNAVAILABLE without internals while the disk is full, acknowledges nothing it did not store, and recovers when space returns', async () => {
    const fs = new FaultyDurableFs();
    const model = await standInModel(standInCatalog(50), 1);
    const shard = await startStandInShard({ model, dataDir, fs });
    const upsert = (id: string): Promise<unknown> => call(shard.client.UpsertItems.bind(shard.client), { items: [{ id, features: red }] });
    const plainUnavailable = (error: ServiceError): boolean => error.code === status.UNAVAILABLE && !error.details.includes(dataDir) && !error.details.includes('ENOSPC');
    await upsert('before');
    const full = fs.inject({ op: 'write', path: 'wal-', error: 'ENOSPC' });
    await assert.rejects(upsert('during'), plainUnavailable);
    await assert.rejects(call(shard.client.DeleteItems.bind(shard.client), { itemIds: ['item-1'] }), plainUnavailable);
    assert.ok(shard.logs.find(/write-ahead log write failed/).length >= 2, 'the cause is logged');
    full.remove();
    await upsert('after');
    const itemIds = ['before', 'during', 'after', 'item-1'];
    assert.deepEqual((await call(shard.client.GetItems.bind(shard.client), { itemIds })).notFound, ['during']);
    await shard.stop();

    const restarted = await startStandInShard({ model, dataDir });
    try {
      assert.deepEqual((await call(restarted.client.GetItems.bind(restarted.client), { itemIds })).notFound, ['during'], 'replay sees exactly the acknowledged writes');
    } finally {
      await restarted.stop();
    }
  });
});
