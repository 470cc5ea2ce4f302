import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DlrsError } from '../../../shared/errors/index.js';
import { createLogger, createMemorySink } from '../../../shared/logging/index.js';
import type { MemorySink } from '../../../shared/logging/index.js';
import { readLog } from './read-log.js';
import { scanSegment, segmentName } from './wal-segment.js';
import { WriteAheadLog } from './write-ahead-log.js';

const FIRST = segmentName(1);
const SECOND = segmentName(6);

/** Byte offsets inside a record frame, by the part they hit. */
const PARTS = { length: 0, 'length checksum': 5, 'payload checksum': 10, kind: 12, 'json length': 14, json: 24, floats: -1 } as const;

describe('readLog', () => {
  let dir: string;
  let logs: MemorySink;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-replay-'));
    logs = createMemorySink();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const logger = (): ReturnType<typeof createLogger> => createLogger({ level: 'info', destination: logs });
  const seqs = async (afterSeq = 0): Promise<number[]> => (await readLog(dir, afterSeq, { logger: logger() })).map((e) => e.seq);

  /** Records 1–5 in the first segment and 6–7 in the second, each acknowledged on its own; returns where each record starts and ends. */
  async function writeTwoSegments(): Promise<Map<number, { segment: string; offset: number; end: number }>> {
    const log = await WriteAheadLog.open({ dir, nextSeq: 1, logger: logger() });
    for (let i = 1; i <= 7; i++) {
      if (i === 6) await log.rotate(0);
      await log.append({ kind: 'upsert', modelVersion: 'v1', dim: 2, items: [{ id: `item-${i}`, features: { n: i } }], embeddings: Float32Array.of(i, -i), biases: Float32Array.of(i / 10) }).durable;
    }
    await log.close();
    const where = new Map<number, { segment: string; offset: number; end: number }>();
    for (const segment of [FIRST, SECOND]) {
      const bytes = await readFile(join(dir, segment));
      const { records } = scanSegment(bytes);
      records.forEach((record, i) => where.set(record.entry.seq, { segment, offset: record.offset, end: records[i + 1]?.offset ?? bytes.length }));
    }
    assert.deepEqual([...where.keys()], [1, 2, 3, 4, 5, 6, 7]);
    return where;
  }

  async function flip(segment: string, offset: number): Promise<void> {
    const path = join(dir, segment);
    const bytes = await readFile(path);
    bytes[offset] ^= 0x10;
    await writeFile(path, bytes);
  }

  const refusal = (segment: string, offset: number) => (error: unknown) =>
    error instanceof DlrsError && error.code === 'FAILED_PRECONDITION' && error.message.includes(join(dir, segment)) && error.message.includes(`byte offset ${offset}:`) && error.message.includes('DLRS_WAL_REPAIR=drop-damaged');

  it('reads both segments in order when nothing is damaged', async () => {
    await writeTwoSegments();
    assert.deepEqual(await seqs(), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(await seqs(4), [5, 6, 7]);
  });

  for (const [part, delta] of Object.entries(PARTS)) {
    it(`refuses a flipped byte in the ${part} of record 2 of the first segment, naming segment and offset (it used to replay as [1, 6, 7])`, async () => {
      const where = await writeTwoSegments();
      const second = where.get(2) as { offset: number; end: number };
      await flip(FIRST, delta < 0 ? second.end + delta : second.offset + delta);
      const tornSecond = Buffer.concat([await readFile(join(dir, SECOND)), Buffer.from([40, 0, 0])]);
      await writeFile(join(dir, SECOND), tornSecond);
      await assert.rejects(readLog(dir, 0), (error: DlrsError) => refusal(FIRST, second.offset)(error) && error.message.includes('5 intact records follow: seqs 3..7'));
      assert.deepEqual(await readdir(dir), [FIRST, SECOND], 'a refused replay changes nothing');
      assert.equal((await stat(join(dir, SECOND))).size, tornSecond.length, 'not even a torn tail');
    });

    it(`refuses a flipped byte in the ${part} of the last record, naming segment and offset`, async () => {
      const where = await writeTwoSegments();
      const last = where.get(7) as { offset: number; end: number };
      await flip(SECOND, delta < 0 ? last.end + delta : last.offset + delta);
      await assert.rejects(readLog(dir, 0), refusal(SECOND, last.offset));
    });
  }

  for (const offset of [0, 7]) {
    it(`skips a flipped byte ${offset} of a segment header with a warning: every record is still found past it`, async () => {
      await writeTwoSegments();
      await flip(FIRST, offset);
      await flip(SECOND, offset);
      assert.deepEqual(await seqs(), [1, 2, 3, 4, 5, 6, 7]);
      assert.deepEqual(logs.find(/damaged bytes in the write-ahead log skipped/).map((line) => line.offset), [0, 0]);
    });
  }

  it('refuses a damaged segment header when the record after it is damaged too', async () => {
    await writeTwoSegments();
    await flip(FIRST, 3);
    await flip(FIRST, 8 + PARTS.json);
    await assert.rejects(readLog(dir, 0), (error: DlrsError) => refusal(FIRST, 0)(error) && error.message.includes('seqs 2..7'));
  });

  it('drops the log from the damaged record on when repair is asked for, saying what it dropped', async () => {
    const where = await writeTwoSegments();
    const second = where.get(2) as { offset: number };
    await flip(FIRST, second.offset + PARTS.json);
    const entries = await readLog(dir, 0, { repair: 'drop-damaged', logger: logger() });
    assert.deepEqual(entries.map((e) => e.seq), [1]);
    const [repair] = logs.find(/DLRS_WAL_REPAIR=drop-damaged: dropped/);
    assert.equal(repair.segment, join(dir, FIRST));
    assert.equal(repair.offset, second.offset);
    assert.equal(repair.droppedSeqs, 'seqs 3..7');
    assert.deepEqual(repair.savedTo, [join(dir, `${FIRST}.dropped-${second.offset}`), join(dir, `${SECOND}.dropped`)]);
    assert.equal((await stat(join(dir, FIRST))).size, second.offset);
    assert.deepEqual((await readdir(dir)).sort(), [FIRST, `${FIRST}.dropped-${second.offset}`, `${SECOND}.dropped`]);
    assert.deepEqual(await seqs(), [1], 'the repaired log replays without repair');
  });

  it('cuts a last record truncated at any byte off as a torn tail (never acknowledged)', async () => {
    const where = await writeTwoSegments();
    const last = where.get(7) as { offset: number; end: number };
    const original = await readFile(join(dir, SECOND));
    for (let cut = last.offset; cut < last.end; cut++) {
      await writeFile(join(dir, SECOND), original.subarray(0, cut));
      assert.deepEqual(await seqs(), [1, 2, 3, 4, 5, 6], `cut at byte ${cut}`);
      assert.equal((await stat(join(dir, SECOND))).size, last.offset, `cut at byte ${cut}: the torn bytes are gone`);
    }
  });

  it('treats zeros after the last record (a write never done) as a torn tail', async () => {
    await writeTwoSegments();
    await writeFile(join(dir, SECOND), Buffer.concat([await readFile(join(dir, SECOND)), Buffer.alloc(300)]));
    assert.deepEqual(await seqs(), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('accepts a torn end of an older segment when the next segment continues at its seq', async () => {
    const where = await writeTwoSegments();
    // A crash during record 6 in the first segment; the restart wrote record 6 again in a new one.
    const fifth = where.get(5) as { end: number };
    await writeFile(join(dir, FIRST), Buffer.concat([await readFile(join(dir, FIRST)), Buffer.from([60, 0, 0, 0, 9])]));
    assert.deepEqual(await seqs(), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal((await stat(join(dir, FIRST))).size, fifth.end);
  });

  it('refuses a missing segment (a gap in the seqs) unless the snapshot covers it', async () => {
    await writeTwoSegments();
    await unlink(join(dir, FIRST));
    await assert.rejects(readLog(dir, 0), (error: DlrsError) => refusal(SECOND, 8)(error) && error.message.includes('records 1..5 are missing'));
    assert.deepEqual(await seqs(5), [6, 7]);
  });

  it('ignores, with a warning, damage the snapshot covers', async () => {
    const where = await writeTwoSegments();
    await flip(FIRST, (where.get(2) as { offset: number }).offset + PARTS.json);
    assert.deepEqual(await seqs(2), [3, 4, 5, 6, 7]);
    assert.equal(logs.find(/damaged bytes in the write-ahead log skipped/).length, 1);
    await assert.rejects(readLog(dir, 1), refusal(FIRST, (where.get(2) as { offset: number }).offset), 'not when record 2 is needed');
  });

  it('reads segments of format 1 (no segment header, no length checksum)', async () => {
    const frames = [1, 2].map((seq) => {
      const json = Buffer.from(JSON.stringify({ seq, ids: [`old-${seq}`] }));
      const payload = Buffer.concat([Buffer.of(2), Buffer.from(Uint32Array.of(json.length).buffer), json]);
      const header = Buffer.alloc(8);
      header.writeUInt32LE(payload.length, 0);
      header.writeUInt32LE(crc32(payload), 4);
      return Buffer.concat([header, payload]);
    });
    await writeFile(join(dir, FIRST), Buffer.concat([...frames, Buffer.from([40, 0, 0])]));
    const entries = await readLog(dir, 0);
    assert.deepEqual(entries, [{ kind: 'delete', seq: 1, ids: ['old-1'] }, { kind: 'delete', seq: 2, ids: ['old-2'] }]);
    await truncate(join(dir, FIRST), frames[0].length + 3);
    assert.deepEqual(await seqs(), [1]);
  });
});
