import { DiagLogLevel, context, diag, propagation, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { processEnv } from '../config/index.js';
import type { Env } from '../config/index.js';
import type { Logger } from '../logging/index.js';

/** A running telemetry setup. */
export interface Telemetry {
  /** Flushes pending spans and unregisters the global providers; safe to call twice. */
  shutdown(): Promise<void>;
}

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  serviceName: string;
  logger: Logger;
  /** The OTEL_* variables; the process environment when absent. */
  env?: Env;
  /** Replaces the exporters the OTEL_* variables would choose (tests pass an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

/** Variables whose presence turns trace export on; without them dlrs exports nothing. */
const EXPORT_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/**
 * Starts OpenTelemetry tracing for a process: W3C trace context propagation
 * (or what OTEL_PROPAGATORS selects), sampling from OTEL_TRACES_SAMPLER(_ARG),
 * and span export only when OTEL_TRACES_EXPORTER or an OTLP endpoint is set.
 * Call it before importing @grpc/grpc-js. A bad OTEL_* value is logged as a
 * warning and the SDK falls back to its default; telemetry never stops the service.
 * Metrics are not exported here: each service serves Prometheus text (shared/metrics).
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const env = options.env ?? processEnv();
  const logger = options.logger.child({ component: 'telemetry' });
  diag.setLogger(
    {
      error: (message, ...args) => logger.warn({ detail: args }, message),
      warn: (message, ...args) => logger.warn({ detail: args }, message),
      info: (message) => logger.debug(message),
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const exportConfigured = EXPORT_VARIABLES.some((name) => (env[name] ?? '') !== '');
  let sdk: NodeSDK | undefined;
  try {
    sdk = new NodeSDK({
      serviceName: options.serviceName,
      // undefined lets the SDK build exporters from OTEL_*; an empty list registers no tracer (no overhead).
      spanProcessors: options.spanProcessors ?? (exportConfigured ? undefined : []),
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    logger.info({ exportConfigured, testExporter: options.spanProcessors !== undefined }, 'telemetry started');
  } catch (error) {
    logger.warn({ err: error }, 'telemetry could not start; continuing without tracing');
    sdk = undefined;
  }
  let stopped: Promise<void> | undefined;
  return {
    shutdown() {
      stopped ??= (async () => {
        try {
          await sdk?.shutdown();
        } catch (error) {
          logger.warn({ err: error }, 'telemetry shutdown failed');
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          diag.disable();
        }
      })();
      return stopped;
    },
  };
}
