// The ranking server as a benchmark target, in its own process: a bundle as `dlrs serve ranking`
// serves it, or (without --bundle) a RankNet with the contract's architecture and random weights
// beside tiny UserNet; configured by DLRS_* variables. With --echo, a
// Ranking server on the same gRPC wrapper that answers every Rank with ready scores, without
// parsing or inference: the transport's own ceiling for requests of this size.
// Started by service-load.ts over IPC: it answers 'stats' with what happened since the last
// 'stats' (event-loop delay, process CPU, main-thread busy time, inference time, batches).
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createLogger } from '../../shared/logging/index.js';
import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse } from '../../shared/generated/dlrs/v1/RankResponse.js';
import type { RankStreamRequest__Output } from '../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import { bidi, createGrpcServer, unary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { loadRankingConfig } from '../../services/ranking/config.js';
import { describeBundle } from '../../services/ranking/model/bundle-description.js';
import { startRankingServer } from '../../services/ranking/server.js';
import type { BundleDescriber } from '../../services/ranking/server.js';
import { tinyDescription, writeTinyModels } from '../../services/ranking/testing/tiny-serving.js';
import { benchRankNet } from './bench-model.js';

/** The event-loop delay histogram's resolution: fine enough for a 5 ms goal. */
const EVENT_LOOP_RESOLUTION_MS = 1;

/** What the server reports per measured interval. */
export interface BenchServerStats {
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Process CPU time (all threads). */
  cpuMs: number;
  /** Main-thread busy time (event-loop utilisation × wall time: it counts the time the thread waits for a core too). */
  mainBusyMs: number;
  /** Main-thread CPU time (Linux: the thread's utime + stime; undefined elsewhere). */
  mainCpuMs: number | undefined;
  /** Minor GCs (scavenges) of the main thread's heap, and their total pause: the cost of its allocation. */
  scavenges: number;
  scavengeMs: number;
  /** Time the inference workers spent running batches. */
  inferenceMs: number;
  /** Batches run per network (`rank`, `user`), and their rows. */
  batches: Record<string, BatchTotals>;
}

/** Batches run and their rows. */
export interface BatchTotals {
  batches: number;
  rows: number;
}

/** Linux's clock ticks per second (USER_HZ), the unit of /proc's CPU times. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The main thread's CPU time in ms from /proc (its task id is the process id), undefined where there is no /proc. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const { values } = parseArgs({ options: { bundle: { type: 'string' }, dim: { type: 'string', default: '64' }, echo: { type: 'boolean', default: false } } });
const dim = Number(values.dim);
const config = loadRankingConfig();
const logger = createLogger({ level: 'warn' });

interface Target {
  port: number;
  metricsPort: number;
  inferenceUs(): number;
  close(): Promise<void>;
}

/** The ranking service on the bundle, or on the contract-shaped RankNet and tiny UserNet. */
async function serveRanking(): Promise<Target> {
  let remove = (): void => undefined;
  let describe: BundleDescriber = describeBundle;
  if (values.bundle === undefined) {
    const rankNet = benchRankNet(undefined, dim);
    const tiny = writeTinyModels(dim);
    const description = { ...tinyDescription(tiny, dim, 1), rankNet: rankNet.path, modelVersion: 'bench' };
    describe = async () => description;
    remove = () => {
      tiny.remove();
      rankNet.remove();
    };
  }
  const ranking = await startRankingServer({ config, logger, bundlePath: values.bundle ?? '', describe });
  if (ranking.service.model.info.dim !== dim) throw new Error(`the bundle's d is ${ranking.service.model.info.dim}; pass --dim ${ranking.service.model.info.dim}`);
  return {
    port: ranking.port,
    metricsPort: ranking.metricsPort,
    inferenceUs: () => ranking.service.model.pool.stats().busyUs,
    async close() {
      await ranking.close('benchmark done');
      remove();
    },
  };
}

