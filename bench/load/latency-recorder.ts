import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latencies are recorded in microseconds: 3 significant digits keep 1 µs resolution below 1 ms. */
const MICROS_PER_MS = 1000;
/** Three significant digits: percentiles within 0.1 %, in a few tens of kB. */
const SIGNIFICANT_DIGITS = 3;

/** Latency percentiles of the recorded calls, in milliseconds. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** An HDR histogram of call latencies and the calls' status codes. */
export class LatencyRecorder {
  private readonly histogram: Histogram = hdr.build({ numberOfSignificantValueDigits: SIGNIFICANT_DIGITS, autoResize: true });
  /** Calls by gRPC status name (OK included). */
  readonly statusCounts = new Map<string, number>();

  /** Records one call: its latency (ms) and final status name. */
  record(latencyMs: number, status: string): void {
    this.histogram.recordValue(Math.max(1, Math.round(latencyMs * MICROS_PER_MS)));
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
  }

  /** Number of calls recorded. */
  get count(): number {
    return this.histogram.totalCount;
  }

  /** The percentiles; zeros when nothing was recorded. */
  summary(): LatencySummary {
    const h = this.histogram;
    const at = (percentile: number) => h.getValueAtPercentile(percentile) / MICROS_PER_MS;
    return {
      count: h.totalCount,
      meanMs: h.totalCount === 0 ? 0 : h.mean / MICROS_PER_MS,
      p50Ms: at(50),
      p90Ms: at(90),
      p99Ms: at(99),
      p999Ms: at(99.9),
      maxMs: h.maxValue / MICROS_PER_MS,
    };
  }
}
