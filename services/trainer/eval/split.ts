// The train/test split of the offline evaluation protocol (docs/evaluation.md, "Temporal split").

/**
 * The columns of an interaction log the split reads: a structural subset of the dataset
 * reader's `Interactions`, so any reader's output can be passed as is. `item` indices are
 * catalog rows; time ties are broken by item id through an `ItemOrder` (default: the row).
 */
export interface InteractionLog {
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: Float64Array;
}

/** One row per distinct (user, item) pair, with the pair's earliest timestamp. */
export interface Events {
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly timestamp: Float64Array;
}

/**
 * Held-out items per user in compressed rows: the items of `users[i]` are
 * `items[offsets[i] .. offsets[i + 1])`, ascending. `users` is ascending.
 */
export interface HeldOut {
  readonly users: Int32Array;
  readonly offsets: Int32Array;
  readonly items: Int32Array;
}

/** A train part and the held-out items of the users evaluated on it. */
export interface Split {
  readonly train: Events;
  readonly test: HeldOut;
}

/** `user`: the per-user temporal split (default); `global`: one time cut for everybody. */
export type SplitMode = 'user' | 'global';

/** Counts reported beside every table so readers can judge what the numbers rest on. */
export interface SplitStats {
  readonly users: number;
  readonly interactions: number;
  readonly trainInteractions: number;
  readonly testUsers: number;
  readonly testInteractions: number;
  /** Share of test interactions whose item has no train interaction at all (no CF model can rank it). */
  readonly unseenTestShare: number;
}

/** Position of every catalog row in item-id order (see `itemIdOrder`); ties in time are broken by it. */
export type ItemOrder = Int32Array;

/**
 * The item-id order of catalog `ids`: numeric ids first, by value (MovieLens movie ids, so that
 * "10" follows "9"), then the others as strings.
 */
export function itemIdOrder(ids: readonly string[]): ItemOrder {
  const numeric = ids.map((id) => (/^-?\d+(\.\d+)?$/.test(id) ? Number(id) : NaN));
  const rows = ids.map((_, r) => r);
  rows.sort((a, b) => {
    const na = numeric[a];
    const nb = numeric[b];
    if (!Number.isNaN(na) || !Number.isNaN(nb)) {
      if (Number.isNaN(na)) return 1;
      if (Number.isNaN(nb)) return -1;
      return na - nb || a - b;
    }
    return ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : a - b;
  });
  const order = new Int32Array(ids.length);
  rows.forEach((r, position) => (order[r] = position));
  return order;
}

/** The protocol holds out 20 % (rounded up) of each user's history, or of the whole log for the global cut. */
const TEST_PERCENT = 20;
/** Users with fewer interactions than this stay in train: too short a history to split. */
const MIN_INTERACTIONS_TO_SPLIT = 5;

/** ceil(n · 20 %) in integers: 0.2 · 15 in floating point is 3.0000000000000004, whose ceiling is 4. */
export function testCount(n: number): number {
  return Math.max(1, Math.floor((n * TEST_PERCENT + 99) / 100));
}

/** Keeps the earliest event of every (user, item) pair; rows come out sorted by (user, timestamp, item id). */
export function dedupeEarliest(log: InteractionLog, itemOrder?: ItemOrder): Events {
  const rank = (i: number): number => (itemOrder ? itemOrder[i] : i);
  const n = log.user.length;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  rows.sort((a, b) => log.user[a] - log.user[b] || log.item[a] - log.item[b] || log.timestamp[a] - log.timestamp[b]);
  const keep: number[] = [];
  for (let r = 0; r < n; r++) {
    const i = rows[r];
    const prev = r > 0 ? rows[r - 1] : -1;
    if (prev >= 0 && log.user[prev] === log.user[i] && log.item[prev] === log.item[i]) continue;
    keep.push(i);
  }
  keep.sort((a, b) => log.user[a] - log.user[b] || log.timestamp[a] - log.timestamp[b] || rank(log.item[a]) - rank(log.item[b]));
  return pick(log, keep);
}

