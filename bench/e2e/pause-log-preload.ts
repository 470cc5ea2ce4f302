// Preloaded into each service (NODE_OPTIONS=--import) by benchmarks that look for latency
// spikes: records event-loop delay and GC pauses, and on SIGUSR2 writes what it saw since the
// previous SIGUSR2 as one JSON line to DLRS_BENCH_PAUSE_LOG_DIR/<service>-<pid>.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const dir = process.env.DLRS_BENCH_PAUSE_LOG_DIR;
if (dir !== undefined && dir !== '') {
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const file = join(dir, `${process.argv.slice(2, 4).join('-')}-${process.pid}.jsonl`);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gc: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = kinds[detail?.kind ?? -1] ?? 'other';
      const stats = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      stats.count++;
      stats.totalMs += entry.duration;
      stats.maxMs = Math.max(stats.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    mkdirSync(dir, { recursive: true });
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    appendFileSync(file, `${JSON.stringify({ atMs: Date.now(), loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), p999: ms(loop.percentile(99.9)), max: ms(loop.max) }, gc, heapMb: Math.round(process.memoryUsage().heapUsed / 1e6), newSpaceMb: Math.round((getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 1e6) })}\n`);
    loop.reset();
    gc = {};
  });
}
