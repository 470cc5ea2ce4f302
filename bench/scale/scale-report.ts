// The table and the latency-versus-throughput plot of `make bench-scale`.
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from '../../shared/plot/index.js';
import type { RenderedPlot } from '../../shared/plot/index.js';
import type { StageShares } from '../e2e/stage-shares.js';
import type { LoadResult } from '../load/load-runner.js';
import type { ContextSwitches } from '../e2e/context-switches.js';
import type { Calibration } from './calibration.js';

/** One offered request rate and what it gave. */
export interface ScaleLevel {
  targetRps: number;
  load: LoadResult;
  /** The 1-minute load average when the level ended. */
  loadAverage: number;
  /** CPU ms per measured Recommend (all threads; the warm-up left out) by process name. */
  cpuMsPerRequest: ReadonlyMap<string, number>;
  /** The same for each process's main thread (its event loop) only. */
  mainThreadCpuMsPerRequest: ReadonlyMap<string, number>;
  /** Context switches per measured Recommend (all threads) by process name: the hand-offs a request costs. */
  switchesPerRequest: ReadonlyMap<string, ContextSwitches>;
  /** The stage split of the sampled requests; undefined when none was sampled. */
  stages: StageShares | undefined;
  /** The gateway's item-cache hit rate over the level's requests (replayed on its cache class). */
  itemCacheHitRate: number;
}

/** What the run was asked. */
export interface ScaleSettings {
  /** Items in the served catalog. */
  items: number;
  shards: number;
  /** Distinct requests cycled, their context items Zipf-distributed with this exponent. */
  pool: number;
  zipfExponent: number;
  k: number;
  candidates: number;
  p99LimitMs: number;
  /** e.g. `1 %`. */
  tracing: string;
  durationS: number;
  warmupS: number;
  /** Measured in the same run; undefined when it could not be (no shard snapshot). */
  calibration: Calibration | undefined;
  /** CPU ms per second of each process with the topology up and no requests; undefined when not measured. */
  idleCpuMsPerS?: ReadonlyMap<string, number>;
}

/** The latency goal of the benchmark (p99 at most 25 ms), drawn on the plot. */
const GOAL_P99_MS = 25;
/** Plot area size in SVG units. */
const PLOT_WIDTH = 520;
const PLOT_HEIGHT = 320;

/** The markdown table (as printed) and the plot. */
export async function renderScaleReport(levels: readonly ScaleLevel[], settings: ScaleSettings): Promise<{ text: string; plot: RenderedPlot }> {
  return { text: scaleTable(levels, settings), plot: await latencyPlot(levels, settings) };
}