/** Splits a log by the protocol's rule for `mode`; duplicates are removed first. */
export function splitInteractions(log: InteractionLog, mode: SplitMode = 'user', itemOrder?: ItemOrder): Split {
  const events = dedupeEarliest(log, itemOrder);
  return mode === 'user' ? splitPerUser(events) : splitGlobal(events, itemOrder);
}

function splitPerUser(events: Events): Split {
  const trainRows: number[] = [];
  const testRows: number[] = [];
  const n = events.user.length;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && events.user[end] === events.user[start]) end++;
    const size = end - start;
    const firstTest = size < MIN_INTERACTIONS_TO_SPLIT ? end : end - testCount(size);
    for (let r = start; r < end; r++) (r < firstTest ? trainRows : testRows).push(r);
    start = end;
  }
  return finish(events, trainRows, testRows);
}

function splitGlobal(events: Events, itemOrder?: ItemOrder): Split {
  const rank = (i: number): number => (itemOrder ? itemOrder[i] : i);
  const n = events.user.length;
  const rows = Array.from({ length: n }, (_, i) => i);
  rows.sort((a, b) => events.timestamp[a] - events.timestamp[b] || events.user[a] - events.user[b] || rank(events.item[a]) - rank(events.item[b]));
  const firstTest = n - (n === 0 ? 0 : testCount(n));
  const trainRows = rows.slice(0, firstTest).sort((a, b) => a - b);
  const testRows = rows.slice(firstTest).sort((a, b) => a - b);
  return finish(events, trainRows, testRows);
}

/** Removes known positives from test and drops users left without test items or without train history. */
function finish(events: Events, trainRows: number[], testRows: number[]): Split {
  const train = pick(events, trainRows);
  const known = new Set<string>();
  for (let r = 0; r < train.user.length; r++) known.add(`${train.user[r]}:${train.item[r]}`);
  const trainUsers = new Set(train.user);
  const byUser = new Map<number, number[]>();
  for (const r of testRows) {
    const u = events.user[r];
    const i = events.item[r];
    if (!trainUsers.has(u) || known.has(`${u}:${i}`)) continue;
    let items = byUser.get(u);
    if (!items) byUser.set(u, (items = []));
    items.push(i);
  }
  return { train, test: heldOutFrom(byUser) };
}

/** Builds a HeldOut from a user → items map (items deduplicated and sorted). */
export function heldOutFrom(byUser: ReadonlyMap<number, readonly number[]>): HeldOut {
  const users = Int32Array.from([...byUser.keys()].filter((u) => (byUser.get(u) ?? []).length > 0)).sort();
  const offsets = new Int32Array(users.length + 1);
  const items: number[] = [];
  users.forEach((u, k) => {
    const unique = [...new Set(byUser.get(u))].sort((a, b) => a - b);
    items.push(...unique);
    offsets[k + 1] = items.length;
  });
  return { users, offsets, items: Int32Array.from(items) };
}

/** The held-out items of the k-th test user. */
export function heldOutItems(test: HeldOut, k: number): Int32Array {
  return test.items.subarray(test.offsets[k], test.offsets[k + 1]);
}

/** The statistics of a split of `events` (the deduplicated log) into `split`. */
export function splitStats(events: Events, split: Split): SplitStats {
  const trainItems = new Set(split.train.item);
  let unseen = 0;
  for (const i of split.test.items) if (!trainItems.has(i)) unseen++;
  const testInteractions = split.test.items.length;
  return {
    users: new Set(events.user).size,
    interactions: events.user.length,
    trainInteractions: split.train.user.length,
    testUsers: split.test.users.length,
    testInteractions,
    unseenTestShare: testInteractions === 0 ? 0 : unseen / testInteractions,
  };
}

function pick(log: InteractionLog, rows: readonly number[]): Events {
  const user = new Int32Array(rows.length);
  const item = new Int32Array(rows.length);
  const timestamp = new Float64Array(rows.length);
  rows.forEach((r, k) => {
    user[k] = log.user[r];
    item[k] = log.item[r];
    timestamp[k] = log.timestamp[r];
  });
  return { user, item, timestamp };
}
