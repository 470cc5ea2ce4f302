// `make bench-e2e`: the demo topology (retrieval shards, ranking, gateway, each a `dlrs serve`
// process) under closed-loop Recommend load from a separate client process, with tracing at
// several sampling rates (spans exported as OTLP/HTTP JSON to a receiver in this process) and
// off (no exporter). Prints latency and throughput per concurrency, the share of each gateway
// stage in the Recommend latency (from the traces) and what tracing costs. `--cpu-prof-dir`
// writes a V8 CPU profile of every service process (see summarise-cpu-profile.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { startOtlpReceiver } from '../../test/fixtures/otlp-receiver.js';
import { startTopology } from '../../test/fixtures/serve-topology.js';
import { topologyCpuMs } from './process-cpu.js';
import { stageShares } from './stage-shares.js';
import { diagnosticsEnv, signalDiagnostics } from './diagnostics-env.js';
import { parseTracing, tracingEnv, tracingName } from './tracing-setting.js';
import type { Tracing } from './tracing-setting.js';
import type { StageShares } from './stage-shares.js';
import type { LoadResult } from './recommend-load.js';

const run = promisify(execFile);
const LOAD_SCRIPT = fileURLToPath(new URL('./recommend-load.ts', import.meta.url));

/** Embedding and indexing 50k items per shard on a busy 2-core machine takes minutes. */
const START_TIMEOUT_MS = 900_000;
/** Spans are exported every 100 ms; this is long enough for the last batch to arrive. */
const FLUSH_WAIT_MS = 1_500;
/** The gateway's default Recommend budget: generous, so that overload shows as latency rather than degraded answers. */
const RECOMMEND_TIMEOUT_MS = '5000';

interface Row {
  tracing: Tracing;
  load: LoadResult;
  /** The 1-minute load average when the level ended. */
  loadAverage: number;
  /** CPU ms per Recommend (warm-up included) of each service process, by process name. */
  cpuMsPerRequest: Map<string, number>;
  stages?: StageShares;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bundle: { type: 'string' },
      shards: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '1,16,64' },
      'duration-s': { type: 'string', default: '10' },
      'warmup-s': { type: 'string', default: '2' },
      k: { type: 'string', default: '10' },
      candidates: { type: 'string', default: '300' },
      // Percentages sampled, or off: 100 gives the stage split, 1 and 0 what tracing costs when it is mostly not sampling.
      tracing: { type: 'string', default: '100,1,0,off' },
      'cpu-prof-dir': { type: 'string' },
      // Distinct requests cycled by the load (0: a fresh random context each time, the item cache's worst case).
      'request-pool': { type: 'string', default: '0' },
    },
  });
  if (values.bundle === undefined) throw new Error('--bundle DIR is required');
  const bundleDir = values.bundle;
  const levels = values.concurrency.split(',').map(Number);
  const receiver = await startOtlpReceiver();
  const dataDir = await mkdtemp(join(tmpdir(), 'dlrs-bench-e2e-'));
  const rows: Row[] = [];
  try {
    for (const tracing of parseTracing(values.tracing)) {
      const startedMs = Date.now();
      const topology = await startTopology({
        bundleDir,
        // One data directory for every run: the later ones recover the shards from their snapshots.
        dataDir,
        shards: Number(values.shards),
        env: { ...tracingEnv(tracing, receiver.endpoint), ...diagnosticsEnv({ cpuProfileDir: values['cpu-prof-dir'] === undefined ? undefined : join(values['cpu-prof-dir'], `tracing-${tracing}`) }) },
        gatewayEnv: { DLRS_DEFAULT_TIMEOUT_MS: RECOMMEND_TIMEOUT_MS },
        startTimeoutMs: START_TIMEOUT_MS,
      });
      console.error(`tracing ${tracing}: topology ready in ${((Date.now() - startedMs) / 1000).toFixed(0)} s`);
      // Leave the start-up out of the CPU profiles (cpu-profile-preload.ts restarts them on SIGUSR2).
      if (values['cpu-prof-dir'] !== undefined) signalDiagnostics(topology.processes);
      try {
        for (const concurrency of levels) {
          receiver.clear();
          const cpuBefore = topologyCpuMs(topology.processes);
          const args = ['--address', topology.gatewayAddress, '--token', topology.apiToken, '--bundle', bundleDir, '--concurrency', String(concurrency), '--duration-s', values['duration-s'], '--warmup-s', values['warmup-s'], '--k', values.k, '--candidates', values.candidates, '--request-pool', values['request-pool']];
          const { stdout } = await run(process.execPath, ['--import', 'tsx', '--no-warnings', LOAD_SCRIPT, ...args], { maxBuffer: 1 << 20 });
          const load = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
          const cpuAfter = topologyCpuMs(topology.processes);
          const calls = load.requests + load.warmupRequests;
          const cpuMsPerRequest = new Map([...cpuAfter].map(([name, ms]) => [name, (ms - (cpuBefore.get(name) ?? ms)) / calls]));
          let stages: StageShares | undefined;
          if (tracing !== 'off' && tracing > 0) {
            await sleep(FLUSH_WAIT_MS);
            stages = stageShares(receiver.spans);
          }
          rows.push({ tracing, load, stages, loadAverage: loadavg()[0], cpuMsPerRequest });
          console.error(`tracing ${tracing}, concurrency ${concurrency}: ${JSON.stringify(load)}`);
        }
      } finally {
        await topology.stop();
      }
    }
  } finally {
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(report(rows, levels, values));
}