/** A Ranking server that answers Rank with ready scores: gRPC, protobuf and the shared wrapper, nothing else. */
async function serveEcho(): Promise<Target> {
  const scores = Buffer.alloc(4 * config.maxCandidates);
  const answer = (request: RankRequest__Output): RankResponse => ({ requestId: request.requestId, modelVersion: 'echo', scores: scores.subarray(0, request.itemBiases.byteLength) });
  const protos = loadProtos();
  const server = createGrpcServer({
    logger,
    config,
    packageDefinitions: [protos.packageDefinition],
    name: 'ranking-echo',
    services: [
      {
        definition: protos.grpcObject.dlrs.v1.Ranking.service,
        implementation: {
          EmbedUsers: unary(async () => ({})),
          Rank: unary(async (request: RankRequest__Output) => answer(request)),
          RankStream: bidi<RankStreamRequest__Output, RankStreamResponse>(async (requests, writer) => {
            for await (const message of requests) if (message.rank) await writer.write({ requestId: message.requestId, rank: answer(message.rank) });
          }),
          GetModel: unary(async () => ({})),
          LoadModel: unary(async () => ({})),
        },
      },
    ],
  });
  const { port, metricsPort } = await server.start();
  server.setReady(true);
  return { port, metricsPort, inferenceUs: () => 0, close: () => server.shutdown('benchmark done') };
}

/** Sum and count of the batch-size histogram per network, read from /metrics. */
async function batchTotals(metricsPort: number): Promise<Record<string, BatchTotals>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const read = (network: string, suffix: string): number =>
    Number(new RegExp(`^dlrs_ranking_batch_rows_${suffix}\\{[^}]*network="${network}"[^}]*\\} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  return Object.fromEntries(['rank', 'user'].map((network) => [network, { batches: read(network, 'count'), rows: read(network, 'sum') }]));
}

/** What happened between two readings of the batch totals. */
function batchesSince(now: Record<string, BatchTotals>, then: Record<string, BatchTotals>): Record<string, BatchTotals> {
  return Object.fromEntries(Object.entries(now).map(([network, totals]) => [network, { batches: totals.batches - (then[network]?.batches ?? 0), rows: totals.rows - (then[network]?.rows ?? 0) }]));
}

const target = values.echo ? await serveEcho() : await serveRanking();
const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
delay.enable();

// Scavenges counted from the GC entries, reset at every 'stats'.
const gc = { scavenges: 0, scavengeMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== perfConstants.NODE_PERFORMANCE_GC_MINOR) continue;
    gc.scavenges += 1;
    gc.scavengeMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

let mark = { cpu: process.cpuUsage(), mainCpuMs: mainThreadCpuMs(), elu: performance.eventLoopUtilization(), inferenceUs: target.inferenceUs(), batches: await batchTotals(target.metricsPort) };
process.on('message', (message: string) => {
  if (message === 'stats') {
    void batchTotals(target.metricsPort).then((batches) => {
      const cpu = process.cpuUsage(mark.cpu);
      const elu = performance.eventLoopUtilization(mark.elu);
      const inferenceUs = target.inferenceUs();
      const mainCpuMs = mainThreadCpuMs();
      const stats: BenchServerStats = {
        eventLoopP99Ms: delay.percentile(99) / 1e6,
        eventLoopMaxMs: delay.max / 1e6,
        cpuMs: (cpu.user + cpu.system) / 1000,
        mainBusyMs: elu.active,
        mainCpuMs: mainCpuMs === undefined || mark.mainCpuMs === undefined ? undefined : mainCpuMs - mark.mainCpuMs,
        ...gc,
        inferenceMs: (inferenceUs - mark.inferenceUs) / 1000,
        batches: batchesSince(batches, mark.batches),
      };
      gc.scavenges = 0;
      gc.scavengeMs = 0;
      mark = { cpu: process.cpuUsage(), mainCpuMs, elu: performance.eventLoopUtilization(), inferenceUs, batches };
      delay.reset();
      process.send?.(stats);
    });
  } else if (message === 'stop') {
    void target.close().then(() => process.exit(0));
  }
});
process.send?.({ port: target.port });
