// `make bench-scale`: a 1M-item catalog (dim 64) served by two retrieval shards, ranking and
// the gateway, all on one host as `dlrs serve` processes; Recommend (k = 10 out of 300
// candidates) at rising open-loop request rates from `dlrs bench load` in its own process,
// until p99 passes the limit. Prints a table (latency, throughput, CPU per request, the stage
// split from the sampled traces) and writes a latency-versus-throughput plot (SVG + PNG).
// The bundle and the shards' snapshots are kept under --dir, so a re-run starts in seconds.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { readBundle } from '../../shared/bundle/index.js';
import { startOtlpReceiver } from '../../test/fixtures/otlp-receiver.js';
import { startTopology } from '../../test/fixtures/serve-topology.js';
import { diagnosticsEnv, signalDiagnostics } from '../e2e/diagnostics-env.js';
import { topologyContextSwitches } from '../e2e/context-switches.js';
import type { ContextSwitches } from '../e2e/context-switches.js';
import { topologyCpuMs } from '../e2e/process-cpu.js';
import { processRssBytes } from '../e2e/process-rss.js';
import { stageShares } from '../e2e/stage-shares.js';
import { parseTracing, tracingEnv, tracingName } from '../e2e/tracing-setting.js';
import type { LoadResult } from '../load/load-runner.js';
import { DEFAULT_ITEM_CACHE_MAX_ENTRIES } from '../../services/gateway/item-cache/index.js';
import { SCALE_DATA_SHAPE, ensureScaleBundle } from './scale-bundle.js';
import { calibrate } from './calibration.js';
import type { Calibration } from './calibration.js';
import { ItemCacheReplay, zipfRequestPool } from './zipf-request-pool.js';
import { renderScaleReport } from './scale-report.js';
import type { ScaleLevel } from './scale-report.js';

const run = promisify(execFile);
const DLRS_BIN = fileURLToPath(new URL('../../bin/dlrs.js', import.meta.url));

