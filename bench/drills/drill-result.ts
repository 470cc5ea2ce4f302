/** One row of the drill table. */
export interface DrillResult {
  drill: string;
  /** What was done. */
  done: string;
  /** What was expected. */
  expected: string;
  /** What happened: the figures measured. */
  happened: string[];
  /** The expectations that were not met; empty when the drill passed. */
  failures: string[];
  /** Why the drill could not run here (e.g. it needs root); a skipped drill did not pass. */
  skipped?: string;
}

/** Collects a drill's measurements and the checks made on them. */
export class DrillRecord {
  private readonly happened: string[] = [];
  private readonly failures: string[] = [];

  constructor(
    readonly drill: string,
    readonly done: string,
    readonly expected: string,
  ) {}

  /** Notes a measurement (it appears under "what happened"). */
  note(line: string): void {
    this.happened.push(line);
  }

  /** A real check: when `ok` is false, `failure` says which expectation failed and by how much. */
  check(ok: boolean, failure: string): void {
    if (!ok) this.failures.push(failure);
  }

  /** The row of a drill that cannot run here, saying why: neither a pass nor a failure. */
  skip(reason: string): DrillResult {
    return { ...this.result(), skipped: reason };
  }

  /** The row, as it stands. */
  result(): DrillResult {
    return { drill: this.drill, done: this.done, expected: this.expected, happened: [...this.happened], failures: [...this.failures] };
  }
}

/** A drill that could not run to its end: the row says why, and it fails. */
export function abortedDrill(record: DrillRecord, error: unknown): DrillResult {
  record.check(false, `the drill stopped: ${error instanceof Error ? error.message : String(error)}`);
  return record.result();
}
