import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { FaultyDurableFs, nodeDurableFs } from '../../../shared/durable-io/index.js';
import type { DurableFile, DurableFs } from '../../../shared/durable-io/index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { EmbeddedProfileStore } from './embedded-profile-store.js';
import type { EmbeddedProfileStoreOptions } from './embedded-profile-store.js';
import { appendLabels, profileStoreConformance } from './testing/profile-store-conformance.js';
import type { ConformanceEvent, ConformanceProfile } from './testing/profile-store-conformance.js';

type Store = EmbeddedProfileStore<ConformanceProfile, ConformanceEvent>;

describe('EmbeddedProfileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-profiles-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('conformance', () => {
    profileStoreConformance(() => async ({ dedupeWindowPerUser }) => {
      const backingDir = await mkdtemp(join(tmpdir(), 'dlrs-profiles-conformance-'));
      return {
        concurrentHandles: false,
        open: () => EmbeddedProfileStore.open<ConformanceProfile, ConformanceEvent>({ path: join(backingDir, 'profiles.aof'), dedupeWindowPerUser }),
        dispose: () => rm(backingDir, { recursive: true, force: true }),
      };
    }, { it, beforeEach, afterEach });
  });

  const open = (options: Partial<EmbeddedProfileStoreOptions<ConformanceProfile>> = {}): Promise<Store> => EmbeddedProfileStore.open({ path: join(dir, 'profiles.aof'), ...options });
  const ev = (label: string): ConformanceEvent => ({ eventId: label, label });

  it('shares one fdatasync among concurrent writers (group commit)', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.apply(`u${i % 7}`, [ev(`e${i}`)], appendLabels)));
    const stats = store.stats();
    assert.equal(stats.appendedRecords, 200);
    assert.ok(stats.syncs < 200, `${stats.syncs} syncs for 200 concurrent records`);
    await store.close();
  });

  it('cuts off a torn tail at open and keeps every complete record', async () => {
    const store = await open();
    await store.apply('u1', [ev('a')], appendLabels);
    await store.apply('u1', [ev('b')], appendLabels);
    await store.close();
    const path = join(dir, 'profiles.aof');
    const intact = (await stat(path)).size;
    await appendFile(path, '1234abcd {"t":"a","u":"u1","ids":["c"],"p":{"userId":"u1","appl');
    const reopened = await open();
    assert.deepEqual((await reopened.get('u1'))?.applied, ['a', 'b']);
    assert.equal(reopened.stats().truncatedBytes > 0, true);
    assert.equal((await stat(path)).size, intact, 'the torn bytes are gone from the file');
    await reopened.apply('u1', [ev('c')], appendLabels);
    await reopened.close();
    const third = await open();
    assert.deepEqual((await third.get('u1'))?.applied, ['a', 'b', 'c']);
    await third.close();
  });

  it('refuses to open a file with a damaged record before intact ones', async () => {
    const store = await open();
    await store.apply('u1', [ev('a')], appendLabels);
    await store.apply('u1', [ev('b')], appendLabels);
    await store.close();
    const path = join(dir, 'profiles.aof');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"ids":["a"]', '"ids":["z"]'));
    await assert.rejects(open(), /damaged record at byte 0 followed by intact records/);
  });

  it('rewrites the file when it outgrows the live state and replays the rewrite to the same state', async () => {
    const store = await open({ compactionMinBytes: 4096 });
    for (let i = 0; i < 300; i++) await store.apply(`u${i % 3}`, [ev(`e${i}`)], appendLabels);
    await store.delete('u2');
    const stats = store.stats();
    assert.ok(stats.compactions > 0, 'compacted at least once');
    const path = join(dir, 'profiles.aof');
    assert.ok((await stat(path)).size < 300 * 60, 'the file is smaller than all records appended');
    const before = [await store.get('u0'), await store.get('u1')];
    await store.close();
    const reopened = await open({ compactionMinBytes: 4096 });
    assert.deepEqual([await reopened.get('u0'), await reopened.get('u1'), await reopened.get('u2')], [...before, undefined]);
    assert.equal((await reopened.apply('u0', [ev('e297')], appendLabels)).duplicates, 1, 'remembered ids survive the rewrite');
    await reopened.close();
  });

  it('keeps every acknowledged event exactly once when a writer process is killed with SIGKILL and restarted', async () => {
    const path = join(dir, 'profiles.aof');
    const writer = new URL('./testing/embedded-crash-writer.ts', import.meta.url).pathname;
    const acknowledged = new Map<string, Set<string>>();
    let acks = 0;
    // The restarted writer resends its batches from the start, as an at-least-once producer
    // retries: what the first run applied must come back as duplicates, not twice. It runs
    // longer, so that it also writes batches the first run never reached.
    const killAfter = [150, 250];
    for (let run = 0; run < 2; run++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, path, '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      let runAcks = 0;
      for await (const line of createInterface({ input: child.stdout })) {
        const [word, userId, ...ids] = line.split(' ');
        if (word !== 'ack') continue;
        const set = acknowledged.get(userId) ?? new Set<string>();
        for (const id of ids) set.add(id);
        acknowledged.set(userId, set);
        acks++;
        // Kill mid-stream, while other writers' batches are queued or being synced.
        if (++runAcks === killAfter[run]) child.kill('SIGKILL');
      }
      assert.equal(await exited, 'SIGKILL', `run ${run}`);
    }
    const store = await open();
    try {
      let acknowledgedIds = 0;
      for (let u = 0; u < 5; u++) {
        const labels = (await store.get(`u${u}`))?.applied ?? [];
        assert.equal(new Set(labels).size, labels.length, `u${u}: no event applied twice`);
        const present = new Set(labels);
        for (const id of acknowledged.get(`u${u}`) ?? []) assert.ok(present.has(id), `u${u}: acknowledged ${id} survives`);
        acknowledgedIds += acknowledged.get(`u${u}`)?.size ?? 0;
      }
      // Beyond the first run's 150 batches (and the few acks it printed while being killed).
      assert.ok(acknowledgedIds > 3 * 160, `${acks} acknowledged batches, ${acknowledgedIds} distinct event ids`);
      const retried = await store.apply('u0', [...(acknowledged.get('u0') ?? [])].slice(-30).map(ev), appendLabels);
      assert.equal(retried.accepted, 0, 'a retry of acknowledged events is all duplicates');
    } finally {
      await store.close();
    }
  });

  it('refuses writes after close', async () => {
    const store = await open();
    await store.close();
    await assert.rejects(store.apply('u1', [ev('a')], appendLabels), /not open/);
  });
  describe('under disk faults', () => {
    // A crash at this moment: what the disk holds now, opened as a restarted gateway would.
    async function afterCrash(): Promise<Store> {
      const copy = await mkdtemp(join(tmpdir(), 'dlrs-profiles-crash-'));
      crashCopies.push(copy);
      // File by file: a background compaction may rename its temp file between the listing and
      // the copy; what is gone then was renamed over the log, whose copy is whole either way.
      for (const name of await readdir(dir)) {
        await cp(join(dir, name), join(copy, name), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
      return EmbeddedProfileStore.open({ path: join(copy, 'profiles.aof') });
    }
    const crashCopies: string[] = [];
    afterEach(async () => {
      for (const copy of crashCopies.splice(0)) await rm(copy, { recursive: true, force: true });
    });

    const unavailable = (pattern: RegExp) => (error: unknown) => error instanceof DlrsError && error.code === 'UNAVAILABLE' && pattern.test(error.message);

    async function expectState(store: Store, expected: Map<string, string[]>, users: readonly string[], what: string): Promise<void> {
      for (const user of users) assert.deepEqual((await store.get(user))?.applied, expected.get(user), `${what}: ${user}`);
    }

    it('refuses writes on ENOSPC with UNAVAILABLE, keeps nothing of them, and takes writes again once space returns', async () => {
      const fs = new FaultyDurableFs();
      const changes: (Error | undefined)[] = [];
      const store = await open({ fs, onWritableChange: (failure) => changes.push(failure) });
      await store.apply('u1', [ev('a')], appendLabels);
      // A short write puts half a record on disk, then the disk is full.
      fs.inject({ op: 'write', path: 'profiles.aof', shortWriteBytes: 10, times: 1 });
      const full = fs.inject({ op: 'write', path: 'profiles.aof', error: 'ENOSPC' });
      await assert.rejects(store.apply('u1', [ev('b')], appendLabels), unavailable(/ENOSPC/));
      await assert.rejects(store.apply('u2', [ev('c')], appendLabels), unavailable(/ENOSPC/));
      assert.deepEqual((await store.get('u1'))?.applied, ['a'], 'a refused write is not visible');
      assert.equal(await store.get('u2'), undefined);
      assert.match(store.writeFailure?.message ?? '', /ENOSPC/);
      assert.equal(changes.length, 1, 'told once that it cannot write');
      assert.ok(store.stats().writeFailures >= 2);
      const crashed = await afterCrash();
      assert.deepEqual((await crashed.get('u1'))?.applied, ['a'], 'a crash now replays the acknowledged write and cuts the torn one');
      await crashed.close();

      full.remove();
      const retried = await store.apply('u1', [ev('b')], appendLabels);
      assert.equal(retried.accepted, 1, 'the retry of a refused event is no duplicate');
      assert.equal(store.writeFailure, undefined);
      assert.deepEqual(changes.map((change) => change === undefined), [false, true], 'told that it can write again');
      await store.close();
      const reopened = await open();
      assert.deepEqual((await reopened.get('u1'))?.applied, ['a', 'b']);
      assert.equal(await reopened.get('u2'), undefined);
      await reopened.close();
    });

    it('refuses a write whose fdatasync fails with EIO, cuts it from the file and recovers by itself (probe) once the disk works', async () => {
      const fs = new FaultyDurableFs();
      let writable: () => void = () => undefined;
      const recovered = new Promise<void>((resolve) => (writable = resolve));
      const store = await open({ fs, onWritableChange: (failure) => failure === undefined && writable() });
      await store.apply('u1', [ev('a')], appendLabels);
      const durableSize = (await stat(join(dir, 'profiles.aof'))).size;
      const eio = fs.inject({ op: 'datasync', path: 'profiles.aof', error: 'EIO' });
      await assert.rejects(store.apply('u1', [ev('b')], appendLabels), unavailable(/EIO/));
      assert.ok((await stat(join(dir, 'profiles.aof'))).size > durableSize, 'the refused record reached the file unsynced');
      assert.match(store.writeFailure?.message ?? '', /EIO/);
      eio.remove();
      // No write arrives (readiness took the gateway out of rotation): the probe finds the disk working.
      await recovered;
      assert.equal(store.writeFailure, undefined);
      assert.equal((await stat(join(dir, 'profiles.aof'))).size, durableSize, 'the unacknowledged record was cut off');
      const crashed = await afterCrash();
      assert.deepEqual((await crashed.get('u1'))?.applied, ['a']);
      await crashed.close();
      await store.apply('u1', [ev('c')], appendLabels);
      await store.close();
      const reopened = await open();
      assert.deepEqual((await reopened.get('u1'))?.applied, ['a', 'c']);
      await reopened.close();
    });

    it('abandons a compaction whose target cannot be written (a directory in its place), keeps serving, and retries after a backoff', async () => {
      let clockMs = 1_000_000;
      const failures: Error[] = [];
      let compacted: () => void = () => undefined;
      const rewritten = new Promise<void>((resolve) => (compacted = resolve));
      const store = await open({ compactionMinBytes: 2048, now: () => clockMs, onCompactionFailed: (error) => failures.push(error), onCompacted: () => compacted() });
      await mkdir(join(dir, 'profiles.aof.compact'));
      const expected = new Map<string, string[]>();
      for (let i = 0; i < 120; i++) {
        await store.apply(`u${i % 3}`, [ev(`e${i}`)], appendLabels);
        expected.set(`u${i % 3}`, [...(expected.get(`u${i % 3}`) ?? []), `e${i}`]);
      }
      assert.equal(failures.length, 1, 'tried once, then not again before the backoff ends');
      assert.equal(store.stats().compactionFailures, 1);
      assert.equal(store.stats().compactions, 0);
      assert.equal(store.writeFailure, undefined, 'a failed compaction does not stop writes');
      await expectState(store, expected, ['u0', 'u1', 'u2'], 'after the failed compaction');
      const crashed = await afterCrash();
      await expectState(crashed, expected, ['u0', 'u1', 'u2'], 'a crash after the failed compaction');
      await crashed.close();

      await rmdir(join(dir, 'profiles.aof.compact'));
      clockMs += 1000;
      await store.apply('u0', [ev('late')], appendLabels);
      expected.get('u0')?.push('late');
      await rewritten;
      assert.equal(store.stats().compactions, 1);
      await store.close();
      assert.ok((await stat(join(dir, 'profiles.aof'))).size < 120 * 60, 'the retry compacted the file');
      const reopened = await open();
      await expectState(reopened, expected, ['u0', 'u1', 'u2'], 'after the retried compaction');
      await reopened.close();
    });

    it('abandons a compaction that fails at any step (open, write, sync, rename): rewrite removed, old file kept, retried later', async () => {
      const fs = new FaultyDurableFs();
      let clockMs = 1_000_000;
      const failures: Error[] = [];
      let compacted: () => void = () => undefined;
      const rewritten = new Promise<void>((resolve) => (compacted = resolve));
      const store = await open({ fs, compactionMinBytes: 2048, now: () => clockMs, onCompactionFailed: (error) => failures.push(error), onCompacted: () => compacted() });
      const expected = new Map<string, string[]>();
      let n = 0;
      const steps = [
        { op: 'open', error: 'EACCES' },
        { op: 'write', error: 'ENOSPC' },
        { op: 'datasync', error: 'EIO' },
        { op: 'rename', error: 'EIO' },
      ] as const;
      for (const [index, step] of steps.entries()) {
        const fault = fs.inject({ op: step.op, path: '.compact', error: step.error });
        while (failures.length === index) {
          assert.ok(n < 2000, `a compaction is tried once the file passes 2 KiB (${step.op})`);
          await store.apply(`u${n % 3}`, [ev(`e${n}`)], appendLabels);
          expected.set(`u${n % 3}`, [...(expected.get(`u${n % 3}`) ?? []), `e${n++}`]);
        }
        assert.match(failures[index].message, new RegExp(step.error), step.op);
        fault.remove();
        assert.equal(store.writeFailure, undefined, `${step.op}: appends go on`);
        assert.deepEqual((await readdir(dir)).sort(), ['profiles.aof'], `${step.op}: the rewrite was removed`);
        const crashed = await afterCrash();
        await expectState(crashed, expected, ['u0', 'u1', 'u2'], `a crash after a compaction failed at ${step.op}`);
        await crashed.close();
        // The next try waits for the backoff, which doubles: 1 s, 2 s, 4 s, …
        clockMs += 1000 * 2 ** index;
      }
      assert.equal(store.stats().compactions, 0);
      await store.apply('u0', [ev('last')], appendLabels);
      expected.get('u0')?.push('last');
      await rewritten;
      assert.equal(store.stats().compactionFailures, 4);
      await store.close();
      const reopened = await open();
      await expectState(reopened, expected, ['u0', 'u1', 'u2'], 'after the compaction succeeded');
      await reopened.close();
    });

    it('acknowledges appends while a slow compaction runs, and a crash before, during or after it replays every acknowledged write', async () => {
      const gate = gatedRewrites(nodeDurableFs);
      const store = await open({ compactionMinBytes: 2048, fs: gate.fs });
      const expected = new Map<string, string[]>();
      const users = ['u0', 'u1', 'u2', 'u9'];
      const write = async (user: string, label: string): Promise<void> => {
        await store.apply(user, [ev(label)], appendLabels);
        expected.set(user, [...(expected.get(user) ?? []), label]);
      };
      let n = 0;
      while (!gate.entered) {
        assert.ok(n < 1000, 'a compaction starts once the file passes 2 KiB');
        await write(`u${n % 3}`, `e${n++}`);
      }
      // The rewrite is stuck writing its snapshot; appends, erasures and new users go on.
      for (let i = 0; i < 30; i++) await write(`u${i % 3}`, `during${i}`);
      assert.equal(await store.delete('u2'), true);
      expected.delete('u2');
      await write('u9', 'new');
      assert.equal(store.stats().compactions, 0, 'the compaction is still running');
      const duringCrash = await afterCrash();
      await expectState(duringCrash, expected, users, 'a crash during the compaction');
      await duringCrash.close();

      gate.release();
      await gate.renamed;
      await write('u0', 'after');
      assert.equal(store.stats().compactions, 1);
      const afterCompaction = await afterCrash();
      await expectState(afterCompaction, expected, users, 'a crash after the compaction');
      await afterCompaction.close();
      await store.close();
      const reopened = await open();
      await expectState(reopened, expected, users, 'after a clean close');
      assert.equal((await reopened.apply('u1', [ev('during28')], appendLabels)).duplicates, 1, 'remembered ids survive the rewrite');
      await reopened.close();
    });
  });

  describe('bounded growth', () => {
    it('evicts the least recently written users beyond maxUsers, counts them, and replays to the same users', async () => {
      const evicted: string[] = [];
      const store = await open({ maxUsers: 3, onEvicted: (reason, count) => evicted.push(`${reason}:${count}`) });
      for (const user of ['u1', 'u2', 'u3']) await store.apply(user, [ev(`${user}-a`)], appendLabels);
      await store.apply('u1', [ev('u1-b')], appendLabels);
      await store.apply('u4', [ev('u4-a')], appendLabels);
      await store.apply('u5', [ev('u5-a')], appendLabels);
      assert.deepEqual(evicted, ['cap:1', 'cap:1']);
      assert.equal(store.stats().evictions.cap, 2);
      assert.equal(await store.get('u2'), undefined, 'the least recently written went first');
      assert.equal(await store.get('u3'), undefined);
      assert.deepEqual((await store.get('u1'))?.applied, ['u1-a', 'u1-b'], 'a write keeps a user');
      await store.close();
      const reopened = await open({ maxUsers: 3 });
      assert.deepEqual(reopened.stats().users, 3);
      assert.equal(await reopened.get('u2'), undefined);
      assert.deepEqual((await reopened.get('u5'))?.applied, ['u5-a']);
      assert.deepEqual(reopened.stats().evictions, { cap: 0, idle: 0 }, 'evictions redone by the replay are not counted again');
      await reopened.close();
    });

    it('evicts users idle for longer than idleTtlMs, live and at replay; a returning user starts afresh', async () => {
      let clockMs = 1_000_000;
      const evicted: string[] = [];
      const options = { idleTtlMs: 60_000, now: () => clockMs, onEvicted: (reason: string, count: number) => evicted.push(`${reason}:${count}`) };
      const store = await open(options);
      await store.apply('old', [ev('o1')], appendLabels);
      clockMs += 30_000;
      await store.apply('recent', [ev('r1')], appendLabels);
      clockMs += 30_000;
      assert.equal(await store.get('old'), undefined, 'idle for 60 s');
      assert.deepEqual((await store.get('recent'))?.applied, ['r1']);
      assert.deepEqual(evicted, ['idle:1']);
      const back = await store.apply('old', [ev('o1'), ev('o2')], appendLabels);
      assert.deepEqual(back.profile?.applied, ['o1', 'o2'], 'a returning user starts a new profile (its old ids are forgotten)');
      await store.close();
      clockMs += 45_000;
      const reopened = await open(options);
      assert.equal(await reopened.get('recent'), undefined, 'expired while the store was closed');
      assert.deepEqual((await reopened.get('old'))?.applied, ['o1', 'o2']);
      await reopened.close();
    });

    it('keeps the file bounded under a stream of new users: compaction drops the evicted ones', async () => {
      const store = await open({ maxUsers: 10, compactionMinBytes: 4096 });
      for (let i = 0; i < 400; i++) await store.apply(`user-${i}`, [ev(`e${i}`)], appendLabels);
      const stats = store.stats();
      assert.equal(stats.users, 10);
      assert.equal(stats.evictions.cap, 390);
      assert.ok(stats.compactions > 0);
      await store.close();
      const size = (await stat(join(dir, 'profiles.aof'))).size;
      assert.ok(size < 2 * 4096, `the file holds about the live users and the last appends, not all 400: ${size} bytes`);
      const reopened = await open({ maxUsers: 10 });
      assert.equal(reopened.stats().users, 10);
      assert.deepEqual((await reopened.get('user-399'))?.applied, ['e399']);
      assert.equal(await reopened.get('user-389'), undefined);
      await reopened.close();
    });
  });
});

