import { performance } from 'node:perf_hooks';
import type { Client } from '@grpc/grpc-js';
import { createCallTarget, openClients, waitForClients } from './call-target.js';
import type { CallOutcome, CallTarget } from './call-target.js';
import { LatencyRecorder } from './latency-recorder.js';
import type { LatencySummary } from './latency-recorder.js';
import type { LoadConfig } from './load-config.js';
import { OpenLoopSchedule, latencyFromScheduleMs } from './open-loop-schedule.js';

/** What a run measured; calls of the warm-up (skipFirst, warmupMs) are counted apart and left out of everything else. */
export interface LoadResult {
  name: string;
  call: string;
  host: string;
  mode: 'closed-loop' | 'open-loop';
  concurrency: number;
  connections: number;
  /** The open loop's target rate. */
  targetRps: number | undefined;
  /** Calls measured. */
  calls: number;
  /** Calls of the warm-up, not measured. */
  warmupCalls: number;
  /** From the first measured call's start (or due time) to the last completion. */
  elapsedMs: number;
  /** Measured calls per second over elapsedMs. */
  ratePerSecond: number;
  latency: LatencySummary;
  /** Measured calls by final gRPC status name. */
  statusCounts: Record<string, number>;
  /** Answers received on streams (0 for unary calls). */
  streamMessages: number;
  /** Stream answers that carried an error status, by status name. */
  messageErrors: Record<string, number>;
  /** Answers decoded and inspected (0 with decodeAnswers off, for unary calls). */
  answersInspected: number;
  /** Inspected answers flagged degraded, by their reasons. */
  degradedAnswers: Record<string, number>;
  /** Open loop: the longest a call waited past its due time before it was sent (the generator or the in-flight cap falling behind). */
  maxSendLagMs: number;
  /** CPU (user + system, all threads) of this generator per call, warm-up included: what the load itself takes from a shared machine. */
  cpuMsPerCall: number;
}

function addCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

/** Bookkeeping shared by both loops. */
class Measurement {
  readonly recorder = new LatencyRecorder();
  warmupCalls = 0;
  streamMessages = 0;
  readonly messageErrors = new Map<string, number>();
  readonly degradedAnswers = new Map<string, number>();
  answersInspected = 0;
  firstMeasuredMs = Infinity;
  lastCompletedMs = 0;
  maxSendLagMs = 0;

  constructor(private readonly config: LoadConfig) {}

  /**
   * Records call n, which was started (closed loop) or due (open loop) at `fromMs`, `offsetMs`
   * into the run (given apart: the schedule knows it exactly, a difference of clock readings
   * would round a call due at the end of the warm-up into it).
   */
  complete(n: number, fromMs: number, offsetMs: number, outcome: CallOutcome): void {
    const nowMs = performance.now();
    if (n < this.config.skipFirst || offsetMs < this.config.warmupMs) {
      this.warmupCalls++;
      return;
    }
    this.recorder.record(latencyFromScheduleMs(fromMs, nowMs), outcome.status);
    if (fromMs < this.firstMeasuredMs) this.firstMeasuredMs = fromMs;
    this.lastCompletedMs = nowMs;
    this.streamMessages += outcome.streamMessages;
    this.answersInspected += outcome.streamMessages > 0 ? outcome.streamMessages : outcome.status === 'OK' && this.config.decodeAnswers ? 1 : 0;
    if (outcome.messageErrors) addCounts(this.messageErrors, outcome.messageErrors);
    if (outcome.degraded) addCounts(this.degradedAnswers, outcome.degraded);
  }
}

interface Loop {
  config: LoadConfig;
  target: CallTarget;
  clients: Client[];
  measurement: Measurement;
  startMs: number;
}

