import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRowPolicy, detectEncoding, parseCsvLine, readLines } from './delimited-text.js';

describe('parseCsvLine', () => {
  it('splits plain and quoted fields, with commas and doubled quotes inside quotes', () => {
    assert.deepEqual(parseCsvLine('1,Heat (1995),Action|Crime'), ['1', 'Heat (1995)', 'Action|Crime']);
    assert.deepEqual(parseCsvLine('11,"American President, The (1995)",Comedy'), ['11', 'American President, The (1995)', 'Comedy']);
    assert.deepEqual(parseCsvLine('"say ""hi""",,""'), ['say "hi"', '', '']);
    assert.deepEqual(parseCsvLine('a\tb', '\t'), ['a', 'b']);
  });

  it('says what is wrong with a malformed line', () => {
    assert.throws(() => parseCsvLine('1,"open,x'), /unterminated quoted field starting at column 2/);
    assert.throws(() => parseCsvLine('1,"a"b,c'), /after the closing quote of field 2/);
    assert.throws(() => parseCsvLine('1,a"b,"c"'), /quote inside unquoted field 2/);
  });
});

describe('readLines, detectEncoding and BadRowPolicy', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-text-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers lines from 1, drops a BOM and skips blank lines', async () => {
    const path = join(dir, 'a.csv');
    await writeFile(path, '\ufeffh1,h2\r\n1,2\n\n3,4\n');
    const lines = [];
    for await (const line of readLines(path)) lines.push(line);
    assert.deepEqual(lines, [
      { text: 'h1,h2', line: 1 },
      { text: '1,2', line: 2 },
      { text: '3,4', line: 4 },
    ]);
  });

  it('tells ISO-8859-1 files from UTF-8 ones', async () => {
    await writeFile(join(dir, 'latin1.dat'), Buffer.from('1::Mis\xe9rables::Drama\n', 'latin1'));
    await writeFile(join(dir, 'utf8.dat'), '1::Misérables::Drama\n');
    assert.equal(await detectEncoding(join(dir, 'latin1.dat')), 'latin1');
    assert.equal(await detectEncoding(join(dir, 'utf8.dat')), 'utf8');
  });

  it('throws file:line: message, or counts it when skipping bad rows', () => {
    assert.throws(() => new BadRowPolicy(false).report('r.csv', 7, 'bad'), { message: 'r.csv:7: bad' });
    const policy = new BadRowPolicy(true);
    for (let i = 0; i < 12; i++) policy.report('r.csv', i, 'bad');
    assert.equal(policy.skipped, 12);
    assert.equal(policy.messages.length, 10);
  });
});
