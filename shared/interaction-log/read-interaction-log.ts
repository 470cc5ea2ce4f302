import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseInteractionLogFileName } from './interaction-log-file-name.js';
import { parseInteractionLogRecord } from './interaction-log-record.js';
import type { InteractionLogRecord } from './interaction-log-record.js';

/** The log files in `dir`, oldest first (file names sort by start time). */
export async function listInteractionLogFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((name) => parseInteractionLogFileName(name) !== undefined).sort().map((name) => join(dir, name));
}

/** Which files {@link readInteractionLog} reads. */
export interface ReadInteractionLogOptions {
  /**
   * Skip files last written before this time (ms since the epoch): they hold no record
   * written since. A reader that wants recent events only (the popularity seed) reads less.
   */
  modifiedSinceMs?: number;
}

/**
 * Every record of the log in `dir`, file by file in start-time order and line by line.
 * Files of several writers interleave in time, so consumers that need event order sort by
 * `timestamp`. An unparsable last line is a write cut short by a crash (or one still being
 * written) and is skipped; an unparsable line elsewhere throws with its file and line. A
 * file deleted by the writers' retention after it was listed is skipped.
 */
export async function* readInteractionLog(dir: string, options: ReadInteractionLogOptions = {}): AsyncGenerator<InteractionLogRecord> {
  for (const file of await listInteractionLogFiles(dir)) {
    if (options.modifiedSinceMs !== undefined) {
      const modifiedMs = await stat(file).then((s) => s.mtimeMs, (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (modifiedMs === undefined || modifiedMs < options.modifiedSinceMs) continue;
    }
    let previous: { text: string; lineNumber: number } | undefined;
    let lineNumber = 0;
    try {
      for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
        lineNumber++;
        // Hold each line back one step, to know whether it is the file's last.
        if (previous !== undefined) yield parseLine(file, previous.lineNumber, previous.text, false);
        previous = { text, lineNumber };
      }
    } catch (error) {
      if (lineNumber === 0 && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (previous !== undefined) {
      const last = parseLine(file, previous.lineNumber, previous.text, true);
      if (last !== undefined) yield last;
    }
  }
}

function parseLine(file: string, lineNumber: number, text: string, last: true): InteractionLogRecord | undefined;
function parseLine(file: string, lineNumber: number, text: string, last: false): InteractionLogRecord;
function parseLine(file: string, lineNumber: number, text: string, last: boolean): InteractionLogRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (last) return undefined;
    throw new Error(`${file}:${lineNumber}: not JSON`, { cause: error });
  }
  const record = parseInteractionLogRecord(value);
  if (typeof record === 'string') throw new Error(`${file}:${lineNumber}: ${record}`);
  return record;
}
