import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseInteractionLogRecord } from './interaction-log-record.js';
import type { InteractionLogRecord } from './interaction-log-record.js';

const LOG_FILE_PATTERN = /^interactions-\d{8}T\d{9}Z-[A-Za-z0-9_.]+-\d{6}\.jsonl$/;

/** The log files in `dir`, oldest first (file names sort by start time). */
export async function listInteractionLogFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((name) => LOG_FILE_PATTERN.test(name)).sort().map((name) => join(dir, name));
}

/**
 * Every record of the log in `dir`, file by file in start-time order and line by line.
 * Files of several writers interleave in time, so consumers that need event order sort by
 * `timestamp`. An unparsable last line is a write cut short by a crash (or one still being
 * written) and is skipped; an unparsable line elsewhere throws with its file and line.
 */
export async function* readInteractionLog(dir: string): AsyncGenerator<InteractionLogRecord> {
  for (const file of await listInteractionLogFiles(dir)) {
    let previous: { text: string; lineNumber: number } | undefined;
    let lineNumber = 0;
    for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      lineNumber++;
      // Hold each line back one step, to know whether it is the file's last.
      if (previous !== undefined) yield parseLine(file, previous.lineNumber, previous.text, false);
      previous = { text, lineNumber };
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