function report(rows: Row[], levels: number[], settings: Record<string, string | undefined>): string {
  const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
  const lines = [
    `dlrs end to end: ${settings.shards} retrieval shards + ranking + gateway as processes, load from a separate process`,
    `Recommend k=${settings.k}, candidates=${settings.candidates}, inline context of 5 random items (${settings['request-pool'] === '0' ? 'fresh each request' : `a pool of ${settings['request-pool']} requests cycled`}), ${settings['duration-s']} s per level after ${settings['warmup-s']} s warm-up; load average ${loadAverage()}`,
    '',
    '| tracing | concurrency | requests | req/s | p50 ms | p99 ms | degraded | errors | load avg |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ tracing, load, loadAverage: busy }) => `| ${tracingName(tracing)} | ${load.concurrency} | ${load.requests} | ${load.qps.toFixed(0)} | ${load.p50Ms.toFixed(1)} | ${load.p99Ms.toFixed(1)} | ${load.degraded} | ${load.errors} | ${busy.toFixed(1)} |`),
    '',
    'CPU per Recommend (ms, user + system, all threads; warm-up included), by process: what a busy machine distorts least',
    '',
    `| tracing | concurrency | ${cpuNames(rows).join(' | ')} | total |`,
    `|---|---:|${cpuNames(rows).map(() => '---:|').join('')}---:|`,
    ...rows.map(({ tracing, load, cpuMsPerRequest }) => {
      const values = cpuNames(rows).map((name) => cpuMsPerRequest.get(name) ?? 0);
      return `| ${tracingName(tracing)} | ${load.concurrency} | ${values.map((ms) => ms.toFixed(2)).join(' | ')} | ${values.reduce((a, b) => a + b, 0).toFixed(2)} |`;
    }),
    '',
    'Share of each gateway stage in the Recommend latency (mean over the traced requests):',
    '',
    '(in brackets: the part inside the tier, from its server span; the rest of a stage is the wire, the stream and the queues)',
    '',
    '| tracing | concurrency | traces | mean ms | embed users | search (shards in parallel) | rank | rest (parse, merge, answer, queueing) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.flatMap(({ tracing, load, stages }) =>
      stages
        ? [
            `| ${tracingName(tracing)} | ${load.concurrency} | ${stages.traces} | ${stages.meanMs.toFixed(1)} | ${pct(stages.embed)} (${pct(stages.inTier.embed)}) | ${pct(stages.search)} (${pct(stages.inTier.search)}) | ${pct(stages.rank)} (${pct(stages.inTier.rank)}) | ${pct(stages.other)} |`,
          ]
        : [],
    ),
    '',
    'Cost of tracing (OTLP/HTTP JSON export at the sampling rate, vs no exporter): req/s and p99 as a ratio to tracing off',
    '',
    '| sampled | concurrency | req/s vs off | p50 vs off | p99 vs off |',
    '|---|---:|---:|---:|---:|',
  ];
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
  for (const row of rows) {
    const off = rows.find((r) => r.tracing === 'off' && r.load.concurrency === row.load.concurrency)?.load;
    if (row.tracing === 'off' || off === undefined) continue;
    lines.push(`| ${tracingName(row.tracing)} | ${row.load.concurrency} | ${ratio(row.load.qps, off.qps)} | ${ratio(row.load.p50Ms, off.p50Ms)} | ${ratio(row.load.p99Ms, off.p99Ms)} |`);
  }
  return lines.join('\n');
}

function cpuNames(rows: readonly Row[]): string[] {
  return [...new Set(rows.flatMap((row) => [...row.cpuMsPerRequest.keys()]))];
}

function loadAverage(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}

await main();
