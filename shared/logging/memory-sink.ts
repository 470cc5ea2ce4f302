import type { DestinationStream } from 'pino';

/** A log destination that keeps lines in memory, for tests that assert on logs. */
export interface MemorySink extends DestinationStream {
  /** Every line written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** The parsed lines whose `msg` matches. */
  find(msg: string | RegExp): Array<Record<string, unknown>>;
}

/** Creates a {@link MemorySink}; pass it as `createLogger({ destination })`. */
export function createMemorySink(): MemorySink {
  const written: string[] = [];
  const lines = (): Array<Record<string, unknown>> =>
    written.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.length > 0) written.push(line);
    },
    lines,
    find(msg) {
      return lines().filter((line) =>
        typeof line.msg === 'string' && (typeof msg === 'string' ? line.msg === msg : msg.test(line.msg)),
      );
    },
  };
}
