// `dlrs eval`: the offline evaluation protocol on a dataset, written as a report folder.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from './datasets/index.js';
import type { Dataset } from './datasets/index.js';
import { BASELINES, itemIdOrder, runEvaluation, writeReport } from './eval/index.js';
import type { HeldOutPart, Recommender, SplitMode } from './eval/index.js';
import { TRAIN_DEFAULTS, deepRecommender, resolveTrainConfig } from './training/index.js';
import type { TrainConfig } from './training/index.js';
import { formatStepProgress, stderrProgress } from './progress/index.js';

/** The dataset `make eval` reports on, relative to the repository root. */
export const DEFAULT_EVAL_DATA = 'movielens:../shared/data/movielens/ml-latest-small';
/** Reports go to reports/<dataset>/, git-ignored. */
export const DEFAULT_REPORT_DIR = 'reports';
/** Fixed so that two runs of `make eval` give the same report. */
export const DEFAULT_EVAL_SEED = 42;

const USAGE = `Usage: dlrs eval [--data SPEC] [--split user|global] [--held-out test|validation] [--out DIR] [--seed N] [--models a,b]

Runs the offline evaluation protocol (../shared/docs/evaluation.md) and writes
DIR/<dataset>/report.md, report.json, map-at-k.svg and map-at-k.png.

  --data SPEC     movielens:PATH | synthetic:SIZE | csv:ITEMS,INTERACTIONS,SCHEMA (default ${DEFAULT_EVAL_DATA})
  --split MODE    user: per-user temporal split (default); global: one time cut
  --held-out P    test: the protocol (default); validation: a tuning run that drops the
                  test part and evaluates on the validation part (never reads test)
  --out DIR       report root (default ${DEFAULT_REPORT_DIR})
  --seed N        seed of initialisations and the bootstrap (default ${DEFAULT_EVAL_SEED})
  --models LIST   models to run, of ${BASELINES.map((b) => b.name).join(', ')} and Deep (default all)
  --deep JSON     training options of the deep model over the trainer's defaults, e.g. '{"dim":64}'
                  (for tuning runs with --held-out validation)`;

/**
 * The models compared with the baselines, built from the loaded dataset and its `--data` spec
 * (workers reload the data by name): the deep model as one `Recommender` whose `fit` trains
 * once and returns its forms (two-stage C = 100 and 300, retrieval only, gold standard).
 */
export type CandidateFactory = (dataset: Dataset, data: string) => readonly Recommender[];

/** Runs `dlrs eval` with `argv` (the arguments after `eval`); returns the process exit code. */
export async function runEval(argv: string[], candidates?: CandidateFactory): Promise<number> {
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
  progress(`loading ${options.data}`);
  let dataset: Dataset;
  try {
    dataset = await loadDataset(options.data);
  } catch (error) {
    console.error(`dlrs eval: ${(error as Error).message}`);
    return 1;
  }
  const name = datasetName(options.data);
  const { interactions, items } = dataset;
  // The deep model: one fit, early-stopped on the validation rule inside train; `--deep` overrides its options.
  const { refit, ...deepOptions } = options.deep;
  const grid = refit === undefined ? undefined : [{ refit, epochs: deepOptions.epochs ?? TRAIN_DEFAULTS.epochs }];
  const factory = candidates ?? ((d: Dataset, spec: string) => [deepRecommender(d, spec, deepOptions, grid, (p) => stderrProgress().status(`Deep: ${formatStepProgress(p)}`))]);
  const all = [...BASELINES, ...factory(dataset, options.data)];
  const known = all.map((m) => m.name.toLowerCase());
  const unknown = options.models?.filter((w) => !known.includes(w)) ?? [];
  if (unknown.length > 0) {
    console.error(`dlrs eval: --models: unknown ${unknown.join(', ')} (expected ${all.map((m) => m.name).join(', ')})`);
    return 2;
  }
  const chosen = (m: Recommender): boolean => options.models === undefined || options.models.includes(m.name.toLowerCase());
  const result = await runEvaluation({
    log: interactions,
    numUsers: interactions.userIds.length,
    numItems: items.ids.length,
    split: options.split,
    heldOut: options.heldOut,
    itemOrder: itemIdOrder(items.ids),
    seed: options.seed,
    baselines: BASELINES.filter(chosen),
    candidates: all.filter((m) => !BASELINES.includes(m) && chosen(m)),
    progress,
  });
  // Tuning runs must never overwrite the protocol's report.
  const folder = options.heldOut === 'test' ? name : `${name}-validation`;
  const written = await writeReport(`${options.out}/${folder}`, name, result);
  for (const m of result.models) console.log(`${m.name.padEnd(32)} MAP@10 ${m.metrics['map@10'].mean.toFixed(4)}`);
  console.log(`report: ${written.join(', ')}`);
  return 0;
}

interface EvalOptions {
  readonly data: string;
  readonly split: SplitMode;
  readonly heldOut: HeldOutPart;
  readonly out: string;
  readonly seed: number;
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
      models: { type: 'string' },
      deep: { type: 'string', default: '{}' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.split !== 'user' && values.split !== 'global') throw new Error(`--split ${values.split}: expected user or global`);
  const heldOut = values['held-out'];
  if (heldOut !== 'test' && heldOut !== 'validation') throw new Error(`--held-out ${heldOut}: expected test or validation`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed ${values.seed}: expected a non-negative integer`);
  const models = values.models?.split(',').map((m) => m.trim().toLowerCase());
  const deep = parseDeepOptions(values.deep);
  return { data: values.data, split: values.split, heldOut, out: values.out, seed, models, deep };
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
