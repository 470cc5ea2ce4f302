// Recommend's query modes offline (docs/evaluation.md, "Query modes"): MAP@10 of the served
// two-stage form when the candidates are retrieved with e_u, the pseudo-user or the last item.
import { SeededRandom } from '../../../shared/random/index.js';
import { evaluateRankings, meanWithError } from '../eval/metrics.js';
import { heldOutFrom, heldOutItems } from '../eval/split.js';
import type { HeldOut } from '../eval/split.js';
import type { TrainData } from '../eval/train-data.js';
import { rowOf } from '../eval/train-data.js';
import type { Model } from '../model/index.js';
import { rankUsers } from './model-ranker.js';
import type { CatalogEmbeddings, RankingMode } from './model-ranker.js';
import type { PreparedData } from './prepare-data.js';
import { profileFeed } from './profile-feed.js';
import type { UserEvents } from './user-events.js';

/** The query modes of RecommendRequest.query_mode, as the gateway computes them. */
export const QUERY_MODES = ['USER_NET', 'PSEUDO_USER', 'LAST_ITEM'] as const;
/** One query mode. */
export type QueryMode = (typeof QUERY_MODES)[number];

/** Candidates retrieved before RankNet: the gateway's default (DEFAULT_CANDIDATES). */
export const QUERY_MODE_CANDIDATES = 300;
/** The longest anonymous context drawn: sessions of 1 to this many items. */
const MAX_CONTEXT_ITEMS = 10;

/**
 * A group of test users by what the service knows of them: the newest `length` train events
 * (users with fewer are left out of the group), all of them, or an anonymous context of a
 * length drawn per user from 1 to MAX_CONTEXT_ITEMS (at most what the user has).
 */
export interface QueryGroup {
  readonly name: string;
  readonly length: number | 'all' | 'anonymous';
}

/** The groups of the report, in table order. */
export const QUERY_GROUPS: readonly QueryGroup[] = [
  { name: 'user, 1 recent item', length: 1 },
  { name: 'user, 3 recent items', length: 3 },
  { name: 'user, 10 recent items', length: 10 },
  { name: `anonymous context, 1–${MAX_CONTEXT_ITEMS} items`, length: 'anonymous' },
  { name: 'user, whole train history', length: 'all' },
];

/** MAP@10 of each mode for one group, served form (two-stage) and retrieval order alone. */
export interface QueryGroupResult {
  readonly group: string;
  readonly users: number;
  readonly twoStage: Readonly<Record<QueryMode, number>>;
  readonly retrieval: Readonly<Record<QueryMode, number>>;
}

/**
 * Each group's MAP@10 per query mode on `test`, the model fitted on `train`. The profile is
 * the user's newest train events of the group's length; the exclusions are all train items,
 * as in the main protocol; `seed` draws the anonymous contexts' lengths.
 */
export function queryModeMap10(model: Model, items: CatalogEmbeddings, prepared: PreparedData, train: TrainData, test: HeldOut, seed: number): QueryGroupResult[] {
  const random = new SeededRandom(seed);
  return QUERY_GROUPS.map((group) => {
    const rows: number[] = [];
    const lengths: number[] = [];
    for (const [k, user] of test.users.entries()) {
      const available = prepared.train.offsets[user + 1] - prepared.train.offsets[user];
      const length = group.length === 'all' ? available : group.length === 'anonymous' ? (available > 0 ? 1 + random.int(Math.min(MAX_CONTEXT_ITEMS, available)) : 0) : available >= group.length ? group.length : 0;
      if (length === 0) continue;
      rows.push(k);
      lengths.push(length);
    }
    const users = Int32Array.from(rows, (k) => test.users[k]);
    const events = newestEvents(prepared.train, users, lengths);
    const feed = profileFeed(prepared.spec, prepared.encoded, events, users);
    const heldOut = heldOutFrom(new Map(rows.map((k) => [test.users[k], [...heldOutItems(test, k)]])));
    const exclude = (r: number): Int32Array => rowOf(train.byUser, users[r]);
    const map10 = (mode: RankingMode, queryMode: QueryMode): number => {
      const queries = queryMode === 'USER_NET' ? undefined : itemQueries(queryMode, items, model.shape.dim, events, users, prepared.spec.bagLength);
      const rankings = rankUsers(model, items, feed, users.length, exclude, { mode, candidates: QUERY_MODE_CANDIDATES, k: 10, queries });
      return meanWithError(evaluateRankings(rankings, heldOut)['map@10']).mean;
    };
    const byMode = (mode: RankingMode): Record<QueryMode, number> => Object.fromEntries(QUERY_MODES.map((q) => [q, map10(mode, q)])) as Record<QueryMode, number>;
    return { group: group.name, users: users.length, twoStage: byMode('two-stage'), retrieval: byMode('retrieval') };
  });
}

/** The newest `lengths[r]` events of each of `users` (time order kept), indexed by user as `events` is. */
export function newestEvents(events: UserEvents, users: Int32Array, lengths: readonly number[]): UserEvents {
  const offsets = new Int32Array(events.offsets.length);
  const count = new Int32Array(events.offsets.length - 1);
  users.forEach((user, r) => (count[user] = lengths[r]));
  for (let u = 0; u < count.length; u++) offsets[u + 1] = offsets[u] + count[u];
  const items = new Int32Array(offsets[count.length]);
  const timestamps = new Float64Array(items.length);
  for (const user of users) {
    const from = events.offsets[user + 1] - count[user];
    items.set(events.items.subarray(from, events.offsets[user + 1]), offsets[user]);
    timestamps.set(events.timestamps.subarray(from, events.offsets[user + 1]), offsets[user]);
  }
  return { offsets, items, timestamps };
}

/**
 * PSEUDO_USER and LAST_ITEM queries, one row per user, as the gateway builds them from the
 * profile's recent items (newest first, at most the bag length): the mean of their e_i with
 * weights halving with each newer item after it, or the newest item's e_i.
 */
export function itemQueries(mode: Exclude<QueryMode, 'USER_NET'>, items: CatalogEmbeddings, dim: number, events: UserEvents, users: Int32Array, bagLength: number): Float32Array {
  const queries = new Float32Array(users.length * dim);
  users.forEach((user, r) => {
    const newest = events.offsets[user + 1] - 1;
    const recent = Math.min(mode === 'LAST_ITEM' ? 1 : bagLength, newest + 1 - events.offsets[user]);
    let total = 0;
    for (let position = 0; position < recent; position++) {
      const weight = 2 ** -position;
      const item = events.items[newest - position];
      for (let j = 0; j < dim; j++) queries[r * dim + j] += weight * items.e[item * dim + j];
      total += weight;
    }
    for (let j = 0; j < dim; j++) queries[r * dim + j] /= total;
  });
  return queries;
}
