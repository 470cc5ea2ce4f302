import { existsSync } from 'node:fs';
import { writeModelBundle } from './export/index.js';
import { NEG_RATIO_THESIS, resolveTrainConfig, runTraining, TRAIN_DEFAULTS } from './training/index.js';
import type { TrainConfig } from './training/index.js';
import { formatStepProgress, stderrProgress } from './progress/index.js';
import { parseCommandFlags } from './command-flags.js';

const USAGE = `Usage: dlrs train --data synthetic:SIZE|movielens:PATH|csv:ITEMS,INTERACTIONS,SCHEMA|log:DIR --out DIR [options]

Trains UserNet, ItemNet and RankNet and writes an immutable model bundle to DIR.
  --data log:DIR               the gateway's interaction log (its interaction records; impressions
                               are ignored). The log holds item ids only, so --items is required.
  --items BUNDLE_DIR|csv:ITEMS,SCHEMA
                               the items of log:DIR data: usually the bundle the gateway serves
                               (bundle:DIR or just DIR; its items.jsonl and feature kinds), or a
                               generic-layout items file with its schema. An event on an item not
                               there is a bad row.
  --skip-bad-rows              count and skip malformed rows (and log events on unknown items)
                               instead of failing on the first one
  --objective thesis|softmax   training objective (default ${TRAIN_DEFAULTS.objective})
  --dim N                      embedding dimension d (default ${TRAIN_DEFAULTS.dim})
  --epochs N                   maximum epochs; early stopping on validation MAP@10 (default ${TRAIN_DEFAULTS.epochs})
  --lambda X                   weight of the thesis' cosine term (default ${TRAIN_DEFAULTS.lambda})
  --neg-ratio N                negatives per positive (default ${TRAIN_DEFAULTS.negRatio}; thesis ${NEG_RATIO_THESIS})
  --neg-sampler uniform|category   thesis negatives: uniform or Algorithm 1 (default ${TRAIN_DEFAULTS.negSampler})
  --batch N                    examples per step (default ${TRAIN_DEFAULTS.batch})
  --lr X                       Adam learning rate (default ${TRAIN_DEFAULTS.lr})
  --lr-schedule constant|linear   learning rate: constant, or falling linearly over the epochs (default ${TRAIN_DEFAULTS.lrSchedule})
  --seed N                     seed of initialisation and sampling (default ${TRAIN_DEFAULTS.seed})
  --workers N                  threads (default ${TRAIN_DEFAULTS.workers})
  --full-softmax               softmax over the whole catalog instead of sampled candidates
  --holdout test|none          hold out the evaluation's test part (default test) or train on everything
  --horizon X                  targets up to X × the history's length ahead of it (default ${TRAIN_DEFAULTS.horizon}; 0 = next item)
  --target-window K            each target drawn among the K items after its history (default ${TRAIN_DEFAULTS.targetWindow}; 1 = next item)
  --bag-length N               recent items in a user profile (default ${TRAIN_DEFAULTS.bagLength})
  --bag-half-life X            UserNet weighs bag position n by 2^(-n/X); 0 = equal weights (default ${TRAIN_DEFAULTS.bagHalfLife})
  --recent-bag N               UserNet's second bag over the N most recent items, own table; 0 = none (default ${TRAIN_DEFAULTS.recentBagLength})
  --recent-bag-shared          the second bag reads the first bag's item table instead of its own
  --log-q-weight X             weight of the sampled softmax's popularity correction (default ${TRAIN_DEFAULTS.logQWeight})
  --refit                      after early stopping, retrain on all train events for the chosen epochs`;

