import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Counter, Gauge, Histogram } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { BoundInstruments } from './bound-instruments.js';
import type { BoundCounter, BoundHistogram } from './bound-instruments.js';

/** Suffixes a histogram or gauge name must end with, so the unit is in the name. */
export const METRIC_UNIT_SUFFIXES = ['_seconds', '_bytes', '_rows', '_items', '_ratio', '_requests', '_streams', '_info'] as const;

/** Latency buckets from 0.5 ms to 10 s: dlrs calls sit between a map lookup and a model batch. */
export const DEFAULT_SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A service's metrics: instruments named `dlrs_*`, read out as Prometheus text. */
export interface MetricsRegistry {
  /** A monotonic counter; Prometheus shows it as `<name>_total`, so `name` must not end in `_total`. */
  counter<A extends Attributes = Attributes>(name: string, description: string): Counter<A>;
  /** A histogram; `name` ends with its unit (`dlrs_rank_batch_rows`, `dlrs_rpc_duration_seconds`). */
  histogram<A extends Attributes = Attributes>(name: string, description: string, bucketBoundaries?: readonly number[]): Histogram<A>;
  /**
   * A histogram for per-request records: label sets are bound once with `series(labels)` and
   * recording skips the SDK's label hashing; named and shown like {@link histogram}.
   */
  boundHistogram<A extends Attributes = Attributes>(name: string, description: string, bucketBoundaries?: readonly number[]): BoundHistogram<A>;
  /** A monotonic counter for per-request adds, bound like {@link boundHistogram}; named and shown like {@link counter}. */
  boundCounter<A extends Attributes = Attributes>(name: string, description: string): BoundCounter<A>;
  /** A gauge set to the latest value; `name` ends with its unit (`dlrs_index_items`). */
  gauge<A extends Attributes = Attributes>(name: string, description: string): Gauge<A>;
  /** Answers a scrape with the Prometheus text format. */
  handleScrape(request: IncomingMessage, response: ServerResponse): void;
  /** Stops the instruments; safe to call twice. */
  shutdown(): Promise<void>;
}

function checkName(name: string, kind: 'counter' | 'histogram' | 'gauge'): void {
  if (!/^dlrs_[a-z][a-z0-9_]*$/.test(name)) {
    throw new Error(`metric name "${name}" must match dlrs_[a-z][a-z0-9_]*`);
  }
  if (kind === 'counter' && name.endsWith('_total')) {
    throw new Error(`counter "${name}" must not end in _total: the Prometheus exporter appends it`);
  }
  if (kind !== 'counter' && !METRIC_UNIT_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    throw new Error(`${kind} "${name}" must end with its unit, one of ${METRIC_UNIT_SUFFIXES.join(', ')}`);
  }
}

/**
 * Creates the metrics of one service on the OpenTelemetry metrics SDK, read by
 * the Prometheus exporter's request handler (its own HTTP server stays off; see
 * startMetricsServer). The provider is not registered globally, so several
 * servers in one process (tests) keep separate metrics.
 */
export function createMetricsRegistry(options: { serviceName: string }): MetricsRegistry {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName });
  const bound = new BoundInstruments(resource);
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, metricProducers: [bound] });
  const provider = new MeterProvider({ resource, readers: [exporter] });
  const meter = provider.getMeter('dlrs');
  let stopped: Promise<void> | undefined;
  return {
    counter(name, description) {
      checkName(name, 'counter');
      return meter.createCounter(name, { description });
    },
    histogram(name, description, bucketBoundaries = DEFAULT_SECONDS_BUCKETS) {
      checkName(name, 'histogram');
      return meter.createHistogram(name, { description, advice: { explicitBucketBoundaries: [...bucketBoundaries] } });
    },
    boundHistogram(name, description, bucketBoundaries = DEFAULT_SECONDS_BUCKETS) {
      checkName(name, 'histogram');
      return bound.histogram(name, description, bucketBoundaries);
    },
    boundCounter(name, description) {
      checkName(name, 'counter');
      return bound.counter(name, description);
    },
    gauge(name, description) {
      checkName(name, 'gauge');
      return meter.createGauge(name, { description });
    },
    handleScrape(request, response) {
      exporter.getMetricsRequestHandler(request, response);
    },
    shutdown() {
      stopped ??= provider.shutdown();
      return stopped;
    },
  };
}
