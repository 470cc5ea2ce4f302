// The cold-start items split (docs/evaluation.md, "Cold-start items"): some items are new, none of their interactions is in train.
import type { CatalogColumn } from '../../../shared/features/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { tagsColumn } from '../datasets/index.js';
import type { Dataset, TagLog } from '../datasets/index.js';
import { heldOutFrom } from './split.js';
import type { Events, HeldOut } from './split.js';

/** Share of the eligible items that become new. */
export const NEW_ITEM_SHARE = 0.2;
/** Items with fewer distinct users than this are never new: too few held-out events to measure them. */
export const MIN_NEW_ITEM_INTERACTIONS = 5;
/** The catalog feature built from tags users applied: a new item has none yet. */
export const USER_TAGS_FEATURE = 'tags';

/** Train events without any new item, and the new items' events as the held-out part. */
export interface ColdItemsSplit {
  readonly train: Events;
  /** Per held-out user, their new items. */
  readonly heldOut: HeldOut;
  /** Catalog rows of the new items, ascending. */
  readonly newItems: Int32Array;
  /**
   * Catalog rows whose user tags a fit on `train` must not see, ascending: the new items, and in
   * a validation part the test part's new items too (they are no less new to its fit).
   */
  readonly untagged: Int32Array;
}

/** Counts the cold-start report states beside its table. */
export interface ColdItemsStats {
  readonly users: number;
  readonly interactions: number;
  readonly trainInteractions: number;
  /** Items with at least MIN_NEW_ITEM_INTERACTIONS distinct users. */
  readonly eligibleItems: number;
  readonly newItems: number;
  readonly testUsers: number;
  readonly testInteractions: number;
}

/**
 * Draws round(NEW_ITEM_SHARE × eligible) of the items with at least MIN_NEW_ITEM_INTERACTIONS
 * users (seeded), removes every event on them from train, and holds those events out for every
 * user who also has train events (a user with no train history is a cold user, another question).
 * `events` is the deduplicated log (one row per user-item pair).
 */
export function coldItemsSplit(events: Events, numItems: number, seed: number): ColdItemsSplit {
  const users = new Int32Array(numItems);
  for (const i of events.item) users[i]++;
  const eligible = Int32Array.from({ length: numItems }, (_, i) => i).filter((i) => users[i] >= MIN_NEW_ITEM_INTERACTIONS);
  new SeededRandom(seed).shuffle(eligible);
  const newItems = eligible.slice(0, Math.round(NEW_ITEM_SHARE * eligible.length)).sort();
  const isNew = new Uint8Array(numItems);
  for (const i of newItems) isNew[i] = 1;
  const trainRows: number[] = [];
  const trainUsers = new Set<number>();
  for (let r = 0; r < events.user.length; r++) {
    if (isNew[events.item[r]] === 1) continue;
    trainRows.push(r);
    trainUsers.add(events.user[r]);
  }
  const byUser = new Map<number, number[]>();
  for (let r = 0; r < events.user.length; r++) {
    const u = events.user[r];
    if (isNew[events.item[r]] === 0 || !trainUsers.has(u)) continue;
    let items = byUser.get(u);
    if (!items) byUser.set(u, (items = []));
    items.push(events.item[r]);
  }
  return { train: pickRows(events, trainRows), heldOut: heldOutFrom(byUser), newItems, untagged: newItems };
}

/**
 * The validation part of a cold-items split: the same rule applied to its train events, so that
 * settings for new items are chosen without the test part. Its new items are drawn among the
 * items with at least MIN_NEW_ITEM_INTERACTIONS users in train, which the test part's new items
 * (no train event) never are: the two sets are disjoint. Its fit keeps no tag of either set.
 */
export function coldItemsValidation(split: ColdItemsSplit, numItems: number, seed: number): ColdItemsSplit {
  const inner = coldItemsSplit(split.train, numItems, seed);
  const untagged = Int32Array.from(new Set([...inner.newItems, ...split.untagged])).sort();
  return { ...inner, untagged };
}

/** The statistics of a cold-items split of `events`. */
export function coldItemsStats(events: Events, numItems: number, split: ColdItemsSplit): ColdItemsStats {
  const users = new Int32Array(numItems);
  for (const i of events.item) users[i]++;
  return {
    users: new Set(events.user).size,
    interactions: events.user.length,
    trainInteractions: split.train.user.length,
    eligibleItems: users.filter((n) => n >= MIN_NEW_ITEM_INTERACTIONS).length,
    newItems: split.newItems.length,
    testUsers: split.heldOut.users.length,
    testInteractions: split.heldOut.items.length,
  };
}

/**
 * The dataset as known when the new items are created: their user-applied tags are gone (from
 * the tag log, so that a fit that rebuilds tags from it cannot bring them back, and from the
 * catalog's tags column); what the item came with (genres, year, anything from its title) stays.
 */
export function withoutNewItemTags(dataset: Dataset, newItems: Int32Array): Dataset {
  const column = dataset.items.features.get(USER_TAGS_FEATURE);
  if (column === undefined) return dataset;
  const isNew = new Uint8Array(dataset.items.ids.length);
  for (const i of newItems) isNew[i] = 1;
  const features = new Map(dataset.items.features);
  const log = dataset.tagLog;
  if (log === undefined) {
    features.set(USER_TAGS_FEATURE, emptyRows(column, isNew));
    return { ...dataset, items: { ...dataset.items, features } };
  }
  const tagLog = filterTagLog(log, (k) => isNew[log.item[k]] === 0);
  features.set(USER_TAGS_FEATURE, tagsColumn(tagLog, dataset.items.ids.length));
  return { ...dataset, items: { ...dataset.items, features }, tagLog };
}

function filterTagLog(log: TagLog, keep: (application: number) => boolean): TagLog {
  const rows = Int32Array.from({ length: log.item.length }, (_, k) => k).filter(keep);
  return {
    ...log,
    item: Int32Array.from(rows, (k) => log.item[k]),
    user: Int32Array.from(rows, (k) => log.user[k]),
    timestamp: Float64Array.from(rows, (k) => log.timestamp[k]),
    tag: Int32Array.from(rows, (k) => log.tag[k]),
  };
}

/** The column with the rows `drop` marks emptied (no value). */
function emptyRows(column: CatalogColumn, drop: Uint8Array): CatalogColumn {
  if (column.kind === 'categorical') return { ...column, codes: column.codes.map((c, r) => (drop[r] === 1 ? -1 : c)) };
  if (column.kind === 'continuous') return { ...column, values: column.values.map((v, r) => (drop[r] === 1 ? NaN : v)) };
  const offsets = new Int32Array(column.offsets.length);
  const codes: number[] = [];
  for (let r = 0; r + 1 < column.offsets.length; r++) {
    if (drop[r] === 0) for (let k = column.offsets[r]; k < column.offsets[r + 1]; k++) codes.push(column.codes[k]);
    offsets[r + 1] = codes.length;
  }
  return { ...column, offsets, codes: Int32Array.from(codes) };
}

function pickRows(events: Events, rows: readonly number[]): Events {
  return {
    user: Int32Array.from(rows, (r) => events.user[r]),
    item: Int32Array.from(rows, (r) => events.item[r]),
    timestamp: Float64Array.from(rows, (r) => events.timestamp[r]),
  };
}