/** `dlrs train`: returns the process exit code (0 ok, 2 usage error, 1 failure). */
export async function runTrain(argv: string[]): Promise<number> {
  const values = parseCommandFlags('train', USAGE, argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    objective: { type: 'string' },
    dim: { type: 'string' },
    epochs: { type: 'string' },
    lambda: { type: 'string' },
    'neg-ratio': { type: 'string' },
    'neg-sampler': { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'lr-schedule': { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    'full-softmax': { type: 'boolean' },
    holdout: { type: 'string' },
    'bag-length': { type: 'string' },
    'bag-half-life': { type: 'string' },
    'recent-bag': { type: 'string' },
    'recent-bag-shared': { type: 'boolean' },
    'log-q-weight': { type: 'string' },
    horizon: { type: 'string' },
    'target-window': { type: 'string' },
    refit: { type: 'boolean' },
    items: { type: 'string' },
    'skip-bad-rows': { type: 'boolean' },
  });
  if (typeof values === 'number') return values;
  if (values.data === undefined || values.out === undefined) {
    console.error(`dlrs train: --data and --out are required\n\n${USAGE}`);
    return 2;
  }
  let config: TrainConfig;
  const holdout = values.holdout ?? 'test';
  try {
    const num = (v: string | undefined, flag: string): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${flag} ${v}: expected a number`);
      return n;
    };
    const partial: Record<string, unknown> = {
      objective: values.objective,
      dim: num(values.dim, 'dim'),
      epochs: num(values.epochs, 'epochs'),
      lambda: num(values.lambda, 'lambda'),
      negRatio: num(values['neg-ratio'], 'neg-ratio'),
      negSampler: values['neg-sampler'],
      batch: num(values.batch, 'batch'),
      lr: num(values.lr, 'lr'),
      lrSchedule: values['lr-schedule'],
      seed: num(values.seed, 'seed'),
      workers: num(values.workers, 'workers'),
      fullSoftmax: values['full-softmax'],
      horizon: num(values.horizon, 'horizon'),
      targetWindow: num(values['target-window'], 'target-window'),
      bagLength: num(values['bag-length'], 'bag-length'),
      bagHalfLife: num(values['bag-half-life'], 'bag-half-life'),
      recentBagLength: num(values['recent-bag'], 'recent-bag'),
      recentBagShared: values['recent-bag-shared'],
      logQWeight: num(values['log-q-weight'], 'log-q-weight'),
    };
    for (const key of Object.keys(partial)) if (partial[key] === undefined) delete partial[key];
    config = resolveTrainConfig(partial as Partial<TrainConfig>);
    if (holdout !== 'test' && holdout !== 'none') throw new Error(`--holdout ${holdout}: expected test or none`);
  } catch (err) {
    console.error(`dlrs train: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  // Bundles are immutable: fail before training rather than after it.
  if (existsSync(values.out)) {
    console.error(`dlrs train: bundle ${values.out} already exists (bundles are immutable; choose a new directory)`);
    return 1;
  }
  const status = stderrProgress();
  const log = (line: string): void => status.line(line);
  try {
    const run = await runTraining({ data: values.data, items: values.items, skipBadRows: values['skip-bad-rows'] === true, dim: config.dim, bagLength: config.bagLength, horizon: config.horizon, targetWindow: config.targetWindow, holdOutTest: holdout === 'test' }, config, {
      log,
      progress: (p) => status.status(formatStepProgress(p)),
      refit: values.refit === true,
    });
    status.clear();
    const o = run.outcome;
    const metrics = {
      validationMap10: run.validationMap10,
      popularityValidationMap10: run.popularityValidationMap10,
      bestEpoch: o.bestEpoch,
      examplesPerSecond: o.examplesPerSecond,
      flopsPerExample: o.flopsPerExample,
      gflopsPerSecond: o.gflopsPerSecond,
      trainSeconds: o.trainSeconds,
    };
    const manifest = await writeModelBundle(values.out, {
      model: run.model,
      spec: run.prepared.spec,
      catalog: run.prepared.dataset.items,
      dataset: values.items === undefined ? values.data : `${values.data} --items ${values.items}`,
      training: { ...config, holdout, refit: values.refit === true, bagLength: run.prepared.spec.bagLength },
      metrics,
    });
    console.log(
      [
        `bundle ${values.out}  model_version ${manifest.modelVersion}`,
        `  validation MAP@10 ${run.validationMap10.toFixed(4)} (two-stage, C=${config.candidates}) vs popularity ${run.popularityValidationMap10.toFixed(4)}; best epoch ${o.bestEpoch}`,
        `  ${Math.round(o.examplesPerSecond)} examples/s on ${config.workers} thread(s), ${(o.flopsPerExample / 1e3).toFixed(0)} kFLOP/example, ${o.gflopsPerSecond.toFixed(2)} GFLOP/s`,
        `  wall time ${run.wallSeconds.toFixed(1)} s (data ${run.prepareSeconds.toFixed(1)} s, training ${o.trainSeconds.toFixed(1)} s${run.refit === null ? '' : `, refit ${run.refit.trainSeconds.toFixed(1)} s`})`,
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    status.line(`dlrs train: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
