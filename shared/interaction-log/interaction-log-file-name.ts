/** `interactions-<UTC start>-<writer id>-<seq>.jsonl`; a writer id has no `-`. */
const LOG_FILE_PATTERN = /^interactions-(\d{8}T\d{9}Z)-([A-Za-z0-9_.]+)-(\d{6,})\.jsonl$/;

/**
 * The file name of a log file: `interactions-<UTC start, yyyymmddThhmmssSSSZ>-<writerId>-<seq>.jsonl`,
 * with every character of the writer id other than letters, digits, `_` and `.` replaced by `_`.
 * Names sort by start time; `seq` orders the files a writer starts within one millisecond.
 */
export function interactionLogFileName(startMs: number, writerId: string, seq: number): string {
  const stamp = new Date(startMs).toISOString().replace(/[-:.]/g, '');
  return `interactions-${stamp}-${writerId.replace(/[^A-Za-z0-9_.]/g, '_')}-${String(seq).padStart(6, '0')}.jsonl`;
}

/** The parts of a log file's name, or undefined for a file that is not one. */
export function parseInteractionLogFileName(name: string): { stamp: string; writerId: string; seq: number } | undefined {
  const match = LOG_FILE_PATTERN.exec(name);
  return match === null ? undefined : { stamp: match[1], writerId: match[2], seq: Number(match[3]) };
}