/** The report's text: settings, one row per level, CPU per request and the stage split. */
export function scaleTable(levels: readonly ScaleLevel[], settings: ScaleSettings): string {
  const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
  const names = [...new Set(levels.flatMap((level) => [...level.cpuMsPerRequest.keys()]))];
  const failed = (load: LoadResult): number => Object.entries(load.statusCounts).reduce((sum, [status, n]) => (status === 'OK' ? sum : sum + n), 0);
  const degraded = (load: LoadResult): number => Object.values(load.degradedAnswers).reduce((sum, n) => sum + n, 0);
  return [
    `dlrs bench-scale: ${settings.items} items, ${settings.shards} retrieval shard(s) + ranking + gateway as processes on one host, open-loop load from a separate process`,
    `Recommend k=${settings.k} of ${settings.candidates} candidates, inline context of 5 items drawn from the whole catalog with Zipf exponent ${settings.zipfExponent} (a pool of ${settings.pool} requests), ${settings.durationS} s per rate after ${settings.warmupS} s warm-up, tracing sampled at ${settings.tracing}; stop when p99 > ${settings.p99LimitMs} ms (after a few levels at least)`,
    '',
    calibrationLine(settings.calibration),
    ...(settings.idleCpuMsPerS === undefined ? [] : [`Idle CPU (no requests; ms per s): ${[...settings.idleCpuMsPerS].map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}.`]),
    '',
    '| offered req/s | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | failed | degraded | max send lag ms | item-cache hits | load avg |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...levels.map(({ targetRps, load, loadAverage, itemCacheHitRate }) => {
      const l = load.latency;
      return `| ${targetRps} | ${load.ratePerSecond.toFixed(0)} | ${l.p50Ms.toFixed(1)} | ${l.p90Ms.toFixed(1)} | ${l.p99Ms.toFixed(1)} | ${l.p999Ms.toFixed(1)} | ${failed(load)} | ${degraded(load)} | ${load.maxSendLagMs.toFixed(0)} | ${pct(itemCacheHitRate)} | ${loadAverage.toFixed(1)} |`;
    }),
    '',
    'CPU per measured Recommend (ms, user + system, all threads; the warm-up left out; in brackets the main thread\'s share, the rest is GC, JIT and worker threads), by process; the load generator shares the machine:',
    '',
    `| offered req/s | ${names.join(' | ')} | total | total / in-process work | load generator | load avg |`,
    `|---:|${names.map(() => '---:|').join('')}---:|---:|---:|---:|`,
    ...levels.map(({ targetRps, cpuMsPerRequest, mainThreadCpuMsPerRequest, load, loadAverage }) => {
      const values = names.map((name) => cpuMsPerRequest.get(name) ?? 0);
      const total = values.reduce((a, b) => a + b, 0);
      const ratio = settings.calibration === undefined ? 'n/a' : `${(total / settings.calibration.workMsPerRecommend).toFixed(1)}×`;
      const cell = (ms: number, k: number): string => `${ms.toFixed(2)} (${ms > 0 ? pct((mainThreadCpuMsPerRequest.get(names[k]) ?? 0) / ms) : 'n/a'})`;
      return `| ${targetRps} | ${values.map(cell).join(' | ')} | ${total.toFixed(2)} | ${ratio} | ${load.cpuMsPerCall.toFixed(2)} | ${loadAverage.toFixed(1)} |`;
    }),
    '',
    'Context switches per measured Recommend (voluntary + involuntary, all threads; each is a wake-up or a preemption, and a wake-up costs about the calibration\'s figure), by process:',
    '',
    `| offered req/s | ${names.join(' | ')} | total | load avg |`,
    `|---:|${names.map(() => '---:|').join('')}---:|---:|`,
    ...levels.map(({ targetRps, switchesPerRequest, loadAverage }) => {
      const counts = names.map((name) => switchesPerRequest.get(name) ?? { voluntary: 0, involuntary: 0 });
      const total = counts.reduce((sum, c) => sum + c.voluntary + c.involuntary, 0);
      const cell = (c: ContextSwitches): string => `${(c.voluntary + c.involuntary).toFixed(1)} (${c.voluntary.toFixed(1)} + ${c.involuntary.toFixed(1)})`;
      return `| ${targetRps} | ${counts.map(cell).join(' | ')} | ${total.toFixed(1)} | ${loadAverage.toFixed(1)} |`;
    }),
    '',
    'Stage split of the sampled Recommend requests (share of their mean latency; in brackets the part inside the tier):',
    '',
    '| offered req/s | traces | mean ms | embed users | search (shards in parallel) | rank | rest (parse, merge, answer, queueing) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...levels.flatMap(({ targetRps, stages: s }) =>
      s === undefined
        ? []
        : [`| ${targetRps} | ${s.traces} | ${s.meanMs.toFixed(1)} | ${pct(s.embed)} (${pct(s.inTier.embed)}) | ${pct(s.search)} (${pct(s.inTier.search)}) | ${pct(s.rank)} (${pct(s.inTier.rank)}) | ${pct(s.other)} |`],
    ),
  ].join('\n');
}

function calibrationLine(c: Calibration | undefined): string {
  if (c === undefined) return 'Calibration: not measured (no shard snapshot).';
  return [
    `Calibration (same run, in-process, load average ${c.loadAverage.toFixed(1)}): RankNet ORT ceiling ${(c.ortCeilingScoresPerS / 1e6).toFixed(2)}M scores/s;`,
    `HNSW ${c.searchesPerS.toFixed(0)} searches/s at k=C on one shard's index; work per Recommend ${c.workMsPerRecommend.toFixed(3)} ms`,
    `(UserNet ${c.embedMs.toFixed(3)} + searches ${c.searchMs.toFixed(3)} + RankNet ${c.rankMs.toFixed(3)});`,
    `a 1 ms timer wake-up costs ${c.wakeUpCpuUs.toFixed(0)} µs of CPU.`,
  ].join(' ');
}

/** p50, p90 and p99 over the achieved throughput, log latency axis, with the limit and the goal drawn. */
async function latencyPlot(levels: readonly ScaleLevel[], settings: ScaleSettings): Promise<RenderedPlot> {
  const points = levels.flatMap(({ load }) =>
    (
      [
        ['p50', load.latency.p50Ms],
        ['p90', load.latency.p90Ms],
        ['p99', load.latency.p99Ms],
      ] as const
    ).map(([percentile, ms]) => ({ rps: load.ratePerSecond, percentile, ms: Math.max(ms, 0.1) })),
  );
  const rules = [
    { label: `p99 limit ${settings.p99LimitMs} ms`, ms: settings.p99LimitMs },
    { label: `goal: p99 ${GOAL_P99_MS} ms`, ms: GOAL_P99_MS },
  ];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Recommend latency vs throughput, ${settings.items} items, k=${settings.k} of ${settings.candidates}`,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    background: 'white',
    config: { font: 'sans-serif' },
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'rps', type: 'quantitative', title: 'achieved Recommend/s' },
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
          color: { field: 'percentile', type: 'nominal', title: 'Percentile', sort: ['p50', 'p90', 'p99'] },
        },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { y: { field: 'ms', type: 'quantitative' } },
      },
      {
        data: { values: rules },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
        encoding: { y: { field: 'ms', type: 'quantitative' }, x: { datum: 0, type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  return renderVegaLite(spec);
}
