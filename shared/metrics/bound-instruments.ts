import { ValueType } from '@opentelemetry/api';
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { CollectionResult, MetricData, MetricProducer } from '@opentelemetry/sdk-metrics';

/** One label set of a bound histogram: recording is a bucket search and three additions. */
export interface HistogramSeries {
  /** Records one value; negative and NaN values are dropped, as the metrics SDK does. */
  record(value: number): void;
}

/** One label set of a bound counter. */
export interface CounterSeries {
  /** Adds a non-negative amount; negative and NaN amounts are dropped, as the metrics SDK does. */
  add(value: number): void;
}

/** A histogram whose label sets are bound once, so hot paths record without hashing labels. */
export interface BoundHistogram<A extends Attributes = Attributes> {
  /** The series of `labels`; equal label sets share one series. */
  series(labels: A): HistogramSeries;
}

/** A monotonic counter whose label sets are bound once, so hot paths add without hashing labels. */
export interface BoundCounter<A extends Attributes = Attributes> {
  /** The series of `labels`; equal label sets share one series. */
  series(labels: A): CounterSeries;
}

function nowHrTime(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

class HistogramCells implements HistogramSeries {
  readonly counts: number[];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(
    readonly labels: Attributes,
    private readonly boundaries: readonly number[],
  ) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  record(value: number): void {
    if (!(value >= 0)) return;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    // The first boundary at or above the value (inclusive upper bounds, like the SDK).
    const boundaries = this.boundaries;
    let lo = 0;
    let hi = boundaries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (boundaries[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]++;
  }
}

class CounterCell implements CounterSeries {
  value = 0;
  touched = false;

  constructor(readonly labels: Attributes) {}

  add(value: number): void {
    if (!(value >= 0)) return;
    this.value += value;
    this.touched = true;
  }
}

/** The label sets of one instrument by a key independent of the labels' key order (made once per series). */
class SeriesByLabels<C> {
  private readonly byKey = new Map<string, C>();
  readonly all: C[] = [];

  constructor(private readonly make: (labels: Attributes) => C) {}

  get(labels: Attributes): C {
    const key = JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
    let cell = this.byKey.get(key);
    if (cell === undefined) {
      // A copy: a caller changing its object later must not relabel the series.
      cell = this.make({ ...labels });
      this.byKey.set(key, cell);
      this.all.push(cell);
    }
    return cell;
  }
}

/**
 * Bound histograms and counters aggregated here instead of in the metrics SDK (which hashes and
 * sorts a record's labels on every call), read by the Prometheus exporter as an extra metric
 * producer. Their series appear in the scrape exactly as the SDK's cumulative instruments would
 * show them: a series is listed from its first record on.
 */
export class BoundInstruments implements MetricProducer {
  private readonly histograms: { name: string; description: string; boundaries: number[]; series: SeriesByLabels<HistogramCells> }[] = [];
  private readonly counters: { name: string; description: string; series: SeriesByLabels<CounterCell> }[] = [];
  private readonly startTime = nowHrTime();

  constructor(private readonly resource: Resource) {}

  /** A histogram with explicit bucket boundaries (inclusive upper bounds). */
  histogram<A extends Attributes>(name: string, description: string, boundaries: readonly number[]): BoundHistogram<A> {
    const copied = [...boundaries];
    const series = new SeriesByLabels((labels) => new HistogramCells(labels, copied));
    this.histograms.push({ name, description, boundaries: copied, series });
    return { series: (labels) => series.get(labels) };
  }

  /** A monotonic counter (shown as `<name>_total`). */
  counter<A extends Attributes>(name: string, description: string): BoundCounter<A> {
    const series = new SeriesByLabels((labels) => new CounterCell(labels));
    this.counters.push({ name, description, series });
    return { series: (labels) => series.get(labels) };
  }

  collect(): Promise<CollectionResult> {
    const endTime = nowHrTime();
    const startTime = this.startTime;
    const metrics: MetricData[] = [];
    for (const { name, description, series } of this.counters) {
      const touched = series.all.filter((cell) => cell.touched);
      if (touched.length === 0) continue;
      metrics.push({
        descriptor: { name, description, unit: '', valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: touched.map((cell) => ({ startTime, endTime, attributes: cell.labels, value: cell.value })),
      });
    }
    for (const { name, description, boundaries, series } of this.histograms) {
      const recorded = series.all.filter((cell) => cell.count > 0);
      if (recorded.length === 0) continue;
      metrics.push({
        descriptor: { name, description, unit: '', valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: recorded.map((cell) => ({
          startTime,
          endTime,
          attributes: cell.labels,
          value: { buckets: { boundaries, counts: [...cell.counts] }, count: cell.count, sum: cell.sum, min: cell.min, max: cell.max },
        })),
      });
    }
    return Promise.resolve({ resourceMetrics: { resource: this.resource, scopeMetrics: [{ scope: { name: 'dlrs' }, metrics }] }, errors: [] });
  }
}
