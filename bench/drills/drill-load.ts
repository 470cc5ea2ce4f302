import type { LoadResult } from '../load/load-runner.js';
import type { LoadConfig } from '../load/load-config.js';
import { spawnLoadProcess } from './load-process.js';
import type { LoadProcess } from './load-process.js';

/** The load generator waits this long for its connections; the services run on the same host. */
const CONNECT_TIMEOUT_MS = 5000;
/** Connections the load is spread over: more than one, as real clients would be. */
const CONNECTIONS = 4;

/** One phase of load on the gateway. */
export interface LoadPhase {
  address: string;
  /** Sent with every call: the API token (the topology's `gatewayMetadata`). */
  metadata: Readonly<Record<string, string>>;
  /** `dlrs.v1.Recommender.Recommend` unless said otherwise. */
  call?: string;
  messages: readonly unknown[];
  /** Open loop at this rate; a closed loop at `concurrency` when undefined. */
  rps?: number;
  /** Closed loop: calls in flight; open loop: the cap on them. */
  concurrency: number;
  durationMs: number;
  /** Deadline of each call. */
  timeoutMs: number;
  warmupMs?: number;
}

let generator: LoadProcess | undefined;

/** Ends the load generator's process, if one was started; safe to call twice. */
export async function closeLoadGenerator(): Promise<void> {
  await generator?.close();
  generator = undefined;
}

/** Runs one phase with the load generator of `dlrs bench load` (bench/load), in a process of its own started on first use. */
export function runPhase(phase: LoadPhase): Promise<LoadResult> {
  const config: LoadConfig = {
    name: 'drill',
    call: phase.call ?? 'dlrs.v1.Recommender.Recommend',
    host: phase.address,
    concurrency: phase.concurrency,
    connections: CONNECTIONS,
    total: undefined,
    durationMs: phase.durationMs,
    rps: phase.rps,
    skipFirst: 0,
    warmupMs: phase.warmupMs ?? 0,
    timeoutMs: phase.timeoutMs,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    messages: phase.messages,
    metadata: phase.metadata,
    decodeAnswers: true,
  };
  generator ??= spawnLoadProcess();
  return generator.run(config);
}

/** The in-flight cap of an open loop at `rps` whose calls last up to `timeoutMs`: room for all of them, twice over, so that the generator never limits the rate. */
export function inFlightCapFor(rps: number, timeoutMs: number): number {
  return Math.max(16, Math.ceil((2 * rps * timeoutMs) / 1000));
}

/** Calls that did not end OK. */
export function failedCalls(result: LoadResult): number {
  return result.calls - (result.statusCounts.OK ?? 0);
}

/** Answers flagged degraded (any reason). */
export function degradedCount(result: LoadResult): number {
  return Object.values(result.degradedAnswers).reduce((sum, n) => sum + n, 0);
}

/** `OK 1200, RESOURCE_EXHAUSTED 30` */
export function statusLine(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts).map(([status, n]) => `${status} ${n}`).join(', ') || 'none';
}

/** `1,200 calls at 240/s, p99 12 ms; OK 1200; degraded: SHARD_UNAVAILABLE 3` */
export function describeLoad(result: LoadResult): string {
  const degraded = Object.keys(result.degradedAnswers).length === 0 ? '' : `; degraded ${statusLine(result.degradedAnswers)}`;
  return `${result.calls} calls at ${Math.round(result.ratePerSecond)}/s, p50 ${result.latency.p50Ms.toFixed(1)} ms, p99 ${result.latency.p99Ms.toFixed(1)} ms; ${statusLine(result.statusCounts)}${degraded}`;
}
