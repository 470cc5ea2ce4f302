// `dlrs eval --split similar-items`: the similar-items protocol on the per-user temporal split.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { Dataset } from './datasets/index.js';
import { buildTrainData, coOccurrenceCosine, dedupeEarliest, embeddingSimilarity, evaluateSimilarItems, featureJaccard, itemIdOrder, nextItemPairs, splitInteractions } from './eval/index.js';
import type { SimilarItemsMetrics } from './eval/index.js';
import { deepItemEmbeddings } from './training/index.js';
import type { StepProgress, TrainConfig } from './training/index.js';

/**
 * One deep fit is enough here: the question is which similarity the item space supports,
 * not the model's spread. Few epochs keep the section cheap beside `make eval`.
 */
export const SIMILAR_ITEMS_EPOCHS = 5;
/** The multi-valued item features the content baseline compares. */
const JACCARD_FEATURES = ['genres', 'tags'];

/** Fits the deep model on the train part, measures the four similarities, writes `outDir`/<name>-similar-items/report.md; returns the rows. */
export async function runSimilarItemsEvaluation(
  dataset: Dataset,
  data: string,
  name: string,
  deep: Partial<TrainConfig>,
  seed: number,
  outDir: string,
  progress: (line: string) => void,
  onStep: (p: StepProgress) => void,
): Promise<SimilarItemsMetrics[]> {
  const { interactions, items } = dataset;
  const order = itemIdOrder(items.ids);
  const split = splitInteractions(interactions, 'user', order);
  const train = buildTrainData(split.train, interactions.userIds.length, items.ids.length);
  const pairs = nextItemPairs(split.train, split.test, dedupeEarliest(interactions, order));
  progress(`similar items: ${pairs.length} (last train item → next item) pairs; fitting the deep model for ${deep.epochs ?? SIMILAR_ITEMS_EPOCHS} epochs`);
  const { dim, e } = await deepItemEmbeddings(dataset, data, { epochs: SIMILAR_ITEMS_EPOCHS, ...deep }, train, { seed, split: 'user', progress }, onStep);
  const n = items.ids.length;
  const rows = [
    evaluateSimilarItems('Deep e_i, inner product', embeddingSimilarity(e, dim, false), pairs, n),
    evaluateSimilarItems('Deep e_i, cosine', embeddingSimilarity(e, dim, true), pairs, n),
    evaluateSimilarItems('Item-kNN, co-occurrence cosine', coOccurrenceCosine(train), pairs, n),
    evaluateSimilarItems(`Jaccard (${JACCARD_FEATURES.join(', ')})`, featureJaccard(items, JACCARD_FEATURES), pairs, n),
  ];
  const lines = [
    `# Similar items: ${name}`,
    '',
    `Per-user temporal split; query = the user's last train item, target = the user's earliest held-out item; the query itself excluded, ties counted against the target. ${pairs.length} pairs, deep model fitted once (seed ${seed}, ${deep.epochs ?? SIMILAR_ITEMS_EPOCHS} epochs, no early stopping). Load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    '| method | HitRate@10 | MRR |',
    '| --- | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.hitRate10.toFixed(4)} | ${r.mrr.toFixed(4)} |`),
    '',
  ];
  const dir = `${outDir}/${name}-similar-items`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/report.md`, lines.join('\n'));
  progress(`report: ${dir}/report.md`);
  return rows;
}
