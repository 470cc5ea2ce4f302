import type { CancelSignal } from '../../../shared/grpc/index.js';

/**
 * The cancel signal of one stage's downstream calls, aborted once by the stage (its deadline or
 * the caller's abort). Every request runs a stage per downstream call (EmbedUsers, one Search per
 * shard, Rank, item features on a cache miss), and an AbortController whose signal gets a
 * listener costs several microseconds and a dozen objects; this costs an array.
 */
export class StageSignal implements CancelSignal {
  private abortedBecause: unknown;
  private isAborted = false;
  private listeners: (() => void)[] = [];

  get aborted(): boolean {
    return this.isAborted;
  }

  get reason(): unknown {
    return this.abortedBecause;
  }

  /** Listeners run once, at the abort; one added after the abort never runs (as with AbortSignal). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.isAborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  /** Aborts with `reason` and runs the listeners; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortedBecause = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
