import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DlrsError } from '../../../shared/errors/index.js';
import { FaultyDurableFs } from '../../../shared/durable-io/index.js';
import type { FaultRule } from '../../../shared/durable-io/index.js';
import type { Item } from '../../../shared/features/index.js';
import { createLogger, createMemorySink } from '../../../shared/logging/index.js';
import type { MemorySink } from '../../../shared/logging/index.js';
import { DurableShard } from './durable-shard.js';
import type { EmbeddedItems } from '../../../shared/item-net/index.js';
import type { DurableShardOptions, RecoveryModel } from './durable-shard.js';

const CHILD = fileURLToPath(new URL(`../testing/durable-shard-crash-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
const DIM = 4;

function embeddingOf(id: string): number[] {
  let h = 7;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 9973;
  return [h / 9973, 1, -h / 9973, id.length];
}

/** A shard process driven over stdin/stdout. */
class ShardProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly acks = new Set<number>();
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private sent = 0;
  private dumped: { items: { id: string; embedding: number[] }[]; indexed: number } | undefined;
  ready = false;

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, [...(CHILD.endsWith('.ts') ? ['--import', 'tsx'] : []), CHILD, dataDir], { stdio: 'pipe' });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) console.log(`shard child exited ${code}: ${stderr}`);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (line === 'ready') this.ready = true;
      else if (line.startsWith('ack ')) this.acks.add(Number(line.slice(4)));
      else if (line.startsWith('dump ')) this.dumped = JSON.parse(line.slice(5)) as typeof this.dumped;
      for (const waiter of this.waiters.filter((w) => w.test())) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  until(test: () => boolean): Promise<void> {
    return test() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Sends a command and returns its number. */
  send(command: object): number {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    return this.sent++;
  }

  acked(n: number): boolean {
    return this.acks.has(n);
  }

  async dump(): Promise<{ items: { id: string; embedding: number[] }[]; indexed: number }> {
    this.send({ op: 'dump' });
    await this.until(() => this.dumped !== undefined);
    return this.dumped as { items: { id: string; embedding: number[] }[]; indexed: number };
  }

  kill(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    return exited;
  }
}

describe('DurableShard', function () {
  this.timeout(60_000);
  let dataDir: string;
  let logs: MemorySink;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dlrs-durable-'));
    logs = createMemorySink();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged upsert and delete across kill -9, with a snapshot and the log tail', async () => {
    const live = new Map<string, number[]>(); // acknowledged state: id -> embedding
    const deleted = new Set<string>();
    let round = 0;
    for (const withSnapshot of [true, false, true]) {
      const shard = new ShardProcess(dataDir);
      await shard.until(() => shard.ready);
      const before = await shard.dump();
      for (const id of live.keys()) {
        const found = before.items.find((item) => item.id === id);
        assert.ok(found, `round ${round}: acknowledged item ${id} survived`);
        assert.deepEqual(found.embedding, live.get(id), `round ${round}: embedding of ${id}`);
      }
      for (const id of deleted) assert.ok(!before.items.some((item) => item.id === id), `round ${round}: deleted ${id} stays deleted`);
      assert.equal(before.indexed, before.items.length, 'every item is indexed');

      const upserts: { n: number; ids: string[] }[] = [];
      for (let batch = 0; batch < 40; batch++) {
        const items = Array.from({ length: 3 }, (_, i) => ({ id: `r${round}-b${batch}-${i}`, embedding: embeddingOf(`r${round}-b${batch}-${i}`) }));
        upserts.push({ n: shard.send({ op: 'upsert', items }), ids: items.map((item) => item.id) });
        if (batch === 20 && withSnapshot) shard.send({ op: 'snapshot' });
      }
      // Replace one earlier item and delete a few of this round's, concurrently with the upserts.
      const doomed = upserts.slice(0, 5).map((u) => u.ids[0]);
      const deletion = shard.send({ op: 'delete', ids: doomed });
      const lastUpsert = upserts[upserts.length - 1].n;
      await shard.until(() => shard.acked(lastUpsert) && shard.acked(deletion));
      await shard.kill();
      for (const u of upserts) {
        assert.ok(shard.acked(u.n), 'acknowledged in order');
        for (const id of u.ids) live.set(id, embeddingOf(id).map(Math.fround));
      }
      for (const id of doomed) {
        live.delete(id);
        deleted.add(id);
      }
      round++;
    }
    const files = await readdir(dataDir);
    assert.ok(files.some((name) => name.startsWith('snapshot-')), `a snapshot exists: ${files.join(', ')}`);
    const final = new ShardProcess(dataDir);
    await final.until(() => final.ready);
    const after = await final.dump();
    await final.kill();
    assert.deepEqual(new Set(after.items.map((item) => item.id)), new Set(['seed', ...live.keys()]));
  });

  it('replays the log over the snapshot and drops the log the snapshot covers', async () => {
    const options: DurableShardOptions = {
      dataDir,
      index: { connectivity: 8, expansionAdd: 32, expansionSearch: 32, quantization: 'f16', addThreads: 1 },
      snapshotAfterRecords: 1_000_000,
      snapshotsKept: 1,
      logger: createLogger({ level: 'info', destination: logs }),
    };
    let embedCalls = 0;
    const model = (modelVersion: string): RecoveryModel => ({
      modelVersion,
      dim: DIM,
      fields: [{ name: 'color', kind: 'categorical' }],
      initialItems: (): Promise<Item[]> => Promise.resolve([{ id: 'a', features: { color: 'red' } }]), bundleItems: (): Promise<Item[]> => Promise.resolve([{ id: 'a', features: { color: 'red' } }]),
      embed: (items: readonly Item[]): Promise<EmbeddedItems> => {
        embedCalls++;
        return Promise.resolve({ embeddings: Float32Array.from(items.flatMap((item) => embeddingOf(item.id + modelVersion))), biases: new Float32Array(items.length) });
      },
    });
    const first = await DurableShard.open(options, model('v1'));
    assert.equal(first.recordsSinceSnapshot, 0);
    const b = [{ id: 'b', features: { color: 'blue' } }];
    await first.upsert(b, { embeddings: Float32Array.from(embeddingOf('bv1')), biases: Float32Array.of(0.25) }, 'v1');
    await first.snapshot();
    assert.equal(first.recordsSinceSnapshot, 0);
    assert.deepEqual(await first.delete(['a', 'zz']), { deleted: 1, notFound: ['zz'] });
    assert.equal(first.recordsSinceSnapshot, 1);
    await first.close();
    await first.close();

    const second = await DurableShard.open(options, model('v1'));
    assert.deepEqual(logs.find('log replayed').map((line) => line.records), [1]);
    assert.deepEqual([...second.state.store.liveSlots()].map((slot) => second.state.store.idAt(slot)), ['b']);
    assert.equal(second.state.store.biasAt(second.state.store.slotOf('b') as number), 0.25);
    assert.equal(second.recordsSinceSnapshot, 1);
    await second.close();

    embedCalls = 0;
    const third = await DurableShard.open(options, model('v2'));
    assert.equal(embedCalls, 1, 'the snapshot of v1 is re-embedded once by v2');
    assert.equal(third.state.modelVersion, 'v2');
    assert.deepEqual(Array.from(third.state.store.embeddingAt(third.state.store.slotOf('b') as number)), embeddingOf('bv2').map(Math.fround));
    const [hits] = await third.state.search({ queries: Float32Array.from(embeddingOf('bv2')), queryCount: 1, k: 5, excludeIds: [], conditions: [] });
    assert.equal(hits.slots.length, 1);
    await third.close();
    const names = await readdir(dataDir);
    assert.equal(names.filter((name) => name.startsWith('snapshot-')).length, 1, names.join(', '));
  });

  it('switches models in the background, catching up with concurrent mutations, and re-embeds stale upserts', async () => {
    const options: DurableShardOptions = {
      dataDir,
      index: { connectivity: 8, expansionAdd: 32, expansionSearch: 32, quantization: 'f32', addThreads: 1 },
      snapshotAfterRecords: 1_000_000,
      snapshotsKept: 1,
      logger: createLogger({ level: 'info', destination: logs }),
    };
    const model = (modelVersion: string, dim: number, delayMs: number): RecoveryModel => ({
      modelVersion,
      dim,
      fields: [{ name: 'color', kind: 'categorical' }],
      initialItems: (): Promise<Item[]> => Promise.resolve([{ id: 'a', features: { color: 'red' } }, { id: 'b', features: { color: 'red' } }]), bundleItems: (): Promise<Item[]> => Promise.resolve([{ id: 'a', features: { color: 'red' } }, { id: 'b', features: { color: 'red' } }]),
      embed: async (items: readonly Item[]): Promise<EmbeddedItems> => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return { embeddings: Float32Array.from(items.flatMap((item) => embeddingOf(item.id + modelVersion).slice(0, dim))), biases: new Float32Array(items.length) };
      },
    });
    const shard = await DurableShard.open(options, model('v1', DIM, 0));
    const switched = shard.switchModel(model('v2', 3, 30));
    const c = [{ id: 'c', features: { color: 'blue' } }];
    const storedAs = await shard.upsert(c, { embeddings: Float32Array.from(embeddingOf('cv1')), biases: Float32Array.of(0) }, 'v1');
    assert.equal(storedAs, 'v1', 'the old model serves until the switch');
    await shard.delete(['a']);
    assert.equal(shard.state.modelVersion, 'v1');
    await switched;
    const state = shard.state;
    assert.equal(state.modelVersion, 'v2');
    assert.equal(state.store.dim, 3);
    assert.deepEqual(new Set([...state.store.liveSlots()].map((slot) => state.store.idAt(slot))), new Set(['b', 'c']));
    assert.deepEqual(Array.from(state.store.embeddingAt(state.store.slotOf('c') as number)), embeddingOf('cv2').slice(0, 3).map(Math.fround));
    const late = [{ id: 'd', features: {} }];
    assert.equal(await shard.upsert(late, { embeddings: Float32Array.from(embeddingOf('dv1')), biases: Float32Array.of(0) }, 'v1'), 'v2', 'a stale upsert is re-embedded');
    assert.deepEqual(Array.from(state.store.embeddingAt(state.store.slotOf('d') as number)), embeddingOf('dv2').slice(0, 3).map(Math.fround));
    await shard.close();
    const reopened = await DurableShard.open(options, model('v2', 3, 0));
    assert.deepEqual(new Set([...reopened.state.store.liveSlots()].map((slot) => reopened.state.store.idAt(slot))), new Set(['b', 'c', 'd']));
    await reopened.close();
  });

  it('falls back to the previous snapshot and the longer log when the newest snapshot is damaged', async () => {
    const options: DurableShardOptions = {
      dataDir,
      index: { connectivity: 8, expansionAdd: 32, expansionSearch: 32, quantization: 'f32', addThreads: 1 },
      snapshotAfterRecords: 1_000_000,
      snapshotsKept: 2,
      logger: createLogger({ level: 'info', destination: logs }),
    };
    const model: RecoveryModel = {
      modelVersion: 'v1',
      dim: DIM,
      fields: [],
      initialItems: () => Promise.resolve([{ id: 'a', features: {} }]), bundleItems: () => Promise.resolve([{ id: 'a', features: {} }]),
      embed: (items) => Promise.resolve({ embeddings: Float32Array.from(items.flatMap((item) => embeddingOf(item.id))), biases: new Float32Array(items.length) }),
    };
    const upsert = async (shard: DurableShard, id: string): Promise<void> => {
      await shard.upsert([{ id, features: {} }], { embeddings: Float32Array.from(embeddingOf(id)), biases: Float32Array.of(0) }, 'v1');
    };
    const shard = await DurableShard.open(options, model);
    await upsert(shard, 'b');
    await shard.snapshot();
    await upsert(shard, 'c');
    await shard.snapshot();
    await upsert(shard, 'd');
    await shard.close();
    const snapshots = (await readdir(dataDir)).filter((name) => name.startsWith('snapshot-')).sort();
    assert.equal(snapshots.length, 2);
    await writeFile(join(dataDir, snapshots[1], 'meta.json'), '{"formatVersion": 1, "itemCount"');
    const reopened = await DurableShard.open(options, model);
    assert.deepEqual(new Set([...reopened.state.store.liveSlots()].map((slot) => reopened.state.store.idAt(slot))), new Set(['a', 'b', 'c', 'd']));
    assert.equal(logs.find('snapshot damaged, trying an older one').length, 1);
    await reopened.close();
    const after = (await readdir(dataDir)).filter((name) => name.startsWith('snapshot-')).sort();
    assert.ok(after.includes(`${snapshots[1]}.damaged`), `the damaged snapshot is set aside: ${after.join(', ')}`);
    assert.equal(after.filter((name) => !name.includes('.')).length, 2, 'a fresh snapshot replaces it among those kept');
  });

  describe('under faults', () => {
    const model: RecoveryModel = {
      modelVersion: 'v1',
      dim: DIM,
      fields: [],
      initialItems: () => Promise.resolve([{ id: 'a', features: {} }]), bundleItems: () => Promise.resolve([{ id: 'a', features: {} }]),
      embed: (items) => Promise.resolve({ embeddings: Float32Array.from(items.flatMap((item) => embeddingOf(item.id))), biases: new Float32Array(items.length) }),
    };
    const optionsWith = (fs?: FaultyDurableFs): DurableShardOptions => ({
      dataDir,
      index: { connectivity: 8, expansionAdd: 32, expansionSearch: 32, quantization: 'f32', addThreads: 1 },
      snapshotAfterRecords: 1_000_000,
      snapshotsKept: 2,
      logger: createLogger({ level: 'info', destination: logs }),
      fs,
    });
    const upsert = (shard: DurableShard, id: string): Promise<string> => shard.upsert([{ id, features: {} }], { embeddings: Float32Array.from(embeddingOf(id)), biases: Float32Array.of(0) }, 'v1');
    const ids = (shard: DurableShard): Set<string> => new Set([...shard.state.store.liveSlots()].flatMap((slot) => shard.state.store.idAt(slot) ?? []));
    const unavailable = (error: unknown): boolean => error instanceof DlrsError && error.code === 'UNAVAILABLE' && !error.message.includes(dataDir) && !/ENOSPC|EIO|EACCES/.test(error.message);

    it('refuses writes on ENOSPC and EIO without changing the state, recovers when the disk does, and completes short writes', async () => {
      const fs = new FaultyDurableFs();
      const shard = await DurableShard.open(optionsWith(fs), model);
      await upsert(shard, 'b');
      const rules: FaultRule[] = [
        { op: 'write', path: 'wal-', error: 'ENOSPC' },
        { op: 'datasync', path: 'wal-', error: 'EIO' },
      ];
      for (const rule of rules) {
        const fault = fs.inject(rule);
        const refused = await Promise.allSettled([upsert(shard, 'lost'), shard.delete(['a']), upsert(shard, 'lost-too')]);
        for (const outcome of refused) assert.ok(outcome.status === 'rejected' && unavailable(outcome.reason), `${rule.error}: ${JSON.stringify(outcome)}`);
        assert.deepEqual(ids(shard), new Set(['a', 'b']), `${rule.error}: nothing unwritten is applied`);
        fault.remove();
      }
      const logged = logs.find(/write-ahead log write failed/).map((line) => String((line.err as { message: string }).message));
      assert.ok(logged.some((message) => message.startsWith('ENOSPC') && message.includes(dataDir)), 'the full cause is logged');
      assert.ok(logged.some((message) => message.startsWith('EIO')));
      await upsert(shard, 'c');
      assert.deepEqual(await shard.delete(['a']), { deleted: 1, notFound: [] });
      const short = fs.inject({ op: 'write', path: 'wal-', shortWriteBytes: 7, times: 200 });
      await Promise.all(['d', 'e'].map((id) => upsert(shard, id)));
      assert.ok(short.hits > 10, 'the writes were cut short');
      await shard.close();
      const reopened = await DurableShard.open(optionsWith(), model);
      assert.deepEqual(ids(reopened), new Set(['b', 'c', 'd', 'e']), 'replay sees exactly the acknowledged writes');
      await reopened.close();
    });

    it('keeps serving and keeps its log when a snapshot cannot be written (unwritable target)', async () => {
      const fs = new FaultyDurableFs();
      const shard = await DurableShard.open(optionsWith(fs), model);
      await upsert(shard, 'b');
      const fault = fs.inject({ op: 'open', path: '.tmp-', error: 'EACCES' });
      await assert.rejects(shard.snapshot(), { code: 'EACCES' });
      assert.deepEqual((await readdir(dataDir)).filter((name) => name.includes('.tmp-')), [], 'no partial snapshot is left');
      await upsert(shard, 'c');
      fault.remove();
      await shard.close();
      const reopened = await DurableShard.open(optionsWith(), model);
      assert.deepEqual(ids(reopened), new Set(['a', 'b', 'c']));
      await reopened.close();
    });

    it('detects a flipped byte in a snapshot file by its checksum and falls back to the older snapshot and the log', async () => {
      const shard = await DurableShard.open(optionsWith(), model);
      await upsert(shard, 'b');
      await shard.snapshot();
      await upsert(shard, 'c');
      const newest = await shard.snapshot();
      await upsert(shard, 'd');
      await shard.close();
      const embeddings = await readFile(join(newest.path, 'embeddings.f32'));
      embeddings[5] ^= 0x01;
      await writeFile(join(newest.path, 'embeddings.f32'), embeddings);
      const reopened = await DurableShard.open(optionsWith(), model);
      assert.deepEqual(ids(reopened), new Set(['a', 'b', 'c', 'd']));
      assert.deepEqual(Array.from(reopened.state.store.embeddingAt(reopened.state.store.slotOf('c') as number)), embeddingOf('c').map(Math.fround), 'the damaged embedding is not served');
      assert.match(String((logs.find('snapshot damaged, trying an older one')[0].err as { message: string }).message), /embeddings\.f32: content checksum/);
      await reopened.close();
    });

    it('refuses to open, naming the snapshot, when no intact snapshot and log reconstruct the acknowledged state', async () => {
      const shard = await DurableShard.open(optionsWith(), model);
      await upsert(shard, 'b');
      const older = await shard.snapshot();
      await upsert(shard, 'c');
      const newest = await shard.snapshot();
      await shard.close();
      const meta = await readFile(join(newest.path, 'meta.json'), 'utf8');
      await writeFile(join(newest.path, 'meta.json'), meta.replace('"itemCount": 3', '"itemCount": 2'));
      // The log after the older snapshot was lost as well: the older snapshot alone lacks 'c'.
      for (const name of await readdir(dataDir)) if (name.startsWith('wal-')) await rm(join(dataDir, name));
      await assert.rejects(DurableShard.open(optionsWith(), model), (error: DlrsError) => error.code === 'FAILED_PRECONDITION' && error.message.includes(newest.path));
      await rm(older.path, { recursive: true });
      await assert.rejects(DurableShard.open(optionsWith(), model), (error: DlrsError) => error.code === 'FAILED_PRECONDITION' && error.message.includes(newest.path));
    });
  });
});
