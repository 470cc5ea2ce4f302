/**
 * The timeline of an open-loop run: call n is due at `startMs + n / rps`, whatever happened to
 * the calls before it. Its latency is counted from that time, not from when it was actually
 * sent, so a server (or a client) that falls behind shows its queueing in the latency instead
 * of quietly lowering the rate ("coordinated omission").
 */
export class OpenLoopSchedule {
  private readonly intervalMs: number;

  constructor(
    readonly rps: number,
    readonly startMs: number,
  ) {
    if (!(rps > 0)) throw new Error(`rps must be above 0, got ${rps}`);
    this.intervalMs = 1000 / rps;
  }

  /** How long after the start call `n` (from 0) is due. */
  offsetMs(n: number): number {
    return n * this.intervalMs;
  }

  /** When call `n` is due. */
  scheduledAtMs(n: number): number {
    return this.startMs + this.offsetMs(n);
  }

  /** How many calls are due at `nowMs` (calls 0 .. count-1). */
  dueCount(nowMs: number): number {
    return nowMs < this.startMs ? 0 : Math.floor((nowMs - this.startMs) / this.intervalMs) + 1;
  }

  /** Calls due strictly before `startMs + durationMs`: the size of a run bounded by a duration. */
  callsWithin(durationMs: number): number {
    return Math.ceil(durationMs / this.intervalMs);
  }
}

/** The latency of a call that completed at `completedAtMs`, counted from when it was due. */
export function latencyFromScheduleMs(scheduledAtMs: number, completedAtMs: number): number {
  return completedAtMs - scheduledAtMs;
}
