import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { deadServices } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { describeLoad, failedCalls, inFlightCapFor, runPhase, statusLine } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { startEdgeFlood } from './edge-flood.js';
import type { EdgeFloodOptions } from './edge-flood.js';
import { cpuSeconds } from './process-cpu.js';
import { mib, sampleRss } from './process-memory.js';

/** The gateway's Deployment: its container's memory limit is what the flood must stay under. */
const GATEWAY_MANIFEST = fileURLToPath(new URL('../../deploy/k8s/base/gateway.yaml', import.meta.url));
/** Each phase of legitimate load runs this long (the flood phase with the flood throughout). */
const PHASE_MS = 8000;
const WARMUP_MS = 500;
/** The legitimate p99 during the flood may be at most this many times its quiet value. */
const MAX_P99_FACTOR = 2;
const RSS_SAMPLE_MS = 100;
/** The gRPC status a call without a token gets. */
const GRPC_UNAUTHENTICATED = '16';
/**
 * The flood: 16 connections trying to keep 200 streams each (twice the public edge's default
 * limit) with bodies claiming 8 MiB (eight times the public message limit, half the internal
 * one) of which 64 KiB are sent, 4 connections sending complete 2 MiB bodies, 4 connections
 * pinging back to back; at most 2,000 connections and 200,000 streams in all, opened at up to
 * 500 streams and 10 connections a second. The rates bound the flood's own CPU: on two
 * shared cores an attacker opening streams as fast as it can takes a core from the gateway,
 * which no limit inside the gateway can give back (that is a network rate limiter's job).
 */
const FLOOD: Omit<EdgeFloodOptions, 'address'> = {
  streamConnections: 16,
  streamsPerConnection: 200,
  oversizedConnections: 4,
  bodyBytes: 8 * 2 ** 20,
  oversizedBodyBytes: 2 * 2 ** 20,
  sentBodyBytes: 64 * 1024,
  pingConnections: 4,
  pingsInFlight: 8,
  maxConnections: 2000,
  maxStreams: 200_000,
  streamsPerSecond: 500,
  connectionsPerSecond: 10,
};

const QUANTITY_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

/** A Kubernetes memory quantity (`1Gi`, `512Mi`, `1G`) in bytes. */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(k|M|G|Ki|Mi|Gi)?$/.exec(quantity.trim());
  if (match === null) throw new Error(`unreadable memory quantity '${quantity}'`);
  return Number(match[1]) * QUANTITY_UNITS[match[2] ?? ''];
}

/** The memory limit of the gateway container in deploy/k8s/base/gateway.yaml. */
async function gatewayMemoryLimitBytes(): Promise<{ bytes: number; quantity: string }> {
  for (const document of parseAllDocuments(await readFile(GATEWAY_MANIFEST, 'utf8'))) {
    const manifest = document.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { name?: string; resources?: { limits?: { memory?: string } } }[] } } } } | null;
    if (manifest?.kind !== 'Deployment') continue;
    const container = manifest.spec?.template?.spec?.containers?.find((c) => c.name === 'gateway');
    const quantity = container?.resources?.limits?.memory;
    if (quantity !== undefined) return { bytes: quantityBytes(quantity), quantity };
  }
  throw new Error(`no memory limit of a container 'gateway' in ${GATEWAY_MANIFEST}`);
}

function counts(record: Readonly<Record<string, number>>): string {
  return statusLine(record);
}

/**
 * Legitimate load at the fault share of capacity, first quiet, then with an unauthenticated
 * flood of the public port beside it (raw HTTP/2: connections × unfinished streams, oversized
 * bodies, ping floods): the legitimate p99 stays within 2x its quiet value, no legitimate call
 * fails, the gateway's RSS stays under its pod's memory limit, nothing ends.
 */
