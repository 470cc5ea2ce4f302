/** Lines kept per service: enough for a restart's start-up and a drill's warnings. */
const KEPT_LINES = 5000;

/** The output lines of the topology's processes, by service name, for drills that read what a service said. */
export class ServiceOutput {
  private readonly byService = new Map<string, { dropped: number; lines: string[] }>();

  /** Keeps `line` of service `name` (the topology's onLine). */
  add(name: string, line: string): void {
    let kept = this.byService.get(name);
    if (kept === undefined) this.byService.set(name, (kept = { dropped: 0, lines: [] }));
    kept.lines.push(line);
    if (kept.lines.length > KEPT_LINES) {
      kept.lines.shift();
      kept.dropped++;
    }
  }

  /** The position after the last line of `name` so far: {@link since} reads from there. */
  mark(name: string): number {
    const kept = this.byService.get(name);
    return kept === undefined ? 0 : kept.dropped + kept.lines.length;
  }

  /** The lines of `name` from position `mark` on (those still kept). */
  since(name: string, mark: number): string[] {
    const kept = this.byService.get(name);
    return kept === undefined ? [] : kept.lines.slice(Math.max(0, mark - kept.dropped));
  }
}

/** A pino JSON line's fields, or undefined for any other line. */
export function logEntry(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The message of a pino JSON line with its error's message, e.g. `retrieval failed to start: write-ahead log segment …`. */
export function logText(line: string): string {
  const entry = logEntry(line);
  if (entry === undefined) return line;
  const error = entry.err as { message?: unknown } | undefined;
  return `${String(entry.msg ?? '')}${typeof error?.message === 'string' ? `: ${error.message}` : ''}`;
}
