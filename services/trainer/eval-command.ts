// `dlrs eval`: the offline evaluation protocol on a dataset, written as a report folder.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from './datasets/index.js';
import type { Dataset } from './datasets/index.js';
import { baselinesFor, featurePopularity, itemIdOrder, lightFmColdItems, randomNewItems, runColdItemsEvaluation, runEvaluation, writeColdItemsReport, writeReport } from './eval/index.js';
import type { ColdItemRecommender, HeldOutPart, Recommender, SplitMode } from './eval/index.js';
import { COLD_ITEMS_DEEP, QUERY_MODES, THESIS_OBJECTIVE, THESIS_VARIANT, TRAIN_DEFAULTS, deepColdItems, deepRecommender, resolveTrainConfig } from './training/index.js';
import type { StepProgress, TrainConfig } from './training/index.js';
import { formatStepProgress, stderrProgress } from './progress/index.js';
import { format as formatSpread, runSimilarItemsEvaluation } from './eval-similar-items.js';

/** The dataset `make eval` reports on, relative to the repository root. */
export const DEFAULT_EVAL_DATA = 'movielens:../shared/data/movielens/ml-latest-small';
/** Reports go to reports/<dataset>/, git-ignored. */
export const DEFAULT_REPORT_DIR = 'reports';
/** Fixed so that two runs of `make eval` give the same report. */
export const DEFAULT_EVAL_SEED = 42;
/** Three fits per stochastic model: enough for a mean and a spread, and what fits `make eval`'s time budget. */
export const DEFAULT_EVAL_SEEDS = 3;
/** Where MovieLens latest-small comes from, for the message when it is missing. */
export const MOVIELENS_SMALL_URL = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip';

/** The split modes of `--split`: the protocol's temporal ones and the cold-start items split. */
type EvalSplit = SplitMode | 'cold-items' | 'similar-items';

/** The `--models` key of a model: its name lower-cased, runs of other characters as one '-' (`Deep, thesis objective` → `deep-thesis-objective`). */
export function modelKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const USAGE = `Usage: dlrs eval [--data SPEC] [--split user|global|cold-items|similar-items] [--held-out test|validation] [--out DIR] [--seed N] [--seeds COUNT] [--models a,b]

Runs the offline evaluation protocol (docs/evaluation.md) and writes
DIR/<dataset>/report.md, report.json, map-at-k.svg and map-at-k.png; with
--split cold-items, DIR/<dataset>-cold-items/report.md, report.json, cold-items.svg and .png
(its validation part and its test part).

  --data SPEC     movielens:PATH | synthetic:SIZE | csv:ITEMS,INTERACTIONS,SCHEMA (default ${DEFAULT_EVAL_DATA};
                  MovieLens latest-small: ${MOVIELENS_SMALL_URL}, unzipped so that PATH/ratings.csv exists)
  --split MODE    user: per-user temporal split (default); global: one time cut;
                  cold-items: 20 % of the items are new, models rank only them;
                  similar-items: given a user's last train item, is the next item among its
                  nearest (deep e_i by inner product and cosine, item-kNN, genre/tag Jaccard);
                  and MAP@10 of Recommend's query modes for users with 1, 3, 10 recent items,
                  anonymous contexts and whole histories (one deep fit per seed serves both)
  --held-out P    test: the protocol (default); validation: a tuning run that drops the
                  test part and evaluates on the validation part (never reads test; temporal
                  splits and cold-items, whose report goes to DIR/<dataset>-cold-items-validation)
  --out DIR       report root (default ${DEFAULT_REPORT_DIR})
  --seed N        first seed: of the split's new items, initialisations and the bootstrap (default ${DEFAULT_EVAL_SEED})
  --seeds COUNT   stochastic models (the deep model, iALS, LightFM, random) are fitted once per seed,
                  --seed … --seed + COUNT − 1 (default ${DEFAULT_EVAL_SEEDS})
  --models LIST   models to run by name, case and punctuation ignored (default all), e.g.
                  'EASE,Recency EASE,SKNN,LightFM hybrid,Deep,Deep thesis objective';
                  with cold-items: 'Feature popularity,Random,LightFM hybrid,Deep'
  --deep JSON     training options of the deep model over the trainer's defaults, e.g. '{"dim":64}'
                  (for tuning runs with --held-out validation)`;

/**
 * The models compared with the baselines, built from the loaded dataset and its `--data` spec
 * (workers reload the data by name): the deep model as one `Recommender` whose `fit` trains
 * once and returns its forms (two-stage C = 100 and 300, retrieval only, gold standard).
 */
export type CandidateFactory = (dataset: Dataset, data: string) => readonly Recommender[];
/** The models of `--split cold-items` compared with its baselines (the deep model), built like CandidateFactory's. */
export type ColdCandidateFactory = (dataset: Dataset, data: string) => readonly ColdItemRecommender[];

