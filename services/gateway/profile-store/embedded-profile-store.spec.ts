import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { EmbeddedProfileStore } from './embedded-profile-store.js';
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

  const open = (options: { compactionMinBytes?: number } = {}): Promise<Store> => EmbeddedProfileStore.open({ path: join(dir, 'profiles.aof'), ...options });
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
});
