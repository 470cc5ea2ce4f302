// The gateway alone under Recommend load: `dlrs serve gateway` (the real process, streams to its
// tiers, tracing sampling 1 % exported as OTLP like bench-scale) in front of cheap stand-in tiers
// (serve-stand-in-tiers.ts, another process), with open-loop load from `dlrs bench load` (a third
// process) cycling a pool of inline-context requests of the bench-scale shape (k = 10, 300
// candidates, 5 context items). Prints the gateway's CPU per Recommend (user + system, all its
// threads, from /proc) and its scavenges (minor GCs) per 1000 requests over the measured phase,
// so that a change to the gateway's hot path can be measured apart from the tiers.
//
//   npx tsx bench/gateway/run-gateway-bench.ts [--bundle DIR] [--rps 300] [--duration-s 20]
//     [--warmup-s 10] [--tracing 1] [--runs 1] [--cpu-prof-dir DIR] [--heap-prof-dir DIR]
//     [--node-options=FLAGS]
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startDlrsProcess } from '../../bin/demo/child-process.js';
import { provisionTokens } from '../../bin/demo/provision-tokens.js';
import { waitForPort, waitForServing } from '../../bin/demo/wait-for-serving.js';
import { SeededRandom } from '../../shared/random/index.js';
import { startOtlpReceiver } from '../../test/fixtures/otlp-receiver.js';
import { diagnosticsEnv } from '../e2e/diagnostics-env.js';
import { processCpuMs } from '../e2e/process-cpu.js';
import { parseTracing, tracingEnv } from '../e2e/tracing-setting.js';
import { ensureScaleBundle } from '../scale/scale-bundle.js';
import type { LoadResult } from '../load/load-runner.js';

const run = promisify(execFile);
const DLRS_BIN = fileURLToPath(new URL('../../bin/dlrs.js', import.meta.url));
const STAND_IN_TIERS = fileURLToPath(new URL('./serve-stand-in-tiers.ts', import.meta.url));

/** Distinct requests cycled, as in bench-scale: their context items become hot in the item cache. */
const REQUEST_POOL = 2_000;
/** Items of each request's inline context, as in bench-scale. */
const CONTEXT_ITEMS = 5;
/** Item ids are drawn from i1..i1000000, the 1M bundle's catalog. */
const CATALOG_ITEMS = 1_000_000;
/** The gateway reads the 1M bundle (its manifest and checksums) at start. */
const START_TIMEOUT_MS = 120_000;
/** Generous, so that a slow moment shows as latency, not as degraded answers. */
const RECOMMEND_TIMEOUT_MS = '5000';
/** The open loop's bound on calls in flight, as in bench-scale. */
const MAX_IN_FLIGHT = 512;

