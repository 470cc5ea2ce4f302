// `dlrs eval --split similar-items`: the similar-items protocol and Recommend's query modes on the per-user temporal split.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { Dataset } from './datasets/index.js';
import { buildTrainData, coOccurrenceCosine, dedupeEarliest, embeddingSimilarity, evaluateSimilarItems, featureJaccard, itemIdOrder, nextItemPairs, runSeeds, splitInteractions } from './eval/index.js';
import type { SimilarItemsMetrics } from './eval/index.js';
import { QUERY_MODES, QUERY_MODE_CANDIDATES, deepItemSpace, queryModeMap10 } from './training/index.js';
import type { QueryGroupResult, QueryMode, StepProgress, TrainConfig } from './training/index.js';

/**
 * Both questions are about the item space and the query built in it, not about the best
 * model: a short fixed fit per seed keeps the section cheap beside `make eval`.
 */
export const SIMILAR_ITEMS_EPOCHS = 5;
/** The multi-valued item features the content baseline compares. */
const JACCARD_FEATURES = ['genres', 'tags'];

/** A metric's mean and sample sd over seeds (sd 0 for the deterministic methods). */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
}

/** One similar-items method over the seeds. */
export interface SimilarItemsRow {
  readonly name: string;
  readonly hitRate10: Spread;
  readonly mrr: Spread;
}

/** One user group's MAP@10 per query mode over the seeds. */
export interface QueryModeRow {
  readonly group: string;
  readonly users: number;
  readonly twoStage: Readonly<Record<QueryMode, Spread>>;
  readonly retrieval: Readonly<Record<QueryMode, Spread>>;
}

/**
 * Fits the deep model on the train part once per seed (`seed` … `seed + seeds − 1`), measures the
 * four similarities and the query modes' MAP@10 per user group, and writes
 * `outDir`/<name>-similar-items/report.md.
 */
export async function runSimilarItemsEvaluation(
  dataset: Dataset,
  data: string,
  name: string,
  deep: Partial<TrainConfig>,
  seed: number,
  seeds: number,
  outDir: string,
  progress: (line: string) => void,
  onStep: (p: StepProgress) => void,
): Promise<{ similar: SimilarItemsRow[]; modes: QueryModeRow[] }> {
  const { interactions, items } = dataset;
  const order = itemIdOrder(items.ids);
  const split = splitInteractions(interactions, 'user', order);
  const train = buildTrainData(split.train, interactions.userIds.length, items.ids.length);
  const pairs = nextItemPairs(split.train, split.test, dedupeEarliest(interactions, order));
  const epochs = deep.epochs ?? SIMILAR_ITEMS_EPOCHS;
  const n = items.ids.length;
  const deepRuns: SimilarItemsMetrics[][] = [];
  const modeRuns: QueryGroupResult[][] = [];
  const startedMs = Date.now();
  const loads: number[] = [];
  for (const runSeed of runSeeds(seed, seeds)) {
    progress(`seed ${runSeed}: ${pairs.length} (last train item → next item) pairs; fitting the deep model for ${epochs} epochs`);
    const { model, prepared, items: catalog } = await deepItemSpace(dataset, data, { epochs: SIMILAR_ITEMS_EPOCHS, ...deep }, train, { seed: runSeed, split: 'user', progress }, onStep);
    deepRuns.push([
      evaluateSimilarItems('Deep e_i, inner product', embeddingSimilarity(catalog.e, model.shape.dim, false), pairs, n),
      evaluateSimilarItems('Deep e_i, cosine', embeddingSimilarity(catalog.e, model.shape.dim, true), pairs, n),
    ]);
    modeRuns.push(queryModeMap10(model, catalog, prepared, train, split.test, runSeed));
    loads.push(loadavg()[0]);
  }
  const fixed = [
    evaluateSimilarItems('Item-kNN, co-occurrence cosine', coOccurrenceCosine(train), pairs, n),
    evaluateSimilarItems(`Jaccard (${JACCARD_FEATURES.join(', ')})`, featureJaccard(items, JACCARD_FEATURES), pairs, n),
  ];
  const similar: SimilarItemsRow[] = [
    ...deepRuns[0].map((row, i) => ({ name: row.name, hitRate10: spread(deepRuns.map((r) => r[i].hitRate10)), mrr: spread(deepRuns.map((r) => r[i].mrr)) })),
    ...fixed.map((row) => ({ name: row.name, hitRate10: spread([row.hitRate10]), mrr: spread([row.mrr]) })),
  ];
  const modes: QueryModeRow[] = modeRuns[0].map((row, g) => ({
    group: row.group,
    users: row.users,
    twoStage: byMode((q) => spread(modeRuns.map((r) => r[g].twoStage[q]))),
    retrieval: byMode((q) => spread(modeRuns.map((r) => r[g].retrieval[q]))),
  }));
  const wallS = Math.round((Date.now() - startedMs) / 1000);
  const lines = [
    `# Similar items and query modes: ${name}`,
    '',
    `Per-user temporal split; the deep model fitted on all train events for ${epochs} epochs (no early stopping), seeds ${runSeeds(seed, seeds).join(', ')}; figures are mean ± sample sd over the seeds. ${wallS} s wall; load average (1 min) after each seed ${loads.map((l) => l.toFixed(2)).join(', ')}.`,
    '',
    '## Similar items',
    '',
    `Query = the user's last train item, target = the user's earliest held-out item; the query itself excluded, ties counted against the target. ${pairs.length} pairs.`,
    '',
    '| method | HitRate@10 | MRR |',
    '| --- | ---: | ---: |',
    ...similar.map((r) => `| ${r.name} | ${format(r.hitRate10)} | ${format(r.mrr)} |`),
    '',
    '## Query modes of Recommend',
    '',
    `MAP@10 on the held-out items; the profile is the user's newest train events of the group's length; all train items excluded. Served form: the top ${QUERY_MODE_CANDIDATES} by the mode's query, ranked by RankNet with e_u.`,
    '',
    `| users | n | ${QUERY_MODES.join(' | ')} |`,
    `| --- | ---: | ${QUERY_MODES.map(() => '---:').join(' | ')} |`,
    ...modes.map((r) => `| ${r.group} | ${r.users} | ${QUERY_MODES.map((q) => format(r.twoStage[q])).join(' | ')} |`),
    '',
    'Retrieval order alone (no RankNet):',
    '',
    `| users | n | ${QUERY_MODES.join(' | ')} |`,
    `| --- | ---: | ${QUERY_MODES.map(() => '---:').join(' | ')} |`,
    ...modes.map((r) => `| ${r.group} | ${r.users} | ${QUERY_MODES.map((q) => format(r.retrieval[q])).join(' | ')} |`),
    '',
  ];
  const dir = `${outDir}/${name}-similar-items`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/report.md`, lines.join('\n'));
  progress(`report: ${dir}/report.md`);
  return { similar, modes };
}

/** `mean ± sd` with four decimals. */
export function format(value: Spread): string {
  return `${value.mean.toFixed(4)} ± ${value.sd.toFixed(4)}`;
}

function byMode(value: (mode: QueryMode) => Spread): Record<QueryMode, Spread> {
  return Object.fromEntries(QUERY_MODES.map((q) => [q, value(q)])) as Record<QueryMode, Spread>;
}

function spread(values: readonly number[]): Spread {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return { mean, sd: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0 };
}