/**
 * The real file system, except that writes to a compaction's rewrite wait until `release()`:
 * a compaction as slow as wanted, without timing.
 */
function gatedRewrites(inner: DurableFs): { fs: DurableFs; readonly entered: boolean; release(): void; renamed: Promise<void> } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let renamed: () => void = () => undefined;
  const renamedPromise = new Promise<void>((resolve) => (renamed = resolve));
  let entered = false;
  const gateWrites = (file: DurableFile): DurableFile => ({
    path: file.path,
    write: async (data, position) => {
      entered = true;
      await released;
      return file.write(data, position);
    },
    read: (buffer, position) => file.read(buffer, position),
    sync: () => file.sync(),
    datasync: () => file.datasync(),
    truncate: (lengthBytes) => file.truncate(lengthBytes),
    stat: () => file.stat(),
    close: () => file.close(),
  });
  const fs: DurableFs = {
    open: async (path, flags) => {
      const file = await inner.open(path, flags);
      return path.endsWith('.compact') && flags === 'w' ? gateWrites(file) : file;
    },
    readFile: (path) => inner.readFile(path),
    readdir: (path) => inner.readdir(path),
    stat: (path) => inner.stat(path),
    mkdir: (path, options) => inner.mkdir(path, options),
    rename: async (fromPath, toPath) => {
      await inner.rename(fromPath, toPath);
      if (fromPath.endsWith('.compact')) renamed();
    },
    rm: (path, options) => inner.rm(path, options),
    truncate: (path, lengthBytes) => inner.truncate(path, lengthBytes),
  };
  return {
    fs,
    get entered() {
      return entered;
    },
    release,
    renamed: renamedPromise,
  };
}
