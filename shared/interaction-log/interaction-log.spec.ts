import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InteractionLogWriter, interactionLogFileName, readInteractionLog } from './index.js';
import type { InteractionLogRecord, LoggedInteraction } from './index.js';

async function readAll(dir: string): Promise<InteractionLogRecord[]> {
  const records: InteractionLogRecord[] = [];
  for await (const record of readInteractionLog(dir)) records.push(record);
  return records;
}

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
    assert.deepEqual(writer.stats(), { written: 4, dropped: 0, files: 1 });
    assert.equal(writer.append(interaction(9)), false, 'a closed writer drops');
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
    assert.deepEqual(writer.stats(), { written: accepted, dropped: 10 - accepted, files: 1 });
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
});