/** Runs `dlrs eval` with `argv` (the arguments after `eval`); returns the process exit code. */
export async function runEval(argv: string[], candidates?: CandidateFactory, coldCandidates?: ColdCandidateFactory): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`dlrs eval: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  // Through the shared stderr status line: the deep model's training shows live progress there.
  const progress = (line: string): void => stderrProgress().line(`[eval] ${line}`);
  const onStep = (p: StepProgress): void => stderrProgress().status(`Deep: ${formatStepProgress(p)}`);
  progress(`loading ${options.data}`);
  let dataset: Dataset;
  try {
    dataset = await loadDataset(options.data);
  } catch (error) {
    console.error(`dlrs eval: ${(error as Error).message}${missingMovieLensHint(options.data)}`);
    return 1;
  }
  const name = datasetName(options.data);
  const { interactions, items } = dataset;
  // The deep model: one fit, early-stopped on the validation rule inside train; `--deep` overrides its options.
  const { refit, ...deepOptions } = options.deep;
  if (options.split === 'similar-items') {
    const { similar, modes } = await runSimilarItemsEvaluation(dataset, options.data, name, deepOptions, options.seed, options.seeds, options.out, progress, onStep);
    for (const r of similar) console.log(`${r.name.padEnd(32)} HitRate@10 ${formatSpread(r.hitRate10)}  MRR ${formatSpread(r.mrr)}`);
    for (const r of modes) console.log(`${r.group.padEnd(32)} MAP@10 ${QUERY_MODES.map((q) => `${q} ${formatSpread(r.twoStage[q])}`).join('  ')}`);
    return 0;
  }
  if (options.split === 'cold-items') {
    // The cold model's own settings (COLD_ITEMS_DEEP), which --deep overrides.
    const coldDeep = { ...COLD_ITEMS_DEEP.options, ...deepOptions };
    const cold = coldCandidates ?? ((d: Dataset, spec: string) => [deepColdItems(d, spec, coldDeep, onStep, refit === undefined ? COLD_ITEMS_DEEP.params : { refit })]);
    const coldBaselines: readonly ColdItemRecommender[] = [featurePopularity, randomNewItems, lightFmColdItems(dataset)];
    const models = [...coldBaselines, ...cold(dataset, options.data)];
    if (!knownModels(options.models, models)) return 2;
    const pick = (m: ColdItemRecommender): boolean => options.models === undefined || options.models.includes(modelKey(m.name));
    const result = await runColdItemsEvaluation({
      dataset,
      itemOrder: itemIdOrder(items.ids),
      seed: options.seed,
      seeds: options.seeds,
      // A tuning run (--held-out validation) never reads the test part.
      parts: options.heldOut === 'test' ? ['validation', 'test'] : ['validation'],
      baselines: coldBaselines.filter(pick),
      candidates: models.filter((m) => !coldBaselines.includes(m) && pick(m)),
      // Every main-protocol baseline without a cold-start form of its own.
      unable: baselinesFor(dataset).map((b) => b.name).filter((n) => !models.some((m) => m.name === n)),
      progress,
    });
    const folder = options.heldOut === 'test' ? `${name}-cold-items` : `${name}-cold-items-validation`;
    const written = await writeColdItemsReport(`${options.out}/${folder}`, name, result);
    for (const part of result.parts) {
      for (const m of part.models) console.log(`${part.part.padEnd(10)} ${m.name.padEnd(32)} Recall@20 ${m.metrics['recall@20'].mean.toFixed(4)}  MAP@10 ${m.metrics['map@10'].mean.toFixed(4)}`);
    }
    console.log(`report: ${written.join(', ')}`);
    return 0;
  }
  const grid = refit === undefined ? undefined : [{ refit, epochs: deepOptions.epochs ?? TRAIN_DEFAULTS.epochs }];
  const factory =
    candidates ??
    ((d: Dataset, spec: string) => [deepRecommender(d, spec, deepOptions, grid, undefined, onStep), deepRecommender(d, spec, { ...deepOptions, ...THESIS_OBJECTIVE }, grid, THESIS_VARIANT, onStep)]);
  const baselines = baselinesFor(dataset);
  const all = [...baselines, ...factory(dataset, options.data)];
  if (!knownModels(options.models, all)) return 2;
  const chosen = (m: Recommender): boolean => options.models === undefined || options.models.includes(modelKey(m.name));
  const result = await runEvaluation({
    log: interactions,
    numUsers: interactions.userIds.length,
    numItems: items.ids.length,
    split: options.split,
    heldOut: options.heldOut,
    itemOrder: itemIdOrder(items.ids),
    seed: options.seed,
    seeds: options.seeds,
    baselines: baselines.filter(chosen),
    candidates: all.filter((m) => !baselines.includes(m) && chosen(m)),
    progress,
  });
  // Tuning runs must never overwrite the protocol's report.
  const folder = options.heldOut === 'test' ? name : `${name}-validation`;
  const written = await writeReport(`${options.out}/${folder}`, name, result);
  for (const m of result.models) console.log(`${m.name.padEnd(32)} MAP@10 ${m.metrics['map@10'].mean.toFixed(4)}`);
  console.log(`report: ${written.join(', ')}`);
  return 0;
}

/** Whether every `--models` key names one of `models`; prints the error otherwise. */
function knownModels(keys: readonly string[] | undefined, models: readonly { readonly name: string }[]): boolean {
  const known = models.map((m) => modelKey(m.name));
  const unknown = keys?.filter((k) => !known.includes(k)) ?? [];
  if (unknown.length === 0) return true;
  console.error(`dlrs eval: --models: unknown ${unknown.join(', ')} (expected ${known.join(', ')})`);
  return false;
}

/** For a `movielens:PATH` spec whose folder has no ratings file: where to get the data and where to put it. */
function missingMovieLensHint(data: string): string {
  if (!data.startsWith('movielens:')) return '';
  const path = data.slice('movielens:'.length);
  if (existsSync(`${path}/ratings.csv`) || existsSync(`${path}/ratings.dat`) || existsSync(`${path}/u.data`)) return '';
  return `\nMovieLens is not at ${path}. Get ml-latest-small from GroupLens (${MOVIELENS_SMALL_URL}, research use, see its README.txt) and unzip it so that ${path}/ratings.csv exists, or point --data movielens:PATH (make eval MOVIELENS=PATH) at your copy.`;
}

interface EvalOptions {
  readonly data: string;
  readonly split: EvalSplit;
  readonly heldOut: HeldOutPart;
  readonly out: string;
  readonly seed: number;
  readonly seeds: number;
  /** Lower-cased model names to run; undefined = all. */
  readonly models: readonly string[] | undefined;
  readonly deep: DeepOptions;
}

/** `--deep`: training options, plus `refit: 1` to skip early stopping and fit all train events for `epochs` epochs. */
type DeepOptions = Partial<TrainConfig> & { readonly refit?: 1 };

function parseOptions(argv: string[]): EvalOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: DEFAULT_EVAL_DATA },
      split: { type: 'string', default: 'user' },
      'held-out': { type: 'string', default: 'test' },
      out: { type: 'string', default: DEFAULT_REPORT_DIR },
      seed: { type: 'string', default: String(DEFAULT_EVAL_SEED) },
      seeds: { type: 'string', default: String(DEFAULT_EVAL_SEEDS) },
      models: { type: 'string' },
      deep: { type: 'string', default: '{}' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const split = values.split;
  if (split !== 'user' && split !== 'global' && split !== 'cold-items' && split !== 'similar-items') throw new Error(`--split ${split}: expected user, global, cold-items or similar-items`);
  const heldOut = values['held-out'];
  if (heldOut !== 'test' && heldOut !== 'validation') throw new Error(`--held-out ${heldOut}: expected test or validation`);
  if (split === 'similar-items' && heldOut !== 'test') throw new Error('--held-out validation: only with the temporal splits (user, global) and cold-items');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed ${values.seed}: expected a non-negative integer`);
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds ${values.seeds}: expected a positive integer`);
  const models = values.models?.split(',').map((m) => modelKey(m.trim()));
  const deep = parseDeepOptions(values.deep);
  return { data: values.data, split, heldOut, out: values.out, seed, seeds, models, deep };
}

/** `--deep`: a JSON object of training options, checked now so that a typo fails before hours of baselines. */
function parseDeepOptions(json: string): DeepOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`--deep ${json}: not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`--deep ${json}: expected a JSON object`);
  const { refit, ...training } = parsed as Record<string, unknown>;
  const unknown = Object.keys(training).filter((key) => !(key in TRAIN_DEFAULTS));
  if (unknown.length > 0) throw new Error(`--deep: unknown training option ${unknown.join(', ')}`);
  if (refit !== undefined && refit !== 1) throw new Error(`--deep: refit ${JSON.stringify(refit)}: expected 1`);
  const options = training as Partial<TrainConfig>;
  resolveTrainConfig(options);
  return refit === 1 ? { ...options, refit } : options;
}

/** The report folder's name: the data folder's name for file datasets, `synthetic-SIZE` for generated ones. */
export function datasetName(spec: string): string {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon < 0 ? spec.length : colon);
  const argument = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind === 'movielens') return basename(argument.replace(/\/+$/, ''));
  if (kind === 'csv') return basename(argument.split(',')[1] ?? 'csv').replace(/\.[^.]*$/, '');
  return `${kind}-${argument}`;
}
