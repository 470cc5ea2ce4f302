// `make bench-e2e`: the demo topology (retrieval shards, ranking, gateway, each a `dlrs serve`
// process) under closed-loop Recommend load from a separate client process, with tracing on
// (every request sampled, spans exported as OTLP/HTTP JSON to a receiver in this process)
// and off. Prints latency and throughput per concurrency, the share of each gateway stage in
// the Recommend latency (from the traces) and what tracing costs.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { otlpEnv, startOtlpReceiver } from '../../test/fixtures/otlp-receiver.js';
import type { ReceivedSpan } from '../../test/fixtures/otlp-receiver.js';
import { startTopology } from '../../test/fixtures/serve-topology.js';
import type { LoadResult } from './recommend-load.js';

const run = promisify(execFile);
const LOAD_SCRIPT = fileURLToPath(new URL('./recommend-load.ts', import.meta.url));

/** Embedding and indexing 50k items per shard on a busy 2-core machine takes minutes. */
const START_TIMEOUT_MS = 900_000;
/** Spans are exported every 100 ms; this is long enough for the last batch to arrive. */
const FLUSH_WAIT_MS = 1_500;
/** Larger than the SDK's default 2048 so that a burst at concurrency 64 is not dropped before export. */
const BSP_MAX_QUEUE_SIZE = '16384';
/** The gateway's default Recommend budget: generous, so that overload shows as latency rather than degraded answers. */
const RECOMMEND_TIMEOUT_MS = '5000';

/** OTLP span kind of a server span. */
const SPAN_KIND_SERVER = 2;

/** The share of each gateway stage in the Recommend latency, 0..1. */
interface StageShares {
  traces: number;
  meanMs: number;
  embed: number;
  search: number;
  rank: number;
  other: number;
  /** The part of each stage spent inside the tier (its server span; the slowest shard for search). */
  inTier: { embed: number; search: number; rank: number };
}

