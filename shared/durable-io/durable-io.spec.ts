import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultyDurableFs, nodeDurableFs, syncDirectory, writeAll } from './index.js';

describe('durable-io', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-durable-io-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('nodeDurableFs writes at positions, reads back, truncates, renames and lists', async () => {
    const path = join(dir, 'a.bin');
    const file = await nodeDurableFs.open(path, 'w');
    assert.equal(await file.write(Buffer.from('hello world')), 11);
    assert.equal(await file.write(Buffer.from('W'), 6), 1);
    await file.datasync();
    await file.truncate(5);
    assert.equal((await file.stat()).size, 5);
    await file.close();
    assert.equal((await nodeDurableFs.readFile(path)).toString(), 'hello');
    const back = Buffer.alloc(5);
    const reader = await nodeDurableFs.open(path, 'r');
    assert.equal(await reader.read(back, 1), 4);
    assert.equal(back.subarray(0, 4).toString(), 'ello');
    await reader.close();
    await nodeDurableFs.mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
    await nodeDurableFs.rename(path, join(dir, 'sub', 'b.bin'));
    await syncDirectory(nodeDurableFs, dir);
    assert.deepEqual((await nodeDurableFs.readdir(join(dir, 'sub'))).sort(), ['b.bin', 'deeper']);
    const stat = await nodeDurableFs.stat(join(dir, 'sub'));
    assert.ok(stat.isDirectory && !stat.isFile);
    await nodeDurableFs.truncate(join(dir, 'sub', 'b.bin'), 2);
    assert.equal((await nodeDurableFs.stat(join(dir, 'sub', 'b.bin'))).size, 2);
    await nodeDurableFs.rm(join(dir, 'sub'), { recursive: true });
    await nodeDurableFs.rm(join(dir, 'sub'), { force: true });
    assert.deepEqual(await nodeDurableFs.readdir(dir), []);
  });

  it('fails only the nth matching call when times is 1, with a Node-style error', async () => {
    const fs = new FaultyDurableFs();
    const fault = fs.inject({ op: 'datasync', path: 'wal-', nth: 2, times: 1, error: 'EIO' });
    const other = await fs.open(join(dir, 'other.log'), 'w');
    const file = await fs.open(join(dir, 'wal-1.log'), 'w');
    await other.datasync();
    await file.datasync();
    await assert.rejects(file.datasync(), (error: NodeJS.ErrnoException) => error.code === 'EIO' && error.syscall === 'datasync' && error.path === join(dir, 'wal-1.log'));
    await file.datasync();
    assert.equal(fault.hits, 1);
    await other.close();
    await file.close();
  });

  it('fails every matching call until the fault is removed (space returns)', async () => {
    const fs = new FaultyDurableFs();
    const full = fs.inject({ op: 'write', path: /\.log$/, error: 'ENOSPC' });
    const file = await fs.open(join(dir, 'x.log'), 'w');
    for (let i = 0; i < 3; i++) await assert.rejects(file.write(Buffer.from('abc')), { code: 'ENOSPC' });
    assert.equal(full.hits, 3);
    full.remove();
    assert.equal(await file.write(Buffer.from('abc')), 3);
    await file.close();
    assert.equal(await readFile(join(dir, 'x.log'), 'utf8'), 'abc');
  });

  it('short writes put part of the data on disk and writeAll completes them', async () => {
    const fs = new FaultyDurableFs();
    const short = fs.inject({ op: 'write', shortWriteBytes: 2, times: 1 });
    const file = await fs.open(join(dir, 's.bin'), 'w');
    assert.equal(await file.write(Buffer.from('abcdef'), 0), 2);
    short.remove();
    const shortAgain = fs.inject({ op: 'write', shortWriteBytes: 2, times: 3 });
    await writeAll(file, Buffer.from('0123456789'), 2);
    await file.close();
    assert.equal(shortAgain.hits, 3);
    assert.equal(await readFile(join(dir, 's.bin'), 'utf8'), 'ab0123456789', 'three writes of at most 2 bytes, then the rest in one');
  });

  it('writeAll appends over short writes and rejects with the error that stops it', async () => {
    const fs = new FaultyDurableFs();
    fs.inject({ op: 'write', shortWriteBytes: 3, times: 1 });
    fs.inject({ op: 'write', nth: 2, times: 1, error: 'ENOSPC' });
    const file = await fs.open(join(dir, 'a.log'), 'a');
    await assert.rejects(writeAll(file, Buffer.from('abcdefgh')), { code: 'ENOSPC' });
    await writeAll(file, Buffer.from('XY'));
    await file.close();
    assert.equal(await readFile(join(dir, 'a.log'), 'utf8'), 'abcXY', 'the prefix before the error stays, as on a real disk');
  });

  it('writeAll refuses a write that makes no progress instead of looping', async () => {
    const fs = new FaultyDurableFs();
    fs.inject({ op: 'write', shortWriteBytes: 0 });
    const file = await fs.open(join(dir, 'z.bin'), 'w');
    await assert.rejects(writeAll(file, Buffer.from('abc'), 0), { code: 'EIO' });
    await file.close();
  });

  it('faults path operations, renames on either path, and clearFaults lifts all', async () => {
    const fs = new FaultyDurableFs();
    fs.inject({ op: 'open', path: 'locked', error: 'EACCES' });
    fs.inject({ op: 'rename', path: 'target', error: 'EIO' });
    fs.inject({ op: 'mkdir', error: 'ENOSPC' });
    await assert.rejects(fs.open(join(dir, 'locked.bin'), 'w'), { code: 'EACCES' });
    await (await fs.open(join(dir, 'src'), 'w')).close();
    await assert.rejects(fs.rename(join(dir, 'src'), join(dir, 'target')), { code: 'EIO' });
    await assert.rejects(fs.mkdir(join(dir, 'd')), { code: 'ENOSPC' });
    fs.clearFaults();
    await fs.rename(join(dir, 'src'), join(dir, 'target'));
    await fs.mkdir(join(dir, 'd'));
    assert.deepEqual((await fs.readdir(dir)).sort(), ['d', 'target']);
  });

  it('closes the descriptor even when close is faulted', async () => {
    const fs = new FaultyDurableFs();
    fs.inject({ op: 'close', error: 'EIO' });
    const file = await fs.open(join(dir, 'c.bin'), 'w');
    await assert.rejects(file.close(), { code: 'EIO' });
    await assert.rejects(file.write(Buffer.from('x')), { code: 'EBADF' });
  });

  it('refuses a rule with neither or both effects', () => {
    const fs = new FaultyDurableFs();
    assert.throws(() => fs.inject({ op: 'write' }), /exactly one/);
    assert.throws(() => fs.inject({ op: 'sync', shortWriteBytes: 1 }), /applies to op write/);
  });
});
