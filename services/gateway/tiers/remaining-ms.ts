import type { CallBudget } from '../recommend/ports.js';

/**
 * The budget left, as a request's timeout_ms, on the gateway's clock `now`, so that the tier drops
 * the request when it is too late (at least 1: 0 means none).
 */
export function remainingMs(budget: CallBudget, now: () => number): number {
  return Math.max(1, Math.ceil(budget.deadlineMs - now()));
}
