import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** Text encodings the readers accept (old MovieLens files are ISO-8859-1). */
export type TextEncoding = 'utf8' | 'latin1';

/** A line of a text file with its 1-based line number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** Streams the non-empty lines of a file (a UTF-8 byte-order mark is dropped). */
export async function* readLines(path: string, encoding: TextEncoding = 'utf8'): AsyncGenerator<NumberedLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() !== '') yield { text, line };
  }
}

/** 'utf8' when the (small) file is valid UTF-8, else 'latin1'. */
export async function detectEncoding(path: string): Promise<TextEncoding> {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
    return 'utf8';
  } catch (error) {
    if (error instanceof TypeError) return 'latin1';
    throw error;
  }
}

/**
 * Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote inside quotes).
 * Throws an Error saying what is wrong; a field spanning lines is not supported.
 */
export function parseCsvLine(text: string, separator = ','): string[] {
  if (!text.includes('"')) return text.split(separator);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new Error(`unterminated quoted field starting at column ${fields.length + 1}`);
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== separator) throw new Error(`unexpected character after the closing quote of field ${fields.length}`);
      i++;
    } else {
      const next = text.indexOf(separator, i);
      const end = next < 0 ? text.length : next;
      const value = text.slice(i, end);
      if (value.includes('"')) throw new Error(`a quote inside unquoted field ${fields.length + 1}`);
      fields.push(value);
      if (next < 0) return fields;
      i = next + 1;
    }
  }
}

/** How many skipped-row messages a dataset keeps for its report. */
const MAX_KEPT_MESSAGES = 10;

/** Fails on a malformed row, or counts it when bad rows are skipped. */
export class BadRowPolicy {
  skipped = 0;
  readonly messages: string[] = [];

  constructor(private readonly skipBadRows: boolean) {}

  /** Throws `file:line: message`, or records it when skipping. */
  report(file: string, line: number, message: string): void {
    const full = `${file}:${line}: ${message}`;
    if (!this.skipBadRows) throw new Error(full);
    this.skipped++;
    if (this.messages.length < MAX_KEPT_MESSAGES) this.messages.push(full);
  }
}

/** Parses a finite number or returns undefined. */
export function parseNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Checks a header row against the expected leading columns; throws naming the file. */
export function expectHeader(file: string, fields: string[], expected: string[]): void {
  const got = fields.slice(0, expected.length).map((f) => f.trim());
  if (expected.some((name, i) => got[i] !== name)) {
    throw new Error(`${file}:1: expected the header ${expected.join(',')}, got ${fields.join(',')}`);
  }
}
