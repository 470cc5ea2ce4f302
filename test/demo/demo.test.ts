import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBundle } from '../../bin/demo/ensure-bundle.js';

const DLRS = fileURLToPath(new URL('../../bin/dlrs.js', import.meta.url));

/** Runs `dlrs demo ...` to its end; resolves with its exit code and output. */
function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DLRS, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('dlrs demo end to end (synthetic:tiny)', function () {
  this.timeout(120_000);
  let workDir: string;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'dlrs-demo-'));
  });

  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('trains, serves, recommends, shifts a session, measures a burst, and leaves no process behind', async () => {
    const { code, stdout, stderr } = await runDemo(['--data', 'synthetic:tiny', '--epochs', '1', '--users', '2', '--burst', '200', '--concurrency', '4', '--work-dir', workDir]);
    assert.equal(code, 0, `exit code ${code}\n${stdout}\n${stderr}`);
    assert.match(stdout, /trained .*model_version [0-9a-f]+/);
    const pids = [...stdout.matchAll(/^ {2}(ranking|retrieval [01]\/2|gateway)\s+pid (\d+)\s+127\.0\.0\.1:\d+\s+SERVING/gm)].map((m) => Number(m[2]));
    assert.equal(pids.length, 4, 'four services reported SERVING');
    const tables = stdout.match(/^ +10 +[01]\.\d{3} +-?\d\.\d{3} +i\d+ +Item \d+ \(cat-\d\)$/gm) ?? [];
    assert.equal(tables.length, 2, 'a full top-10 table with scores and titles per shown user');
    const similar = stdout.match(/^ {2}more like .+, \d+ ms:\n.*\n.*\n(?: +\d +-?\d+\.\d{3} +-?\d+\.\d{3} +i\d+ +Item \d+ \(cat-\d\)\n){5}/gm) ?? [];
    assert.equal(similar.length, 3, 'three "more like this" titles, five neighbours each');
    assert.match(stdout, /^ {2}session shift in the top 10: cat-\d \d+ → \d+/m);
    assert.match(stdout, /^ {4}event 10\/10 +view Item \d+/m, 'one push per session event');
    const latency = /latency p50 ([\d.]+) ms, p90 ([\d.]+) ms, p99 ([\d.]+) ms; throughput (\d+) req\/s \((\d+) answered .*, (\d+) errors\)/.exec(stdout);
    assert.ok(latency, 'the latency line');
    assert.equal(Number(latency[5]) + Number(latency[6]), 200);
    assert.equal(latency[6], '0', 'no call failed');
    assert.match(stdout, /gateway\s+stopped \(exit code 0\)/);
    for (const pid of pids) assert.equal(isAlive(pid), false, `service pid ${pid} is gone`);
  });

  it('reuses the bundle the run trained, for the same data, seed and epochs', async () => {
    const lines: string[] = [];
    const reuse = await ensureBundle({ data: 'synthetic:tiny', seed: 1, epochs: 1, bundlesDir: join(workDir, 'bundles'), signal: new AbortController().signal, log: (line) => lines.push(line) });
    assert.equal(reuse.reused, true);
    assert.deepEqual(lines, [], 'no training output');
    assert.equal(reuse.bundle.manifest.dataset, 'synthetic:tiny');
  });

  it('exits 2 naming a bad option', async () => {
    const { code, stderr } = await runDemo(['--concurrency', 'x']);
    assert.equal(code, 2);
    assert.match(stderr, /--concurrency x: expected an integer/);
  });
});
