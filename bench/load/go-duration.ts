/** Units of Go's time.ParseDuration, in milliseconds. */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Go duration ("5s", "250ms", "1m30s"), the form ghz configurations use, into
 * milliseconds; throws a message naming the value otherwise. A bare "0" is zero, as in Go.
 */
export function parseGoDurationMs(value: string, what = 'duration'): number {
  if (value === '0') return 0;
  let totalMs = 0;
  PART.lastIndex = 0;
  let matched = 0;
  while (PART.lastIndex < value.length) {
    const start = PART.lastIndex;
    const part = PART.exec(value);
    if (part === null || part.index !== start) break;
    totalMs += Number(part[1]) * UNIT_MS[part[2]];
    matched = PART.lastIndex;
  }
  if (value === '' || matched !== value.length) throw new Error(`${what} '${value}' is not a Go duration (e.g. 500ms, 10s, 1m30s)`);
  return totalMs;
}