/** A fixed number of workers, each sending its next call when the previous one completes. */
function closedLoop({ config, target, clients, measurement, startMs }: Loop): Promise<void> {
  const endMs = config.durationMs === undefined ? Infinity : startMs + config.durationMs;
  const total = config.total ?? Infinity;
  let issued = 0;
  let active = config.concurrency;
  return new Promise((resolve) => {
    const next = (worker: number): void => {
      const sentMs = performance.now();
      if (issued >= total || sentMs >= endMs) {
        if (--active === 0) resolve();
        return;
      }
      const n = issued++;
      target.start(clients[worker % clients.length], { requestNumber: n, workerId: worker }, Date.now() + config.timeoutMs, (outcome) => {
        measurement.complete(n, sentMs, sentMs - startMs, outcome);
        next(worker);
      });
    };
    for (let worker = 0; worker < config.concurrency; worker++) next(worker);
  });
}

/**
 * Calls sent on a fixed timeline whatever the answers do. At most `concurrency` calls are in
 * flight (bounded memory); a due call beyond that waits, and its wait counts in its latency.
 */
function openLoop({ config, target, clients, measurement, startMs }: Loop, rps: number): Promise<void> {
  const schedule = new OpenLoopSchedule(rps, startMs);
  const limit = config.total ?? schedule.callsWithin(config.durationMs ?? 0);
  let next = 0;
  let inFlight = 0;
  let blocked = false;
  return new Promise((resolve) => {
    const pump = (): void => {
      blocked = false;
      const nowMs = performance.now();
      const due = Math.min(limit, schedule.dueCount(nowMs));
      while (next < due && inFlight < config.concurrency) {
        const n = next++;
        const dueMs = schedule.scheduledAtMs(n);
        if (nowMs - dueMs > measurement.maxSendLagMs) measurement.maxSendLagMs = nowMs - dueMs;
        inFlight++;
        target.start(clients[n % clients.length], { requestNumber: n, workerId: n % config.concurrency }, Date.now() + config.timeoutMs, (outcome) => {
          inFlight--;
          measurement.complete(n, dueMs, schedule.offsetMs(n), outcome);
          if (blocked) pump();
          else if (next >= limit && inFlight === 0) resolve();
        });
      }
      if (next >= limit) {
        if (inFlight === 0) resolve();
        return;
      }
      if (inFlight >= config.concurrency) {
        blocked = true;
        return;
      }
      setTimeout(pump, Math.max(0, schedule.scheduledAtMs(next) - performance.now()));
    };
    pump();
  });
}

function cpuMsPer({ user, system }: NodeJS.CpuUsage, calls: number): number {
  return calls === 0 ? 0 : (user + system) / 1000 / calls;
}

/** Runs the load described by `config` against its host and returns what it measured. */
export async function runLoad(config: LoadConfig): Promise<LoadResult> {
  const target = createCallTarget(config.call, config.messages, config.metadata, config.decodeAnswers);
  const clients = openClients(config.host, config.connections);
  try {
    await waitForClients(clients, config.host, config.connectTimeoutMs);
    const cpuBefore = process.cpuUsage();
    const startMs = performance.now();
    const measurement = new Measurement(config);
    const loop = { config, target, clients, measurement, startMs };
    await (config.rps === undefined ? closedLoop(loop) : openLoop(loop, config.rps));
    const { recorder } = measurement;
    const elapsedMs = recorder.count === 0 ? 0 : measurement.lastCompletedMs - measurement.firstMeasuredMs;
    return {
      name: config.name,
      call: config.call,
      host: config.host,
      mode: config.rps === undefined ? 'closed-loop' : 'open-loop',
      concurrency: config.concurrency,
      connections: config.connections,
      targetRps: config.rps,
      calls: recorder.count,
      warmupCalls: measurement.warmupCalls,
      elapsedMs,
      ratePerSecond: elapsedMs > 0 ? (recorder.count * 1000) / elapsedMs : 0,
      latency: recorder.summary(),
      statusCounts: Object.fromEntries(recorder.statusCounts),
      streamMessages: measurement.streamMessages,
      messageErrors: Object.fromEntries(measurement.messageErrors),
      answersInspected: measurement.answersInspected,
      degradedAnswers: Object.fromEntries(measurement.degradedAnswers),
      maxSendLagMs: measurement.maxSendLagMs,
      cpuMsPerCall: cpuMsPer(process.cpuUsage(cpuBefore), recorder.count + measurement.warmupCalls),
    };
  } finally {
    for (const client of clients) client.close();
  }
}
