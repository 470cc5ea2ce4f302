import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { SessionResponse__Output } from '../../shared/generated/dlrs/v1/SessionResponse.js';
import type { DemoCatalog, UserHistory } from './demo-catalog.js';
import { fitText, formatTable } from './format-table.js';
import { CALL_DEADLINE_MS, degradedNote, recordHistories } from './recommender-calls.js';
import { TOP_K } from './show-recommendations.js';

/**
 * The session's user starts from the last few events of a dataset user: a profile the model
 * follows, yet short enough that a handful of new events can outweigh it (with ten mixed
 * events the majority of the history keeps winning for longer than a demo lasts).
 */
const SESSION_HISTORY = 4;
/** Spacing of the visitor's earlier events: a browsing pace. */
const EVENT_GAP_MS = 60_000;
/** Events of the live session: enough to outweigh the history, few enough to follow one by one. */
const SESSION_EVENTS = 10;
/** Titles in the one-line-per-event log are cut to this width, so the lines align. */
const TITLE_CHARS = 32;
/** Categories named in a mix line. */
const MIX_SHOWN = 3;

/** What the session showed: the target category's count in the top k before and after. */
export interface SessionShift {
  category: string;
  before: number;
  after: number;
}

/** How many of the answer's items are in `category`. */
function countIn(catalog: DemoCatalog, response: RecommendResponse__Output, category: string): number {
  return response.items.filter((item) => catalog.categoriesOf(item.itemId).includes(category)).length;
}

/** The categories of an answer with their counts, the most frequent first. */
function categoryCounts(catalog: DemoCatalog, response: RecommendResponse__Output): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of response.items) for (const category of catalog.categoriesOf(item.itemId)) counts.set(category, (counts.get(category) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** "cat-07 ×4, cat-02 ×3, cat-11 ×2": the most frequent categories of an answer. */
function mixOf(catalog: DemoCatalog, response: RecommendResponse__Output): string {
  return categoryCounts(catalog, response)
    .slice(0, MIX_SHOWN)
    .map(([category, count]) => `${category} ×${count}`)
    .join(', ');
}

/**
 * The category the session will move toward: a popular one that neither the user's history
 * nor their current top k contains (or the least represented), with enough items to view.
 */
function pickTarget(catalog: DemoCatalog, user: UserHistory, before: RecommendResponse__Output): string {
  const seen = new Set(user.events.flatMap((event) => catalog.categoriesOf(event.itemId)));
  const usable = catalog.categories.filter((category) => catalog.popularIn(category, SESSION_EVENTS).length === SESSION_EVENTS);
  const fresh = usable.find((category) => !seen.has(category) && countIn(catalog, before, category) === 0);
  if (fresh !== undefined) return fresh;
  const least = [...usable].sort((a, b) => countIn(catalog, before, a) - countIn(catalog, before, b));
  if (least.length === 0) throw new Error('the catalog has no category with enough items for a session');
  return least[0];
}

/**
 * A live Session: a user with the last few events of `source` recorded opens it, and the first
 * push is the "before"; the user then views popular items of another category, one event at a
 * time, and each push's category mix is printed; finally before and after side by side.
 */
export async function runLiveSession(client: RecommenderClient, catalog: DemoCatalog, source: UserHistory, print: (line: string) => void): Promise<SessionShift> {
  if (catalog.categoryFeature === undefined) throw new Error('the catalog has no category feature to show a shift in');
  // The visitor's events happened in the minutes before the session, not years ago in the dataset.
  const history = source.events.slice(-SESSION_HISTORY);
  const nowMs = Date.now();
  const user: UserHistory = { userId: `live-${source.userId}`, events: history.map((event, i) => ({ ...event, timestampMs: nowMs - (history.length - i) * EVENT_GAP_MS })) };
  await recordHistories(client, [user]);
  print(`  user ${user.userId} has the last ${user.events.length} events of ${source.userId}: ${user.events.map((event) => fitText(catalog.titleOf(event.itemId), TITLE_CHARS)).join(', ')}`);
  const session = client.Session({ deadline: Date.now() + CALL_DEADLINE_MS * (SESSION_EVENTS + 1) });
  const pushes: RecommendResponse__Output[] = [];
  let target = '';
  let events: string[] = [];
  await new Promise<void>((resolve, reject) => {
    session.on('data', (message: SessionResponse__Output) => {
      const response = message.recommendations;
      if (response === null || response === undefined) return;
      pushes.push(response);
      if (pushes.length === 1) {
        target = pickTarget(catalog, user, response);
        events = catalog.popularIn(target, SESSION_EVENTS);
        const note = degradedNote(response);
        print(`  user ${user.userId} opens a session; ${catalog.categoryFeature} mix of the top ${response.items.length}: ${mixOf(catalog, response)}${note === '' ? '' : ` (${note})`}`);
        print(`  then views ${events.length} popular items of ${target}, one event at a time:`);
      } else {
        const itemId = events[pushes.length - 2];
        print(`    event ${String(pushes.length - 1).padStart(String(events.length).length)}/${events.length}  view ${fitText(catalog.titleOf(itemId), TITLE_CHARS).padEnd(TITLE_CHARS)} → ${target} ${countIn(catalog, response, target)}/${response.items.length}   mix: ${mixOf(catalog, response)}`);
      }
      const next = events[pushes.length - 1];
      if (next === undefined) session.end();
      else session.write({ event: { itemId: next, eventType: 'view', eventId: `demo-session-${user.userId}-${pushes.length}` } });
    });
    session.on('end', resolve);
    session.on('error', reject);
    session.write({ start: { userId: user.userId, k: TOP_K } });
  });
  if (pushes.length < 2) throw new Error(`the session pushed ${pushes.length} answer(s), expected one per event and one at the start`);
  const [before, after] = [pushes[0], pushes[pushes.length - 1]];
  const rows = Array.from({ length: Math.max(before.items.length, after.items.length) }, (_, i) => [
    String(i + 1),
    before.items[i] === undefined ? '' : catalog.titleOf(before.items[i].itemId),
    after.items[i] === undefined ? '' : catalog.titleOf(after.items[i].itemId),
  ]);
  print('');
  for (const line of formatTable(['#', 'before the session', 'after the session'], rows, { indent: '    ', rightAligned: [0] })) print(line);
  const shift: SessionShift = { category: target, before: countIn(catalog, before, target), after: countIn(catalog, after, target) };
  const [leading] = categoryCounts(catalog, before);
  const leadingNote = leading === undefined || leading[0] === target ? '' : `; ${leading[0]} ${leading[1]} → ${countIn(catalog, after, leading[0])}`;
  print('');
  print(`  session shift in the top ${TOP_K}: ${shift.category} ${shift.before} → ${shift.after}${leadingNote}`);
  return shift;
}
