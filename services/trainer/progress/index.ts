export { formatDuration, formatStepProgress } from './format-progress.js';
export { PLAIN_STATUS_INTERVAL_MS, ProgressLine, TTY_REDRAW_INTERVAL_MS } from './progress-line.js';
export type { ProgressLineOptions } from './progress-line.js';
export { stderrProgress } from './stderr-progress.js';
