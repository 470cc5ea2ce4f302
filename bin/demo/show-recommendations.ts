import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { DemoCatalog, UserHistory } from './demo-catalog.js';
import { formatTable } from './format-table.js';
import { degradedNote, recommend } from './recommender-calls.js';

/** Recent items shown per user: enough to see a taste, few enough to read. */
const RECENT_SHOWN = 5;
/** The top 10: the list a user would see. */
export const TOP_K = 10;

/** The top-k table of an answer: rank, score, retrieval similarity, item id, title. */
export function recommendationTable(response: RecommendResponse__Output, catalog: DemoCatalog, indent: string): string[] {
  const rows = response.items.map((item) => [String(item.rank), item.score.toFixed(3), item.similarity.toFixed(3), item.itemId, item.title !== '' ? item.title : catalog.titleOf(item.itemId)]);
  return formatTable(['#', 'score', 'sim', 'item', 'title'], rows, { indent, rightAligned: [0, 1, 2] });
}

/**
 * For each user (whose history is already recorded): their most recent items, then the top 10
 * the gateway recommends by user id. Returns the answers, for the caller's checks.
 */
export async function showRecommendations(client: RecommenderClient, catalog: DemoCatalog, users: UserHistory[], print: (line: string) => void): Promise<RecommendResponse__Output[]> {
  const answers: RecommendResponse__Output[] = [];
  for (const user of users) {
    const startedMs = performance.now();
    const response = await recommend(client, { requestId: `demo-${user.userId}`, userId: user.userId, k: TOP_K });
    const ms = performance.now() - startedMs;
    const recent = user.events.slice(-RECENT_SHOWN).reverse();
    print('');
    print(`  user ${user.userId}: ${user.events.length} recorded events; the last ${recent.length}, newest first:`);
    for (const event of recent) print(`      ${event.eventType.padEnd(8)} ${catalog.titleOf(event.itemId)}`);
    const note = degradedNote(response);
    print(`    top ${response.items.length} (model ${response.modelVersion}, ${ms.toFixed(0)} ms${note === '' ? '' : `, ${note}`}):`);
    for (const line of recommendationTable(response, catalog, '      ')) print(line);
    answers.push(response);
  }
  return answers;
}
