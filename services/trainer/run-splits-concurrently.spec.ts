import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from './eval-command.js';
import { withoutSplit } from './run-splits-concurrently.js';

interface ReportModels {
  models: Array<{ name: string; metrics: Record<string, { mean: number }> }>;
}

describe('dlrs eval --split a,b', () => {
  let dir = '';
  const saved = { error: console.error, log: console.log, write: process.stderr.write.bind(process.stderr) };
  let lines: string[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-eval-splits-'));
    lines = [];
    console.log = (line: string) => void lines.push(line);
    console.error = (line: string) => void lines.push(line);
    process.stderr.write = (text: string | Uint8Array) => lines.push(String(text)) > 0;
  });
  afterEach(async () => {
    console.log = saved.log;
    console.error = saved.error;
    process.stderr.write = saved.write;
    await rm(dir, { recursive: true, force: true });
  });

  it('runs each split in its own process, relays their lines by split, and reports the figures of a split run alone', async function () {
    // Three CLI processes, each compiling the sources: slow on a loaded machine, not a timing check.
    this.timeout(180_000);
    const args = ['--data', 'synthetic:tiny', '--seeds', '1', '--models', 'LightFM hybrid'];
    assert.equal(await runEval([...args, '--out', join(dir, 'both'), '--split', 'user,cold-items']), 0);
    const relayed = lines.join('');
    assert.match(relayed, /\[user\] .*LightFM hybrid/);
    assert.match(relayed, /\[cold-items\] .*LightFM hybrid/);
    assert.equal(await runEval([...args, '--out', join(dir, 'alone'), '--split', 'user']), 0);
    const read = async (run: string): Promise<ReportModels> => JSON.parse(await readFile(join(dir, run, 'synthetic-tiny', 'report.json'), 'utf8')) as ReportModels;
    const [both, alone] = [await read('both'), await read('alone')];
    assert.deepEqual(
      both.models.map((m) => [m.name, m.metrics['map@10'].mean]),
      alone.models.map((m) => [m.name, m.metrics['map@10'].mean]),
    );
    await readFile(join(dir, 'both', 'synthetic-tiny-cold-items', 'report.json'), 'utf8');
  });

  it('fails with the first failing split\'s exit code', async () => {
    // EASE is a model of the main protocol only: the cold-items process rejects it.
    assert.equal(await runEval(['--data', 'synthetic:tiny', '--out', dir, '--seeds', '1', '--models', 'EASE', '--split', 'user,cold-items']), 2);
    assert.match(lines.join(''), /\[cold-items\] dlrs eval: --models: unknown ease/);
  });

  it('rejects an unknown split, a split named twice and two splits sharing a report folder, before starting any', async () => {
    assert.equal(await runEval(['--split', 'user,weekly']), 2);
    assert.equal(await runEval(['--split', 'user,user']), 2);
    assert.equal(await runEval(['--split', 'user,global']), 2);
  });

  it('passes every other option on as given, in either form', () => {
    assert.deepEqual(withoutSplit(['--data', 'x', '--split', 'user,cold-items', '--seeds', '1']), ['--data', 'x', '--seeds', '1']);
    assert.deepEqual(withoutSplit(['--split=user,cold-items', '--out', 'o']), ['--out', 'o']);
  });
});
