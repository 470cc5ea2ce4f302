export { parseInteractionLogRecord } from './interaction-log-record.js';
export type { InteractionLogRecord, LoggedImpression, LoggedInteraction } from './interaction-log-record.js';
export {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_MAX_FILE_AGE_MS,
  DEFAULT_MAX_FILE_BYTES,
  InteractionLogWriter,
  interactionLogFileName,
} from './interaction-log-writer.js';
export type { InteractionLogWriterOptions, InteractionLogWriterStats } from './interaction-log-writer.js';
export { listInteractionLogFiles, readInteractionLog } from './read-interaction-log.js';
