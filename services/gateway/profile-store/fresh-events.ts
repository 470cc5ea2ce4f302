import type { IdempotentEvent } from './profile-store.js';

/** The events of a batch split into those to apply and the number of duplicates. */
export interface FreshEvents<E> {
  fresh: E[];
  /** The non-empty ids of `fresh`, in order. */
  freshIds: string[];
  duplicates: number;
}

/**
 * Keeps the events whose id is empty or neither `seen` nor repeated earlier in the batch.
 * Both stores use it so that they agree on what a duplicate is.
 */
export function selectFreshEvents<E extends IdempotentEvent>(events: readonly E[], seen: (eventId: string) => boolean): FreshEvents<E> {
  const fresh: E[] = [];
  const freshIds: string[] = [];
  const inBatch = new Set<string>();
  let duplicates = 0;
  for (const event of events) {
    const id = event.eventId ?? '';
    if (id === '') {
      fresh.push(event);
      continue;
    }
    if (inBatch.has(id) || seen(id)) {
      duplicates++;
      continue;
    }
    inBatch.add(id);
    fresh.push(event);
    freshIds.push(id);
  }
  return { fresh, freshIds, duplicates };
}
