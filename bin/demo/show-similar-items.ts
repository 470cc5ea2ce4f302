import { callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { DemoCatalog } from './demo-catalog.js';
import { CALL_DEADLINE_MS, degradedNote } from './recommender-calls.js';
import { recommendationTable } from './show-recommendations.js';

/** "More like this" lists are read beside a title: five neighbours suffice. */
const SIMILAR_K = 5;
/** Titles shown: the most popular item of each of the most popular categories. */
const TITLES_SHOWN = 3;

/** The titles "more like this" is shown for: distinct items, one per leading category. */
export function similarQueryItems(catalog: DemoCatalog, count = TITLES_SHOWN): string[] {
  const picked: string[] = [];
  for (const category of catalog.categories) {
    const item = catalog.popularIn(category, count + 1).find((id) => !picked.includes(id));
    if (item !== undefined) picked.push(item);
    if (picked.length === count) break;
  }
  return picked;
}

/** For three titles, SimilarItems' nearest catalog items (by their ItemNet embeddings). Returns the answers. */
export async function showSimilarItems(client: RecommenderClient, catalog: DemoCatalog, print: (line: string) => void): Promise<RecommendResponse__Output[]> {
  const answers: RecommendResponse__Output[] = [];
  for (const itemId of similarQueryItems(catalog)) {
    const startedMs = performance.now();
    const response = await callUnary<RecommendResponse__Output>((md, options, cb) => client.SimilarItems({ requestId: `demo-similar-${itemId}`, itemIds: [itemId], k: SIMILAR_K }, md, options, cb), {
      deadline: Date.now() + CALL_DEADLINE_MS,
    });
    const note = degradedNote(response);
    print('');
    print(`  more like ${catalog.titleOf(itemId)} (${catalog.categoriesOf(itemId).join('|')}), ${(performance.now() - startedMs).toFixed(0)} ms${note === '' ? '' : `, ${note}`}:`);
    for (const line of recommendationTable(response, catalog, '      ')) print(line);
    answers.push(response);
  }
  return answers;
}