interface Row {
  tracing: 'on' | 'off';
  load: LoadResult;
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
    },
  });
  if (values.bundle === undefined) throw new Error('--bundle DIR is required');
  const bundleDir = values.bundle;
  const levels = values.concurrency.split(',').map(Number);
  const receiver = await startOtlpReceiver();
  const dataDir = await mkdtemp(join(tmpdir(), 'dlrs-bench-e2e-'));
  const rows: Row[] = [];
  try {
    for (const tracing of ['on', 'off'] as const) {
      const startedMs = Date.now();
      const topology = await startTopology({
        bundleDir,
        // One data directory for both runs: the second recovers the shards from their snapshots.
        dataDir,
        shards: Number(values.shards),
        env: tracing === 'on' ? { ...otlpEnv(receiver.endpoint), OTEL_BSP_MAX_QUEUE_SIZE: BSP_MAX_QUEUE_SIZE } : {},
        gatewayEnv: { DLRS_DEFAULT_TIMEOUT_MS: RECOMMEND_TIMEOUT_MS },
        startTimeoutMs: START_TIMEOUT_MS,
      });
      console.error(`tracing ${tracing}: topology ready in ${((Date.now() - startedMs) / 1000).toFixed(0)} s`);
      try {
        for (const concurrency of levels) {
          receiver.clear();
          const args = ['--address', topology.gatewayAddress, '--bundle', bundleDir, '--concurrency', String(concurrency), '--duration-s', values['duration-s'], '--warmup-s', values['warmup-s'], '--k', values.k, '--candidates', values.candidates];
          const { stdout } = await run(process.execPath, ['--import', 'tsx', '--no-warnings', LOAD_SCRIPT, ...args], { maxBuffer: 1 << 20 });
          const load = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
          let stages: StageShares | undefined;
          if (tracing === 'on') {
            await sleep(FLUSH_WAIT_MS);
            stages = stageShares(receiver.spans);
          }
          rows.push({ tracing, load, stages });
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

/**
 * Mean duration of each stage over the Recommend traces, as shares of the mean Recommend
 * duration: embed users, search (the shards in parallel: first start to last end), rank,
 * and the rest (parsing, merging, answering, waiting for the event loop).
 */
function stageShares(spans: readonly ReceivedSpan[]): StageShares | undefined {
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const siblings = children.get(span.parentSpanId);
    if (siblings) siblings.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const ms = (ns: bigint): number => Number(ns) / 1e6;
  let total = 0;
  let embed = 0;
  let search = 0;
  let rank = 0;
  let traces = 0;
  const inTier = { embed: 0, search: 0, rank: 0 };
  // stage span → its client span → the tier's server span.
  const tierMs = (stage: ReceivedSpan): number => {
    const server = (children.get(stage.spanId) ?? []).flatMap((client) => children.get(client.spanId) ?? []).find((span) => span.kind === SPAN_KIND_SERVER);
    return server === undefined ? 0 : ms(server.endNs - server.startNs);
  };
  for (const recommend of spans) {
    if (recommend.name !== 'dlrs.v1.Recommender/Recommend') continue;
    const stages = children.get(recommend.spanId) ?? [];
    const embedSpan = stages.find((s) => s.name === 'gateway embed users');
    const rankSpan = stages.find((s) => s.name === 'gateway rank');
    const searches = stages.filter((s) => s.name.startsWith('gateway search shard'));
    if (embedSpan === undefined || rankSpan === undefined || searches.length === 0) continue;
    traces++;
    total += ms(recommend.endNs - recommend.startNs);
    embed += ms(embedSpan.endNs - embedSpan.startNs);
    rank += ms(rankSpan.endNs - rankSpan.startNs);
    const first = searches.reduce((a, s) => (s.startNs < a ? s.startNs : a), searches[0].startNs);
    const last = searches.reduce((a, s) => (s.endNs > a ? s.endNs : a), searches[0].endNs);
    search += ms(last - first);
    inTier.embed += tierMs(embedSpan);
    inTier.rank += tierMs(rankSpan);
    inTier.search += Math.max(...searches.map(tierMs));
  }
  if (traces === 0) return undefined;
  return {
    traces,
    meanMs: total / traces,
    embed: embed / total,
    search: search / total,
    rank: rank / total,
    other: (total - embed - search - rank) / total,
    inTier: { embed: inTier.embed / total, search: inTier.search / total, rank: inTier.rank / total },
  };
}

function report(rows: Row[], levels: number[], settings: Record<string, string | undefined>): string {
  const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
  const lines = [
    `dlrs end to end: ${settings.shards} retrieval shards + ranking + gateway as processes, load from a separate process`,
    `Recommend k=${settings.k}, candidates=${settings.candidates}, inline context of 5 random items, ${settings['duration-s']} s per level after ${settings['warmup-s']} s warm-up`,
    '',
    '| tracing | concurrency | requests | req/s | p50 ms | p99 ms | degraded | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ tracing, load }) => `| ${tracing} | ${load.concurrency} | ${load.requests} | ${load.qps.toFixed(0)} | ${load.p50Ms.toFixed(1)} | ${load.p99Ms.toFixed(1)} | ${load.degraded} | ${load.errors} |`),
    '',
    'Share of each gateway stage in the Recommend latency (mean over the traced requests, tracing on):',
    '',
    '(in brackets: the part inside the tier, from its server span; the rest of a stage is the wire, the stream and the queues)',
    '',
    '| concurrency | traces | mean ms | embed users | search (shards in parallel) | rank | rest (parse, merge, answer, queueing) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.flatMap(({ load, stages }) =>
      stages
        ? [
            `| ${load.concurrency} | ${stages.traces} | ${stages.meanMs.toFixed(1)} | ${pct(stages.embed)} (${pct(stages.inTier.embed)}) | ${pct(stages.search)} (${pct(stages.inTier.search)}) | ${pct(stages.rank)} (${pct(stages.inTier.rank)}) | ${pct(stages.other)} |`,
          ]
        : [],
    ),
    '',
    'Cost of tracing (100 % sampled, OTLP/HTTP JSON export, vs no exporter):',
    '',
    '| concurrency | p50 on/off | p99 on/off | req/s on/off |',
    '|---:|---:|---:|---:|',
  ];
  for (const concurrency of levels) {
    const on = rows.find((r) => r.tracing === 'on' && r.load.concurrency === concurrency)?.load;
    const off = rows.find((r) => r.tracing === 'off' && r.load.concurrency === concurrency)?.load;
    if (on === undefined || off === undefined) continue;
    const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
    lines.push(`| ${concurrency} | ${ratio(on.p50Ms, off.p50Ms)} | ${ratio(on.p99Ms, off.p99Ms)} | ${ratio(on.qps, off.qps)} |`);
  }
  return lines.join('\n');
}

await main();
