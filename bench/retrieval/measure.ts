import { readFileSync } from 'node:fs';

/** Latency percentiles and throughput of a timed loop. */
export interface Timing {
  qps: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `once(i)` for i < count on this thread and times each call. */
export function timeCalls(count: number, once: (i: number) => void): Timing {
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    once(i);
    latencies[i] = performance.now() - t;
  }
  return summarise(latencies, performance.now() - started);
}

/** Awaits `once(i)` for i < count, one at a time, and times each call. */
export async function timeAsyncCalls(count: number, once: (i: number) => Promise<unknown>): Promise<Timing> {
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await once(i);
    latencies[i] = performance.now() - t;
  }
  return summarise(latencies, performance.now() - started);
}

/** Percentiles of latencies (ms) and the rate they were served at over `elapsedMs`. */
export function summarise(latencies: Float64Array, elapsedMs: number): Timing {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { qps: (latencies.length / elapsedMs) * 1000, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** The share of `truth`'s first k ids that `found` holds. */
export function recallAt(found: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  const wanted = new Set<number>();
  for (let i = 0; i < k && i < truth.length; i++) wanted.add(truth[i]);
  let hits = 0;
  for (let i = 0; i < found.length && i < k; i++) if (wanted.has(found[i])) hits++;
  return hits / Math.max(1, wanted.size);
}

/** Why 100: Linux reports thread CPU times in USER_HZ ticks, 100 per second on every architecture Node runs on. */
const USER_HZ = 100;

/**
 * CPU time (user + system, µs) of the calling thread so far, from
 * /proc/thread-self/stat (10 ms resolution: measure over seconds); undefined
 * off Linux. process.cpuUsage() counts every thread, the index worker's too.
 */
export function threadCpuMicros(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // The fields after the command name (which may hold spaces), from field 3 (state): utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ;
}
