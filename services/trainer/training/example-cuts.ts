import { SeededRandom } from '../../../shared/random/index.js';
import { LATER_VISIT_MS } from '../eval/returning-users.js';
import type { UserEvents } from './user-events.js';

/** Examples need at least this many earlier events: an empty profile predicts only popularity. */
const MIN_HISTORY = 1;
/** Seed of the history cuts drawn with a horizon or session cuts: fixed, so every thread builds the same examples. */
const HORIZON_SEED = 0x5eed;
/**
 * Events further apart than this start a new session. A day, the gap by which the evaluation
 * report tells returning from continuing users (eval/returning-users.ts).
 */
export const SESSION_GAP_MS = LATER_VISIT_MS;

/** The training examples over a user's events: example e predicts event `target[e]` from the events before `cut[e]`. */
export interface ExampleCuts {
  /** The example's user. */
  readonly user: readonly number[];
  /** Its target's position in the events. */
  readonly target: readonly number[];
  /** Its history ends here (exclusive): the target itself, or a drawn earlier cut. */
  readonly cut: readonly number[];
}

/**
 * Examples "history → item of event j" over the fit events, every j after MIN_HISTORY events
 * of its user. With `horizon` 0 and `targetWindow` 1 the history is every event before j
 * (next-item prediction). With `targetWindow` k > 1 the history ends at a cut drawn uniformly
 * among the k positions with j − k < c ≤ j, so the target is one of the k items after the
 * history, as the protocol's held-out items are several items after the profile (one of
 * `horizon` and `targetWindow` at a time).
 * With `horizon` h > 0 it is the events before a cut c drawn uniformly from the positions with
 * c ≤ j < c · (1 + h), so the target lies up to h × the history's length ahead: h = 0.25
 * mirrors the protocol, whose held-out last 20 % lies up to 25 % of the remaining history ahead
 * of it, across sessions. With `sessionCut` p > 0, each example whose target lies in a later
 * session than the user's first (sessions: runs of events less than SESSION_GAP_MS apart) has,
 * with probability p, its history cut at the start of that session instead: "the history before
 * the user came back → an item of the visit", the situation of a held-out user who returns
 * after a gap.
 */
export function cutExamples(fit: UserEvents, horizon: number, sessionCut: number, targetWindow = 1): ExampleCuts {
  const user: number[] = [];
  const target: number[] = [];
  const cut: number[] = [];
  const cuts = new SeededRandom(HORIZON_SEED);
  const users = fit.offsets.length - 1;
  for (let u = 0; u < users; u++) {
    const start = fit.offsets[u];
    let session = start;
    for (let j = start + MIN_HISTORY; j < fit.offsets[u + 1]; j++) {
      if (fit.timestamps[j] - fit.timestamps[j - 1] >= SESSION_GAP_MS) session = j;
      user.push(u);
      target.push(j);
      if (sessionCut > 0 && session - start >= MIN_HISTORY && session < j && cuts.next() < sessionCut) {
        cut.push(session);
        continue;
      }
      // Smallest history length c with j - start < c · (1 + horizon), or with j - start < c + targetWindow; at least MIN_HISTORY.
      const longest = j - start;
      const shortest = Math.max(MIN_HISTORY, horizon > 0 ? Math.floor(longest / (1 + horizon)) + 1 : longest - targetWindow + 1);
      cut.push(start + (shortest < longest ? shortest + cuts.int(longest - shortest + 1) : longest));
    }
  }
  return { user, target, cut };
}
