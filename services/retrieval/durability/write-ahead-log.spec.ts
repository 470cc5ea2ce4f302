import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlrsError } from '../../../shared/errors/index.js';
import { FaultyDurableFs } from '../../../shared/durable-io/index.js';
import { createLogger, createMemorySink } from '../../../shared/logging/index.js';
import type { MemorySink } from '../../../shared/logging/index.js';
import { readLog } from './read-log.js';
import { LOG_WRITE_FAILED_MESSAGE, WriteAheadLog } from './write-ahead-log.js';
import type { Appended } from './write-ahead-log.js';

describe('WriteAheadLog', () => {
  let dir: string;
  let logs: MemorySink;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-wal-'));
    logs = createMemorySink();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const openLog = (nextSeq: number, fs?: FaultyDurableFs): Promise<WriteAheadLog> => WriteAheadLog.open({ dir, nextSeq, fs, logger: createLogger({ level: 'info', destination: logs }) });
  const del = (log: WriteAheadLog, id: string): Appended => log.append({ kind: 'delete', ids: [id] });
  const idsIn = async (): Promise<string[]> => (await readLog(dir, 0)).map((e) => (e.kind === 'delete' ? `${e.seq}:${e.ids[0]}` : ''));
  const refusedPlainly = (error: unknown): boolean => error instanceof DlrsError && error.code === 'UNAVAILABLE' && error.message === LOG_WRITE_FAILED_MESSAGE && !error.message.includes(dir);

  it('reads back concurrent appends in order, floats included', async () => {
    const log = await openLog(1);
    const appended = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 4
        ? del(log, `x${i}`)
        : log.append({ kind: 'upsert', modelVersion: 'v1', dim: 2, items: [{ id: `x${i}`, title: 'é', features: { g: ['a', 'b'], y: i } }], embeddings: Float32Array.of(i, -i / 3), biases: Float32Array.of(0.5) }),
    );
    await Promise.all(appended.map((a) => a.durable));
    assert.deepEqual(appended.map((a) => a.seq), Array.from({ length: 50 }, (_, i) => i + 1));
    await log.close();
    const entries = await readLog(dir, 0);
    assert.equal(entries.length, 50);
    const third = entries[2];
    assert.ok(third.kind === 'upsert');
    assert.deepEqual(third.items, [{ id: 'x2', title: 'é', features: { g: ['a', 'b'], y: 2 } }]);
    assert.deepEqual(Array.from(third.embeddings), [2, Math.fround(-2 / 3)]);
    assert.deepEqual(Array.from(third.biases), [0.5]);
    assert.deepEqual(entries[4], { kind: 'delete', seq: 5, ids: ['x4'] });
    assert.deepEqual((await readLog(dir, 48)).map((e) => e.seq), [49, 50]);
  });

  it('cuts a torn last record off and continues in a fresh segment', async () => {
    const log = await openLog(1);
    await del(log, 'a').durable;
    await log.close();
    const [segment] = await readdir(dir);
    const intactBytes = (await stat(join(dir, segment))).size;
    await appendFile(join(dir, segment), Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 2, 0]));
    assert.deepEqual(await idsIn(), ['1:a']);
    assert.equal((await stat(join(dir, segment))).size, intactBytes, 'the torn tail is cut off the file');
    const reopened = await openLog(2);
    await del(reopened, 'b').durable;
    await reopened.close();
    assert.deepEqual(await idsIn(), ['1:a', '2:b']);
  });

  it('rotates at the seq of the call and deletes only the segments a snapshot covers', async () => {
    const log = await openLog(1);
    del(log, 'a');
    del(log, 'b');
    const rotated = log.rotate(1);
    await del(log, 'c').durable;
    await rotated;
    assert.equal((await readdir(dir)).length, 2, 'seq 2 is not covered: its segment stays');
    await log.rotate(3);
    await log.close();
    const names = await readdir(dir);
    assert.deepEqual(names, ['wal-0000000000000004.log']);
    assert.deepEqual(await readLog(dir, 3), []);
  });

  it('refuses appends after close', async () => {
    const log = await openLog(1);
    await log.close();
    await log.close();
    await assert.rejects(del(log, 'a').durable, (error: DlrsError) => error.code === 'UNAVAILABLE' && /shutting down/.test(error.message));
  });

  it('completes short writes', async () => {
    const fs = new FaultyDurableFs();
    const short = fs.inject({ op: 'write', path: 'wal-', shortWriteBytes: 3, times: 40 });
    const log = await openLog(1, fs);
    await Promise.all(['a', 'b', 'c'].map((id) => del(log, id).durable));
    await del(log, 'd').durable;
    await log.close();
    assert.ok(short.hits >= 10, `writes were cut short ${short.hits} times`);
    assert.deepEqual(await idsIn(), ['1:a', '2:b', '3:c', '4:d']);
  });

  for (const failing of [
    { name: 'ENOSPC on write', rule: { op: 'write', error: 'ENOSPC' } },
    { name: 'a short write then ENOSPC', rule: { op: 'write', error: 'ENOSPC', nth: 2 }, short: true },
    { name: 'EIO on fdatasync', rule: { op: 'datasync', error: 'EIO' } },
  ] as const) {
    it(`refuses the records of a failed write (${failing.name}) without acknowledging them, and recovers when the disk does`, async () => {
      const fs = new FaultyDurableFs();
      const log = await openLog(1, fs);
      await del(log, 'a').durable;
      if ('short' in failing) fs.inject({ op: 'write', path: 'wal-', shortWriteBytes: 5, times: 1 });
      const fault = fs.inject({ ...failing.rule, path: 'wal-' });
      const refused = [del(log, 'lost1'), del(log, 'lost2')];
      assert.deepEqual(refused.map((r) => r.seq), [2, 3]);
      for (const r of refused) await assert.rejects(r.durable, refusedPlainly);
      const failure = logs.find(/write-ahead log write failed/)[0];
      assert.ok(String((failure.err as { message: string }).message).includes(failing.rule.error), 'the cause is logged');
      assert.equal(failure.lastDurableSeq, 1);
      // While the disk still fails, later appends are refused too.
      const stillFull = del(log, 'lost3');
      assert.equal(stillFull.seq, 2, 'the seqs of refused records are given out again');
      await assert.rejects(stillFull.durable, refusedPlainly);
      fault.remove();
      const recovered = del(log, 'b');
      assert.equal(recovered.seq, 2);
      await recovered.durable;
      await del(log, 'c').durable;
      await log.close();
      assert.deepEqual(await idsIn(), ['1:a', '2:b', '3:c'], 'exactly the acknowledged records, in a gapless log');
    });
  }

  it('cuts the bytes of a failed fsync back even when they were written in full', async () => {
    const fs = new FaultyDurableFs();
    const log = await openLog(1, fs);
    await del(log, 'a').durable;
    const fault = fs.inject({ op: 'datasync', path: 'wal-', error: 'EIO', times: 1 });
    await assert.rejects(del(log, 'never-acknowledged').durable, refusedPlainly);
    assert.equal(fault.hits, 1);
    await log.close();
    assert.deepEqual(await idsIn(), ['1:a'], 'a record whose fsync failed is not read back later');
  });

  it('refuses writes while a new segment cannot be created, and starts it once it can', async () => {
    const fs = new FaultyDurableFs();
    const log = await openLog(1, fs);
    await del(log, 'a').durable;
    const fault = fs.inject({ op: 'open', path: 'wal-0000000000000002', error: 'ENOSPC' });
    await assert.rejects(log.rotate(0), refusedPlainly);
    await assert.rejects(del(log, 'lost').durable, refusedPlainly);
    assert.deepEqual(await readdir(dir), ['wal-0000000000000001.log']);
    fault.remove();
    await del(log, 'b').durable;
    await log.close();
    assert.deepEqual(await readdir(dir), ['wal-0000000000000001.log', 'wal-0000000000000002.log'], 'the record after the failed rotation starts the new segment');
    assert.deepEqual(await idsIn(), ['1:a', '2:b']);
  });
});
