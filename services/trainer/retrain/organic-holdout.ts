// The gate's hold-out without the serving model's own footprint: events on items it had just shown to that user are left out.
import { readInteractionLog } from '../../../shared/interaction-log/index.js';
import type { Dataset } from '../datasets/index.js';
import type { HeldOut } from '../eval/split.js';

/** Bounds the exposure index's memory: impressed (list, item) pairs read from the hold-out window on. */
const MAX_IMPRESSED_PAIRS = 5_000_000;

/** The hold-out kept and what was left out. */
export interface OrganicHoldout {
  readonly test: HeldOut;
  /** Held-out (user, item) pairs kept: not shown to the user within the window before the event. */
  readonly organic: number;
  /** Pairs left out because the item had been impressed to that user shortly before. */
  readonly exposed: number;
  /** Users left without a held-out item. */
  readonly usersDropped: number;
  /**
   * Per kept user (row-aligned with `test.users`): the catalog rows impressed to them from the
   * window before the hold-out on. Both models rank without them, as without the known items.
   */
  readonly shown: readonly Int32Array[];
}

/**
 * When each (user id, item id) pair was impressed, from the log's impression records served
 * at or after `fromMs`: every model version's lists count, since whichever model showed an
 * item caused the click on it.
 */
export async function readExposures(logDir: string, fromMs: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  let pairs = 0;
  for await (const r of readInteractionLog(logDir)) {
    if (r.type !== 'impression' || r.userId === '' || r.timestamp < fromMs) continue;
    for (const item of r.items) {
      if (++pairs > MAX_IMPRESSED_PAIRS) throw new Error(`interaction log ${logDir}: more than ${MAX_IMPRESSED_PAIRS} impressed items in the hold-out window`);
      const key = pairKey(r.userId, item);
      const list = out.get(key);
      if (list === undefined) out.set(key, [r.timestamp]);
      else list.push(r.timestamp);
    }
  }
  return out;
}

/**
 * The hold-out's organic part: a held-out (user, item) pair is dropped when the item was
 * impressed to that user in [event − windowMs, event], the event being the pair's earliest
 * interaction (the one the split holds out). Those clicks answer what the serving model
 * chose to show, so they score the serving model's own choices; what is left is what the
 * users found by themselves, which neither model caused. That selection in turn favours any
 * model unlike the serving one (the serving model's own top items were shown, so events on
 * them are the ones dropped): `shown` lists what each user was shown, which both models then
 * rank without, so that each is judged on the items it could still have offered.
 */
export function organicHoldout(test: HeldOut, dataset: Dataset, exposures: ReadonlyMap<string, readonly number[]>, windowMs: number): OrganicHoldout {
  const shownTo = new Map<string, Set<number>>();
  const rowOf = new Map(dataset.items.ids.map((id, row) => [id, row]));
  for (const key of exposures.keys()) {
    const [userId, itemId] = key.split('\u0000');
    const row = rowOf.get(itemId);
    if (row === undefined) continue;
    const set = shownTo.get(userId) ?? new Set<number>();
    shownTo.set(userId, set.add(row));
  }
  const log = dataset.interactions;
  const wanted = new Map<string, number>();
  for (let r = 0; r < test.users.length; r++) {
    for (let k = test.offsets[r]; k < test.offsets[r + 1]; k++) wanted.set(`${test.users[r]}:${test.items[k]}`, Infinity);
  }
  for (let k = 0; k < log.user.length; k++) {
    const key = `${log.user[k]}:${log.item[k]}`;
    const t = wanted.get(key);
    if (t !== undefined && log.timestamp[k] < t) wanted.set(key, log.timestamp[k]);
  }
  const users: number[] = [];
  const shown: Int32Array[] = [];
  const offsets = [0];
  const items: number[] = [];
  let exposed = 0;
  for (let r = 0; r < test.users.length; r++) {
    const u = test.users[r];
    const before = items.length;
    for (let k = test.offsets[r]; k < test.offsets[r + 1]; k++) {
      const row = test.items[k];
      const at = wanted.get(`${u}:${row}`) ?? Infinity;
      const shown = exposures.get(pairKey(log.userIds[u], dataset.items.ids[row])) ?? [];
      if (shown.some((t) => t <= at && t >= at - windowMs)) exposed++;
      else items.push(row);
    }
    if (items.length > before) {
      users.push(u);
      offsets.push(items.length);
      shown.push(Int32Array.from(shownTo.get(log.userIds[u]) ?? []));
    }
  }
  return {
    test: { users: Int32Array.from(users), offsets: Int32Array.from(offsets), items: Int32Array.from(items) },
    organic: items.length,
    exposed,
    usersDropped: test.users.length - users.length,
    shown,
  };
}

function pairKey(userId: string, itemId: string): string {
  return `${userId}\u0000${itemId}`;
}