interface Measured {
  cpuUsPerRequest: number;
  scavengesPer1000: number;
  scavengeMsPer1000: number;
  load: LoadResult;
  loadAverage: number[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      // The 1M bundle of bench-scale by default (built into .data/bench-scale on first use).
      bundle: { type: 'string' },
      rps: { type: 'string', default: '300' },
      'duration-s': { type: 'string', default: '20' },
      'warmup-s': { type: 'string', default: '10' },
      tracing: { type: 'string', default: '1' },
      runs: { type: 'string', default: '1' },
      // A V8 CPU profile of the gateway over the measured phase (bench/e2e/summarise-cpu-profile.ts reads it); GC figures are then left out.
      'cpu-prof-dir': { type: 'string' },
      // A sampled allocation profile over the measured phase (bench/e2e/summarise-heap-profile.ts reads it); GC figures are then left out.
      'heap-prof-dir': { type: 'string' },
      'node-options': { type: 'string' },
      // The stand-in tiers answer as for candidates resolved by id (no candidate embeddings on the wire).
      'bundle-rows': { type: 'boolean', default: false },
    },
  });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const bundleDir = values.bundle ?? (await ensureScaleBundle(resolve('.data/bench-scale'), log));
  const work = await mkdtemp(join(tmpdir(), 'dlrs-gateway-bench-'));
  const tiers = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', STAND_IN_TIERS, ...(values['bundle-rows'] ? ['--bundle-rows'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const receiver = await startOtlpReceiver();
  try {
    const addresses = await firstJsonLine<{ ranking: string; shards: string[] }>(tiers);
    const requestsFile = join(work, 'requests.json');
    await writeFile(requestsFile, JSON.stringify(requestPool()));
    const [tracing] = parseTracing(values.tracing);
    const profiling = values['cpu-prof-dir'] !== undefined || values['heap-prof-dir'] !== undefined;
    const pauseLogDir = join(work, 'pauses');
    const tokens = await provisionTokens(work);
    const gateway = startDlrsProcess({
      name: 'gateway',
      args: ['serve', 'gateway', '--bundle', resolve(bundleDir)],
      env: {
        DLRS_HOST: '127.0.0.1',
        DLRS_PORT: '0',
        DLRS_METRICS_PORT: '0',
        DLRS_SHUTDOWN_TIMEOUT_MS: '2000',
        DLRS_DATA_DIR: join(work, 'gateway'),
        DLRS_RANKING_ADDRESS: addresses.ranking,
        DLRS_RETRIEVAL_ADDRESSES: addresses.shards.join(','),
        DLRS_DEFAULT_TIMEOUT_MS: RECOMMEND_TIMEOUT_MS,
        ...tokens.gatewayEnv,
        ...tracingEnv(tracing, receiver.endpoint),
        ...diagnosticsEnv({ cpuProfileDir: values['cpu-prof-dir'], heapProfileDir: values['heap-prof-dir'], pauseLogDir: profiling ? undefined : pauseLogDir, nodeOptions: values['node-options'] }),
      },
    });
    try {
      const port = await waitForPort(gateway, { timeoutMs: START_TIMEOUT_MS });
      await waitForServing(gateway, `127.0.0.1:${port}`, { timeoutMs: START_TIMEOUT_MS });
      const pid = gateway.pid ?? 0;
      const load = async (seconds: number, jsonFile: string): Promise<LoadResult> => {
        const args = ['bench', 'load', '--call', 'dlrs.v1.Recommender.Recommend', '--rps', values.rps, '--concurrency', String(MAX_IN_FLIGHT), '--duration', `${seconds}s`, '--timeout', '10s', '--data-file', requestsFile, '--json', jsonFile, '--metadata', JSON.stringify({ authorization: `Bearer ${tokens.apiToken}` }), `127.0.0.1:${port}`];
        await run(process.execPath, [DLRS_BIN, ...args], { maxBuffer: 1 << 20 });
        return JSON.parse(await readFile(jsonFile, 'utf8')) as LoadResult;
      };
      log(`gateway serving; warming up for ${values['warmup-s']} s`);
      await load(Number(values['warmup-s']), join(work, 'warmup.json'));
      const results: Measured[] = [];
      for (let i = 0; i < Number(values.runs); i++) {
        // SIGUSR2: the pause log writes what it saw so far (dropped) and starts afresh; a CPU profile restarts.
        process.kill(pid, 'SIGUSR2');
        const cpuBefore = processCpuMs(pid) ?? 0;
        const result = await load(Number(values['duration-s']), join(work, `load-${i}.json`));
        const cpuMs = (processCpuMs(pid) ?? 0) - cpuBefore;
        const calls = result.calls + result.warmupCalls;
        let gc = { count: 0, totalMs: 0 };
        if (!profiling) {
          process.kill(pid, 'SIGUSR2');
          gc = await lastMinorGc(pauseLogDir);
        }
        const measured = { cpuUsPerRequest: (1000 * cpuMs) / calls, scavengesPer1000: (1000 * gc.count) / calls, scavengeMsPer1000: (1000 * gc.totalMs) / calls, load: result, loadAverage: loadavg() };
        results.push(measured);
        log(describe(measured, profiling));
      }
      console.log(results.map((m) => describe(m, profiling)).join('\n'));
    } finally {
      await gateway.stop();
    }
  } finally {
    tiers.kill('SIGTERM');
    await receiver.close();
    await rm(work, { recursive: true, force: true });
  }
}

function describe(m: Measured, profiling: boolean): string {
  const statuses = Object.entries(m.load.statusCounts).map(([code, n]) => `${code} ${n}`).join(', ');
  const degraded = Object.values(m.load.degradedAnswers).reduce((a, b) => a + b, 0);
  return [
    `gateway CPU ${m.cpuUsPerRequest.toFixed(0)} µs/Recommend`,
    profiling ? 'GC not recorded while profiling' : `scavenges ${m.scavengesPer1000.toFixed(1)}/1000 req (${m.scavengeMsPer1000.toFixed(1)} ms/1000 req)`,
    `${m.load.ratePerSecond.toFixed(0)} req/s, p50 ${m.load.latency.p50Ms.toFixed(2)} ms, p99 ${m.load.latency.p99Ms.toFixed(2)} ms`,
    `${statuses}${degraded > 0 ? `, ${degraded} degraded` : ''}`,
    `load average ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}`,
  ].join('; ');
}

function requestPool(): unknown[] {
  const random = new SeededRandom(7);
  return Array.from({ length: REQUEST_POOL }, (_, n) => ({
    requestId: `gateway-bench-${n}`,
    context: { interactions: Array.from({ length: CONTEXT_ITEMS }, () => ({ itemId: `i${1 + random.int(CATALOG_ITEMS)}`, eventType: 'view' })) },
    k: 10,
    candidates: 300,
  }));
}

/** The minor GCs of the pause log's last line (written on the SIGUSR2 just sent). */
async function lastMinorGc(dir: string): Promise<{ count: number; totalMs: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((done) => setTimeout(done, 100));
    const files = await readdir(dir).catch(() => [] as string[]);
    if (files.length === 0) continue;
    const lines = (await readFile(join(dir, files[0]), 'utf8')).trim().split('\n');
    const last = JSON.parse(lines.at(-1) ?? '{}') as { atMs: number; gc?: Record<string, { count: number; totalMs: number }> };
    if (Date.now() - last.atMs < 2_000) return last.gc?.minor ?? { count: 0, totalMs: 0 };
  }
  throw new Error(`no pause log line in ${dir}`);
}

async function firstJsonLine<T>(child: ReturnType<typeof spawn>): Promise<T> {
  if (child.stdout === null) throw new Error('the stand-in tiers have no stdout');
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('tiers ')) return JSON.parse(line.slice('tiers '.length)) as T;
  }
  throw new Error('the stand-in tiers exited before they listened');
}

await main();
