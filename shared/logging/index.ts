export { createLogger } from './create-logger.js';
export type { Logger, LoggerOptions } from './create-logger.js';
export { createMemorySink } from './memory-sink.js';
export type { MemorySink } from './memory-sink.js';
