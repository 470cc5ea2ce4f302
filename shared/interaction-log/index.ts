export { parseInteractionLogRecord } from './interaction-log-record.js';
export type { InteractionLogRecord, LoggedImpression, LoggedInteraction, LoggedItemDelete, LoggedItemUpsert } from './interaction-log-record.js';
export {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_MAX_FILE_AGE_MS,
  DEFAULT_MAX_FILE_BYTES,
  InteractionLogWriter,
} from './interaction-log-writer.js';
export { interactionLogFileName, parseInteractionLogFileName } from './interaction-log-file-name.js';
export { DEFAULT_MAX_TOTAL_BYTES, DEFAULT_RETENTION_MS, applyInteractionLogRetention } from './interaction-log-retention.js';
export type { InteractionLogRetention, RetentionResult } from './interaction-log-retention.js';
export type { InteractionLogWriterOptions, InteractionLogWriterStats } from './interaction-log-writer.js';
export { listInteractionLogFiles, readInteractionLog } from './read-interaction-log.js';
export type { ReadInteractionLogOptions } from './read-interaction-log.js';
export { onlineMetrics } from './online-metrics.js';
export type { OnlineMetricsOptions, VersionOnlineMetrics } from './online-metrics.js';
