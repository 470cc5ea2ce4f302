import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { DestinationStream, Level, Logger as PinoLogger } from 'pino';

/** The dlrs logger: pino, JSON lines. Components log through `logger.child({ component })`. */
export type Logger = PinoLogger;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level; `silent` turns logging off. */
  level?: Level | 'silent';
  /** Where lines go; stdout when absent. Tests pass a memory sink. */
  destination?: DestinationStream;
  /** Bound to every line, e.g. `{ service: 'ranking' }`. */
  base?: Record<string, unknown>;
}

/** Fields that tie a log line to the active trace, when there is one. */
function traceFields(): Record<string, string> {
  const spanContext = trace.getSpanContext(context.active());
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** Creates the root logger of a process: JSON lines with ISO time, level names, and trace ids. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
