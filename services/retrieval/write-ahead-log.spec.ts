import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog, WriteAheadLog } from './write-ahead-log.js';

describe('WriteAheadLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-wal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back concurrent appends in order, floats included', async () => {
    const log = await WriteAheadLog.open(dir, 1);
    const appended = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 4
        ? log.append({ kind: 'delete', ids: [`x${i}`] })
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

  it('ignores a torn last record and continues in a fresh segment', async () => {
    const log = await WriteAheadLog.open(dir, 1);
    await log.append({ kind: 'delete', ids: ['a'] }).durable;
    await log.close();
    const [segment] = await readdir(dir);
    await appendFile(join(dir, segment), Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 2, 0]));
    assert.deepEqual((await readLog(dir, 0)).map((e) => e.seq), [1]);
    const reopened = await WriteAheadLog.open(dir, 2);
    await reopened.append({ kind: 'delete', ids: ['b'] }).durable;
    await reopened.close();
    assert.deepEqual((await readLog(dir, 0)).map((e) => (e.kind === 'delete' ? e.ids[0] : '')), ['a', 'b']);
  });

  it('rotates at the seq of the call and deletes only the segments a snapshot covers', async () => {
    const log = await WriteAheadLog.open(dir, 1);
    log.append({ kind: 'delete', ids: ['a'] });
    log.append({ kind: 'delete', ids: ['b'] });
    const rotated = log.rotate(1);
    await log.append({ kind: 'delete', ids: ['c'] }).durable;
    await rotated;
    assert.equal((await readdir(dir)).length, 2, 'seq 2 is not covered: its segment stays');
    await log.rotate(3);
    await log.close();
    const names = await readdir(dir);
    assert.equal(names.length, 1);
    assert.equal((await stat(join(dir, names[0]))).size, 0);
    assert.deepEqual(await readLog(dir, 0), []);
  });

  it('refuses appends after close', async () => {
    const log = await WriteAheadLog.open(dir, 1);
    await log.close();
    await log.close();
    await assert.rejects(log.append({ kind: 'delete', ids: ['a'] }).durable, /closed/);
  });
});