export async function edgeFloodDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps, topology } = context;
  const address = topology.gatewayAddress;
  const rps = context.faultLoadShare * capacityRps;
  const limit = await gatewayMemoryLimitBytes();
  const record = new DrillRecord(
    'edge flood',
    `open loop at ${context.faultLoadShare}x capacity (${Math.round(rps)}/s) with the API token, ${PHASE_MS / 1000} s quiet, then ${PHASE_MS / 1000} s beside a flood without tokens: ${FLOOD.streamConnections} connections x ${FLOOD.streamsPerConnection} streams with unfinished bodies claiming ${mib(FLOOD.bodyBytes)}, ${FLOOD.oversizedConnections} connections sending ${mib(FLOOD.oversizedBodyBytes)} bodies, ${FLOOD.pingConnections} connections pinging back to back (reconnecting when closed; at most ${FLOOD.streamsPerSecond} new streams and ${FLOOD.connectionsPerSecond} new connections a second, ${FLOOD.maxConnections} connections, ${FLOOD.maxStreams} streams)`,
    `legitimate p99 <= ${MAX_P99_FACTOR}x quiet, no legitimate call fails; every flood stream refused (UNAUTHENTICATED or reset), ping floods get GOAWAY; gateway RSS < the pod limit (${limit.quantity}, deploy/k8s/base/gateway.yaml); no process ends`,
  );
  const legitimate = (): ReturnType<typeof runPhase> =>
    runPhase({ address, metadata: topology.gatewayMetadata, messages: context.requests, rps, concurrency: inFlightCapFor(rps, deadlineMs), durationMs: PHASE_MS, timeoutMs: deadlineMs, warmupMs: WARMUP_MS });
  const gatewayCpu = (): Promise<number | undefined> => cpuSeconds(topology.service('gateway').process.pid);
  const quietCpuStart = await gatewayCpu();
  const quiet = await legitimate();
  const quietCpu = ((await gatewayCpu()) ?? 0) - (quietCpuStart ?? 0);
  record.note(`quiet: ${describeLoad(quiet)}`);

  const gatewayPid = (): ReadonlyMap<string, number | undefined> => new Map([['gateway', topology.service('gateway').process.pid]]);
  const sampler = sampleRss(gatewayPid, RSS_SAMPLE_MS);
  const floodCpuStart = await gatewayCpu();
  const ownCpuStart = process.cpuUsage();
  const flood = startEdgeFlood({ ...FLOOD, address });
  const loaded = await legitimate();
  const stats = await flood.stop();
  const floodCpu = ((await gatewayCpu()) ?? 0) - (floodCpuStart ?? 0);
  const ownCpu = process.cpuUsage(ownCpuStart);
  const peakRss = (await sampler.stop()).get('gateway');
  record.note(`during the flood: ${describeLoad(loaded)}`);
  record.note(`quiet p99 ${quiet.latency.p99Ms.toFixed(1)} ms, flood p99 ${loaded.latency.p99Ms.toFixed(1)} ms; gateway peak RSS ${mib(peakRss)} (limit ${limit.quantity})`);
  record.note(`CPU: gateway ${quietCpu.toFixed(1)} s quiet, ${floodCpu.toFixed(1)} s during the flood; the flood itself ${((ownCpu.user + ownCpu.system) / 1e6).toFixed(1)} s (each phase ${PHASE_MS / 1000} s)`);
  record.note(
    `flood: ${stats.connectionsOpened} connections opened (${stats.connectionsFailed} failed), GOAWAY ${counts(stats.goaways)}; ${stats.streamsOpened} streams opened: grpc-status ${counts(stats.grpcStatuses)}, reset ${counts(stats.streamResets)}, ${stats.streamsOpenAtStop} still open at the end; pings ${stats.pingsSent} sent, ${stats.pingsAnswered} answered`,
  );

  record.check(quiet.calls > 0 && failedCalls(quiet) === 0, `quiet: ${failedCalls(quiet)} of ${quiet.calls} calls failed (${statusLine(quiet.statusCounts)})`);
  record.check(loaded.latency.p99Ms <= MAX_P99_FACTOR * quiet.latency.p99Ms, `flood p99 ${loaded.latency.p99Ms.toFixed(1)} ms > ${MAX_P99_FACTOR} x quiet p99 ${quiet.latency.p99Ms.toFixed(1)} ms`);
  record.check(loaded.calls > 0 && failedCalls(loaded) === 0, `during the flood ${failedCalls(loaded)} of ${loaded.calls} legitimate calls failed (${statusLine(loaded.statusCounts)})`);
  record.check(peakRss !== undefined && peakRss < limit.bytes, `gateway peak RSS ${mib(peakRss)} >= the pod limit ${limit.quantity}`);
  const answeredOtherwise = Object.entries(stats.grpcStatuses).filter(([status]) => status !== GRPC_UNAUTHENTICATED);
  record.check((stats.grpcStatuses[GRPC_UNAUTHENTICATED] ?? 0) > 0, `no flood stream was answered UNAUTHENTICATED (${stats.streamsOpened} opened)`);
  record.check(answeredOtherwise.length === 0, `flood streams answered with grpc-status ${answeredOtherwise.map(([status, n]) => `${status} (${n})`).join(', ')} instead of UNAUTHENTICATED`);
  record.check((stats.goaways.ENHANCE_YOUR_CALM ?? 0) > 0, `no ping flood got GOAWAY ENHANCE_YOUR_CALM (${stats.pingsSent} pings sent)`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