/** Embedding and indexing 500k items per shard on a shared 2-core machine takes many minutes the first time. */
const START_TIMEOUT_MS = 60 * 60_000;
/** Long enough for the exporters' last batch (every 100 ms) to arrive. */
const FLUSH_WAIT_MS = 1_500;
/** Generous, so that overload shows as latency rather than as degraded answers (counted apart). */
const RECOMMEND_TIMEOUT_MS = '5000';
/** Items in each request's inline context: a short recent history. */
const CONTEXT_ITEMS = 5;
/** Calls in flight at most (the open loop's bound on memory); a call due beyond it waits, and its wait counts. */
const MAX_IN_FLIGHT = 512;
/** Lines of the services' logs that tell where a long start is. */
const PROGRESS_MESSAGES = ['loading the shard', 'snapshot loaded', 'embedding items', 'indexing items', 'shard ready', 'retrieval listening', 'gateway warmed up', 'gateway serving'];
/** Ranking's log line with its item table's size (none when DLRS_ITEM_TABLE=false). */
const ITEM_TABLE_MESSAGE = 'item table built';
/** How often a long start reports that it is still going. */
const PROGRESS_EVERY_MS = 30_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: '.data/bench-scale' },
      // Another bundle instead of the 1M one (a quick check of the bench itself).
      bundle: { type: 'string' },
      out: { type: 'string', default: 'reports/bench-scale' },
      // A smaller synthetic catalog for quick iterations (its own bundle and shard folders).
      items: { type: 'string', default: String(SCALE_DATA_SHAPE.items) },
      shards: { type: 'string', default: '2' },
      // Distinct requests cycled by the load, their context items drawn with Zipf popularity of this exponent (0 = uniform).
      pool: { type: 'string', default: '20000' },
      zipf: { type: 'string', default: '1' },
      rates: { type: 'string' },
      'start-rps': { type: 'string', default: '25' },
      growth: { type: 'string', default: '1.5' },
      'max-levels': { type: 'string', default: '10' },
      // A busy machine may pass the p99 limit at the first rate; a few levels still draw a curve.
      'min-levels': { type: 'string', default: '4' },
      'p99-limit-ms': { type: 'string', default: '50' },
      'duration-s': { type: 'string', default: '10' },
      // Each level's warm-up is a load of its own, left out of every figure.
      'warmup-s': { type: 'string', default: '3' },
      // Extra warm-up of the first rate: right after the start the gateway's item cache is cold (0: measure the cold start).
      'first-extra-warmup-s': { type: 'string', default: '5' },
      // Idle CPU of each service, measured before the first level (0 = not measured).
      'idle-s': { type: 'string', default: '10' },
      k: { type: 'string', default: '10' },
      candidates: { type: 'string', default: '300' },
      tracing: { type: 'string', default: '1' },
      // V8 CPU profiles of every service over the measured levels (start-up left out); bench/e2e/summarise-cpu-profile.ts reads them.
      'cpu-prof-dir': { type: 'string' },
      // Sampled allocation profiles of every service over the measured levels.
      'heap-prof-dir': { type: 'string' },
      // GC pauses and event-loop delay per level, one JSON line per level and service.
      'pause-log-dir': { type: 'string' },
      // Extra Node/V8 flags for every service (e.g. --max-semi-space-size=64), for tuning experiments.
      'service-node-options': { type: 'string' },
      // Ranking's DLRS_ITEM_TABLE (true: candidates by bundle row, false: every embedding on the wire); unset: ranking's default.
      'item-table': { type: 'string' },
    },
  });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const dir = resolve(values.dir);
  const p99LimitMs = Number(values['p99-limit-ms']);
  const [tracing] = parseTracing(values.tracing);
  const shards = Number(values.shards);
  const bundleDir = values.bundle === undefined ? await ensureScaleBundle(dir, log, Number(values.items)) : resolve(values.bundle);
  await mkdir(dir, { recursive: true });
  // The catalog, not the model's id vocabulary: that holds only the items seen in training.
  const catalog = (await readBundle(bundleDir)).items.map((item) => item.id);
  const poolShape = { requests: Number(values.pool), contextItems: CONTEXT_ITEMS, zipfExponent: Number(values.zipf), k: Number(values.k), candidates: Number(values.candidates), seed: 7 };
  const pool = zipfRequestPool(catalog, poolShape);
  const requestsFile = join(dir, 'requests.json');
  const measuredFile = join(dir, 'requests-measured.json');
  await writeFile(requestsFile, JSON.stringify(pool));
  const cacheReplay = new ItemCacheReplay(pool, DEFAULT_ITEM_CACHE_MAX_ENTRIES);

  const receiver = await startOtlpReceiver();
  const startedMs = Date.now();
  const ticker = setInterval(() => log(`still starting after ${((Date.now() - startedMs) / 1000).toFixed(0)} s`), PROGRESS_EVERY_MS);
  const levels: ScaleLevel[] = [];
  let calibration: Calibration | undefined;
  let idleCpuMsPerS: Map<string, number> | undefined;
  try {
    const topology = await startTopology({
      bundleDir,
      dataDir: join(dir, values.bundle === undefined ? servingFolder(Number(values.items), shards) : 'serve-other-bundle'),
      shards,
      env: { ...tracingEnv(tracing, receiver.endpoint), ...diagnosticsEnv({ cpuProfileDir: values['cpu-prof-dir'], heapProfileDir: values['heap-prof-dir'], pauseLogDir: values['pause-log-dir'], nodeOptions: values['service-node-options'] }) },
      gatewayEnv: { DLRS_DEFAULT_TIMEOUT_MS: RECOMMEND_TIMEOUT_MS },
      rankingEnv: values['item-table'] === undefined ? {} : { DLRS_ITEM_TABLE: values['item-table'] },
      startTimeoutMs: START_TIMEOUT_MS,
      onLine: (name, line) => {
        const message = PROGRESS_MESSAGES.find((m) => line.includes(`"msg":"${m}"`));
        if (message !== undefined) log(`${name}: ${message}`);
        if (line.includes(`"msg":"${ITEM_TABLE_MESSAGE}"`)) log(`${name}: ${itemTableLine(line)}`);
      },
    }).finally(() => clearInterval(ticker));
    const diagnose = values['cpu-prof-dir'] !== undefined || values['heap-prof-dir'] !== undefined || values['pause-log-dir'] !== undefined;
    if (diagnose) signalDiagnostics(topology.processes);
    log(`topology ready in ${((Date.now() - startedMs) / 1000).toFixed(0)} s; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    log(`resident memory (MiB): ${topology.processes.map((p) => `${p.name} ${residentMiB(p.pid)}`).join(', ')}`);
    calibration = await calibrate(bundleDir, Array.from({ length: shards }, (_, i) => topology.dataDirOf(`retrieval ${i}`)), Number(values.candidates)).catch((error: unknown) => {
      log(`calibration failed: ${String(error)}`);
      return undefined;
    });
    // What the services burn with nothing to do: timers, exporters, pollers (should be next to nothing).
    const idleS = Number(values['idle-s']);
    if (idleS > 0) {
      const before = topologyCpuMs(topology.processes);
      await sleep(idleS * 1000);
      const after = topologyCpuMs(topology.processes);
      idleCpuMsPerS = new Map([...after].map(([name, ms]) => [name, (ms - (before.get(name) ?? ms)) / idleS]));
      log(`idle CPU over ${idleS} s (ms per s): ${[...idleCpuMsPerS].map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}; load average ${loadavg()[0].toFixed(1)}`);
    }
    try {
      for (const rps of rateSchedule(values)) {
        const jsonFile = join(dir, `load-${rps}.json`);
        const loadArgs = (durationS: number, json: string, dataFile: string): string[] => ['bench', 'load', '--call', 'dlrs.v1.Recommender.Recommend', '--rps', String(rps), '--concurrency', String(MAX_IN_FLIGHT), '--duration', `${durationS}s`, '--warmup', '0s', '--timeout', '10s', '--data-file', dataFile, '--json', json, '--metadata', JSON.stringify(topology.gatewayMetadata), topology.gatewayAddress];
        // The warm-up is a load of its own, so that the CPU figures leave it out: at the first rate it pays for the JIT.
        const warmupS = Number(values['warmup-s']) + (levels.length === 0 ? Number(values['first-extra-warmup-s']) : 0);
        let warmupCalls = 0;
        if (warmupS > 0) {
          const warmupFile = join(dir, `warmup-${rps}.json`);
          await run(process.execPath, [DLRS_BIN, ...loadArgs(warmupS, warmupFile, requestsFile)], { maxBuffer: 1 << 20 });
          warmupCalls = (JSON.parse(await readFile(warmupFile, 'utf8')) as LoadResult).calls;
          await cacheReplay.level(warmupCalls);
        }
        // The measured load goes on where the warm-up stopped in the pool, as one load would.
        await writeFile(measuredFile, JSON.stringify(rotate(pool, warmupCalls)));
        receiver.clear();
        const cpuBefore = topologyCpuMs(topology.processes);
        const mainBefore = topologyCpuMs(topology.processes, 'main');
        const switchesBefore = topologyContextSwitches(topology.processes);
        if (values['pause-log-dir'] !== undefined) signalDiagnostics(topology.processes);
        await run(process.execPath, [DLRS_BIN, ...loadArgs(Number(values['duration-s']), jsonFile, measuredFile)], { maxBuffer: 1 << 20 });
        const load = JSON.parse(await readFile(jsonFile, 'utf8')) as LoadResult;
        const cpuAfter = topologyCpuMs(topology.processes);
        const mainAfter = topologyCpuMs(topology.processes, 'main');
        const switchesAfter = topologyContextSwitches(topology.processes);
        if (values['pause-log-dir'] !== undefined) signalDiagnostics(topology.processes);
        await sleep(FLUSH_WAIT_MS);
        const perRequest = (before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Map<string, number> => new Map([...after].map(([name, ms]) => [name, (ms - (before.get(name) ?? ms)) / load.calls]));
        const level: ScaleLevel = {
          targetRps: rps,
          load,
          loadAverage: loadavg()[0],
          cpuMsPerRequest: perRequest(cpuBefore, cpuAfter),
          mainThreadCpuMsPerRequest: perRequest(mainBefore, mainAfter),
          switchesPerRequest: switchesPerRequest(switchesBefore, switchesAfter, load.calls),
          stages: stageShares(receiver.spans),
          itemCacheHitRate: await cacheReplay.level(load.calls),
        };
        levels.push(level);
        log(`${rps} req/s offered: ${load.ratePerSecond.toFixed(0)} req/s, p50 ${load.latency.p50Ms.toFixed(1)} ms, p99 ${load.latency.p99Ms.toFixed(1)} ms, load average ${level.loadAverage.toFixed(1)}`);
        if (load.latency.p99Ms > p99LimitMs && levels.length >= Number(values['min-levels'])) break;
      }
    } finally {
      await topology.stop();
    }
  } finally {
    await receiver.close();
  }
  const report = await renderScaleReport(levels, { items: catalog.length, shards, pool: poolShape.requests, zipfExponent: poolShape.zipfExponent, k: Number(values.k), candidates: Number(values.candidates), p99LimitMs, tracing: tracingName(tracing), calibration, idleCpuMsPerS, durationS: Number(values['duration-s']), warmupS: Number(values['warmup-s']) });
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'latency-vs-throughput.svg'), report.plot.svg);
  await writeFile(join(out, 'latency-vs-throughput.png'), report.plot.png);
  await writeFile(join(out, 'bench-scale.md'), `${report.text}\n`);
  console.log(report.text);
  log(`plot: ${join(out, 'latency-vs-throughput.svg')} and .png; table: ${join(out, 'bench-scale.md')}`);
}

/** The pool as a load that already sent `sent` requests of it goes on: from request sent mod its size. */
function rotate<T>(pool: readonly T[], sent: number): T[] {
  const start = sent % pool.length;
  return [...pool.slice(start), ...pool.slice(0, start)];
}

/** Each process's context switches between two samples, per request. */
function switchesPerRequest(before: ReadonlyMap<string, ContextSwitches>, after: ReadonlyMap<string, ContextSwitches>, calls: number): Map<string, ContextSwitches> {
  return new Map(
    [...after].map(([name, end]) => {
      const start = before.get(name) ?? end;
      return [name, { voluntary: (end.voluntary - start.voluntary) / calls, involuntary: (end.involuntary - start.involuntary) / calls }];
    }),
  );
}

/** The given rates, or start-rps growing by `growth` per level. */
function rateSchedule(values: { rates?: string; 'start-rps': string; growth: string; 'max-levels': string }): number[] {
  if (values.rates !== undefined) return values.rates.split(',').map(Number);
  const rates: number[] = [];
  let rps = Number(values['start-rps']);
  for (let i = 0; i < Number(values['max-levels']); i++, rps *= Number(values.growth)) rates.push(Math.round(rps));
  return rates;
}

/** The shards' data folders: `serve` for the 1M catalog on two shards, else named after the catalog and shard count. */
function servingFolder(items: number, shards: number): string {
  return items === SCALE_DATA_SHAPE.items && shards === 2 ? 'serve' : `serve-${items}-${shards}`;
}


/** A process's resident memory in MiB, '?' when it is gone. */
function residentMiB(pid: number | undefined): string {
  const bytes = pid === undefined ? undefined : processRssBytes(pid);
  return bytes === undefined ? '?' : (bytes / 2 ** 20).toFixed(0);
}

/** Ranking's item-table log line as the memory it reports. */
function itemTableLine(line: string): string {
  const { items, bytes } = JSON.parse(line) as { items?: number; bytes?: number };
  return `${ITEM_TABLE_MESSAGE}: ${items ?? '?'} items, ${((bytes ?? 0) / 2 ** 20).toFixed(1)} MiB`;
}

await main();
