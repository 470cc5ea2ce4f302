export { startTelemetry } from './start-telemetry.js';
export type { Telemetry, TelemetryOptions } from './start-telemetry.js';
export { startInMemoryTracing } from './in-memory-tracing.js';
export type { InMemoryTracing } from './in-memory-tracing.js';
export { isUnsampled } from './is-unsampled.js';
