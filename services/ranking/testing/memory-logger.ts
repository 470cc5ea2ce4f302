import { pino } from 'pino';
import type { Logger } from 'pino';

/** A parsed log line. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** A pino logger writing parsed lines into `lines`, so that tests can read what was logged. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}
