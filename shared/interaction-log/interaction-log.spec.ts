import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FaultyDurableFs } from '../durable-io/index.js';
import { InteractionLogWriter, interactionLogFileName, readInteractionLog } from './index.js';
import type { InteractionLogRecord, LoggedInteraction } from './index.js';

async function readAll(dir: string, options: { modifiedSinceMs?: number } = {}): Promise<InteractionLogRecord[]> {
  const records: InteractionLogRecord[] = [];
  for await (const record of readInteractionLog(dir, options)) records.push(record);
  return records;
}

const itemIds = (records: InteractionLogRecord[]): string[] => records.map((r) => (r.type === 'interaction' ? r.itemId : ''));

const interaction = (i: number): LoggedInteraction => ({ type: 'interaction', userId: `u${i % 3}`, itemId: `i${i}`, eventType: 'view', timestamp: 1_700_000_000_000 + i, eventId: `e${i}` });

describe('interaction log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-interaction-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names files by UTC start time, writer and sequence, so that names sort by time', () => {
    assert.equal(interactionLogFileName(Date.UTC(2026, 10, 27, 17, 30, 0, 123), 'gw-1:a', 7), 'interactions-20261127T173000123Z-gw_1_a-000007.jsonl');
    const names = [Date.UTC(2026, 0, 2), Date.UTC(2025, 11, 31), Date.UTC(2026, 0, 1, 23)].map((t) => interactionLogFileName(t, 'w', 0));
    assert.deepEqual([...names].sort(), [names[1], names[2], names[0]]);
  });

  it('reads back interactions and impressions in the order they were appended', async () => {
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw' });
    const records: InteractionLogRecord[] = [
      interaction(1),
      { type: 'interaction', userId: 'u1', itemId: 'i2', eventType: 'purchase', timestamp: 5, weight: 2.5 },
      { type: 'impression', userId: 'u1', requestId: 'r1', items: ['a', 'b'], scores: [0.9, 0.5], modelVersion: 'm1', timestamp: 6 },
      { type: 'impression', userId: '', items: [], scores: [], modelVersion: 'm1', timestamp: 7, degradedReasons: ['POPULAR_FALLBACK'] },
    ];
    for (const record of records) assert.equal(writer.append(record), true);
    await writer.close();
    await writer.close();
    assert.deepEqual(await readAll(dir), records);
    assert.deepEqual(writer.stats(), { written: 4, dropped: 0, files: 1, deletedFiles: 0 });
    assert.equal(writer.append(interaction(9)), false, 'a closed writer drops');
  });

  it('reads back catalog changes beside interactions, and names what is wrong with a damaged one', async () => {
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw' });
    const records: InteractionLogRecord[] = [
      { type: 'item-upsert', itemId: 'n1', title: 'New', features: { genre: 'drama', tags: ['a', 'b'], year: 2024 }, timestamp: 1 },
      interaction(2),
      { type: 'item-delete', itemId: 'n1', timestamp: 3 },
    ];
    for (const record of records) writer.append(record);
    await writer.close();
    assert.deepEqual(await readAll(dir), records);
    const [file] = await readdir(dir);
    await writeFile(join(dir, file), `${JSON.stringify({ type: 'item-upsert', itemId: 'n1', features: { year: [1] }, timestamp: 1 })}\n`);
    await assert.rejects(readAll(dir), /:1: features must be strings, arrays of strings or finite numbers/);
    await writeFile(join(dir, file), `${JSON.stringify({ type: 'item-delete', itemId: '', timestamp: 1 })}\n`);
    await assert.rejects(readAll(dir), /:1: itemId must be a non-empty string/);
  });

  it('rotates by size: no file grows past the bound by more than one line, and nothing is lost', async () => {
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw', maxFileBytes: 1000 });
    for (let i = 0; i < 100; i++) {
      writer.append(interaction(i));
      if (i % 7 === 0) await writer.flush();
    }
    await writer.close();
    const files = (await readdir(dir)).sort();
    assert.ok(files.length >= 5, `${files.length} files`);
    assert.equal(writer.stats().files, files.length);
    const longestLine = JSON.stringify(interaction(99)).length + 1;
    for (const name of files) {
      const size = (await stat(join(dir, name))).size;
      assert.ok(size < 1000 + longestLine, `${name}: ${size} bytes`);
    }
    assert.deepEqual(await readAll(dir), Array.from({ length: 100 }, (_, i) => interaction(i)));
  });

  it('rotates by age: the first write after maxFileAgeMs starts a new file named by its start', async () => {
    let nowMs = Date.UTC(2026, 10, 27, 12);
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw', maxFileAgeMs: 60_000, now: () => nowMs });
    writer.append(interaction(1));
    await writer.flush();
    nowMs += 59_999;
    writer.append(interaction(2));
    await writer.flush();
    nowMs += 1;
    writer.append(interaction(3));
    await writer.close();
    assert.deepEqual((await readdir(dir)).sort(), [interactionLogFileName(Date.UTC(2026, 10, 27, 12), 'gw', 0), interactionLogFileName(Date.UTC(2026, 10, 27, 12, 1), 'gw', 1)]);
    assert.deepEqual(await readAll(dir), [interaction(1), interaction(2), interaction(3)]);
  });

  it('keeps the files of several writers sharing one folder apart', async () => {
    const a = await InteractionLogWriter.open({ dir, writerId: 'replica-a' });
    const b = await InteractionLogWriter.open({ dir, writerId: 'replica-b' });
    a.append(interaction(1));
    b.append(interaction(2));
    await Promise.all([a.close(), b.close()]);
    const read = await readAll(dir);
    assert.deepEqual(read.map((r) => (r.type === 'interaction' ? r.itemId : '')).sort(), ['i1', 'i2']);
  });

  it('drops records instead of blocking when the buffer is full, and counts them', async () => {
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw', maxBufferBytes: 400 });
    let accepted = 0;
    for (let i = 0; i < 10; i++) if (writer.append(interaction(i))) accepted++;
    await writer.close();
    assert.ok(accepted > 0 && accepted < 10, `${accepted} accepted`);
    assert.deepEqual(writer.stats(), { written: accepted, dropped: 10 - accepted, files: 1, deletedFiles: 0 });
  });

  it('skips a last line cut short by a crash, and names the file and line of a damaged one elsewhere', async () => {
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw' });
    writer.append(interaction(1));
    await writer.close();
    const [file] = await readdir(dir);
    await appendFile(join(dir, file), '{"type":"interaction","userId":"u1","itemId":"i');
    assert.deepEqual(await readAll(dir), [interaction(1)]);
    await writeFile(join(dir, file), `{"type":"interaction","userId":"u1"\n${JSON.stringify(interaction(1))}\n`);
    await assert.rejects(readAll(dir), new RegExp(`${basename(file)}:1: not JSON`));
    await writeFile(join(dir, file), `${JSON.stringify({ ...interaction(1), timestamp: 'yesterday' })}\n`);
    await assert.rejects(readAll(dir), /:1: timestamp must be a finite number/);
  });

  it('ignores files that are not log files', async () => {
    await writeFile(join(dir, 'README.txt'), 'not a log');
    assert.deepEqual(await readAll(dir), []);
  });

  describe('retention', () => {
    const DAY_MS = 24 * 60 * 60 * 1000;
    // A log file of `writerId` started `ageMs` ago, last written then, holding interaction i.
    async function oldFile(writerId: string, ageMs: number, i: number): Promise<string> {
      const startMs = Date.now() - ageMs;
      const name = interactionLogFileName(startMs, writerId, 0);
      await writeFile(join(dir, name), JSON.stringify(interaction(i)) + '\n');
      await utimes(join(dir, name), new Date(startMs), new Date(startMs));
      return name;
    }

    it('deletes files older than retentionMs at open, so that start-up reads only what is retained', async () => {
      await oldFile('gw', 40 * DAY_MS, 1);
      await oldFile('other', 31 * DAY_MS, 2);
      const recent = await oldFile('gw', 2 * DAY_MS, 3);
      await writeFile(join(dir, 'notes.txt'), 'not a log');
      const writer = await InteractionLogWriter.open({ dir, writerId: 'gw', retentionMs: 30 * DAY_MS });
      assert.deepEqual((await readdir(dir)).sort(), [recent, 'notes.txt'], 'only log files are deleted');
      assert.equal(writer.stats().deletedFiles, 2);
      assert.deepEqual(itemIds(await readAll(dir)), ['i3']);
      await writer.close();
    });

    it('deletes the oldest files while the folder exceeds maxTotalBytes, but never the newest file of another writer', async () => {
      const otherWriters = await oldFile('replica-b', DAY_MS, 0);
      const deleted: number[] = [];
      const writer = await InteractionLogWriter.open({ dir, writerId: 'gw', maxFileBytes: 1000, maxTotalBytes: 3000, onRetention: (result) => deleted.push(result.deletedFiles) });
      for (let i = 1; i <= 200; i++) {
        writer.append(interaction(i));
        if (i % 5 === 0) await writer.flush();
      }
      await writer.close();
      const names = await readdir(dir);
      let totalBytes = 0;
      for (const name of names) totalBytes += (await stat(join(dir, name))).size;
      const longestLine = JSON.stringify(interaction(200)).length + 1;
      assert.ok(totalBytes <= 3000 + 1000 + longestLine, `${totalBytes} bytes kept: the bound plus the file being written`);
      assert.ok(writer.stats().deletedFiles > 5 && deleted.length > 0);
      assert.ok(names.includes(otherWriters), "another writer's newest file may still be written: kept");
      const kept = itemIds(await readAll(dir)).filter((id) => id !== 'i0');
      assert.equal(kept.at(-1), 'i200', 'the newest records are kept');
      const first = Number(kept[0].slice(1));
      assert.deepEqual(kept, Array.from({ length: 200 - first + 1 }, (_, k) => `i${first + k}`), 'what is kept is the most recent, without gaps');
    });

    it('reads only files written since modifiedSinceMs, and skips a file deleted after it was listed', async () => {
      await oldFile('gw', 20 * DAY_MS, 1);
      const second = await oldFile('gw', 2 * DAY_MS, 2);
      await oldFile('gx', DAY_MS, 3);
      assert.deepEqual(itemIds(await readAll(dir, { modifiedSinceMs: Date.now() - 10 * DAY_MS })), ['i2', 'i3']);
      const reading = readInteractionLog(dir);
      assert.deepEqual(itemIds([(await reading.next()).value as InteractionLogRecord]), ['i1']);
      await rm(join(dir, second));
      const rest: InteractionLogRecord[] = [];
      for await (const record of reading) rest.push(record);
      assert.deepEqual(itemIds(rest), ['i3']);
    });

    it('drops and counts what a full disk refuses, reports it, and writes again once space returns', async () => {
      const fs = new FaultyDurableFs();
      const errors: Error[] = [];
      const writer = await InteractionLogWriter.open({ dir, writerId: 'gw', fs, onError: (error) => errors.push(error) });
      const full = fs.inject({ op: 'write', path: 'interactions-', error: 'ENOSPC' });
      writer.append(interaction(1));
      await writer.flush();
      assert.equal(writer.stats().dropped, 1);
      assert.match(errors[0]?.message ?? '', /ENOSPC/);
      full.remove();
      writer.append(interaction(2));
      await writer.close();
      assert.deepEqual(itemIds(await readAll(dir)), ['i2']);
    });
  });
});
