import { dirname, join } from 'node:path';
import { readBundle } from '../../shared/bundle/index.js';
import { writeModelBundle } from './export/index.js';
import { resolveTrainConfig, runTraining } from './training/index.js';
import type { TrainConfig } from './training/index.js';
import { stderrProgress } from './progress/index.js';
import { DEFAULT_DECISION_RULE, decide, formatDecision, GATE_METRICS } from './retrain/decision-rule.js';
import type { DecisionRule } from './retrain/decision-rule.js';
import { holdoutScores } from './retrain/holdout-scores.js';
import { appendRegistryEntry, readRegistry } from './retrain/model-registry.js';
import { priorDecision } from './retrain/prior-decision.js';
import { pruneRetrainBundles } from './retrain/prune-retrain-bundles.js';
import { bundleWeights } from './retrain/bundle-weights.js';
import { organicHoldout, readExposures } from './retrain/organic-holdout.js';
import { formatWarmStart, warmStart } from './retrain/warm-start.js';
import type { Model } from './model/index.js';
import { prepareData } from './training/prepare-data.js';
import type { DataRecipe, PreparedData } from './training/prepare-data.js';
import type { RegistryEntry } from './retrain/model-registry.js';
import { parseCommandFlags } from './command-flags.js';

/** Half an hour: a click on a shown item comes within minutes; a later visit to it is the user's own. */
const DEFAULT_EXPOSURE_WINDOW_MS = 1_800_000;

const USAGE = `Usage: dlrs retrain --log DIR --serving BUNDLE --out DIR [options]

Trains a candidate on the gateway's interaction log (the serving bundle's catalog with the
items upserted and deleted through the gateway since, as the log records them), starting from
the serving bundle's weights (warm start: known items and feature values keep their rows, new
ones start fresh), holds out the most recent window of the log (one time cut) minus the events
on items impressed to that user just before (organic events only), compares candidate and
serving model on it, both ranking as the gateway does (300 retrieval candidates reordered by
RankNet) without the items each user was shown (MAP@10, Recall@100, paired bootstrap over
users; docs/evaluation.md) and appends the decision to the registry. Exit code 0: promoted, 3: refused (the candidate bundle is still written, for
inspection), 2: usage, 1: failure.
Run again with the same --out (a retried Job), it neither trains nor decides again: a complete bundle
there that the registry has decided on exits as decided (0 or 3; a promoted one only while --serving
is still its parent); a damaged or undecided one is refused (exit 1) with what to do.
  --registry FILE         registry.jsonl to append to (default: registry.jsonl beside --out)
  --keep-bundles N        then remove the bundles beside --out of older registry entries, keeping the newest N
                          promoted and the newest N refused ones, --serving and --out (N >= 2: dlrs rollback
                          needs the promoted one before the newest; default: remove nothing)
  --exposure-window-ms N  a held-out event on an item impressed to its user at most N ms before is left out (default ${DEFAULT_EXPOSURE_WINDOW_MS}; 0 keeps every event)
  --cold-start            train from a fresh initialisation instead of the serving weights
  --train-log DIR         train on this log instead (a filtered or transformed copy of --log); the hold-out, the
                          users' profiles it is ranked from and the exposures still come from --log
  --min-relative-mean X   candidate mean ≥ (1+X) × serving mean on each metric (default ${DEFAULT_DECISION_RULE.minRelativeMean})
  --min-ci-low X          lower CI bound of the relative difference ≥ X (default ${DEFAULT_DECISION_RULE.minCiLow})
  --epochs N  --seed N  --workers N  --batch N  --lr X   training options as in dlrs train (dim and bag length follow the serving bundle;
                          a day's log is small: a batch well under its example count gives an epoch several steps)`;

/** Exit code of a refused candidate: a CronJob step can tell "no better model" from a failure. */
export const EXIT_REFUSED = 3;

/** `dlrs retrain`: returns the process exit code. */
export async function runRetrain(argv: string[]): Promise<number> {
  const values = parseCommandFlags('retrain', USAGE, argv, {
    log: { type: 'string' },
    serving: { type: 'string' },
    out: { type: 'string' },
    registry: { type: 'string' },
    'exposure-window-ms': { type: 'string' },
    'keep-bundles': { type: 'string' },
    'cold-start': { type: 'boolean' },
    'train-log': { type: 'string' },
    'min-relative-mean': { type: 'string' },
    'min-ci-low': { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
  });
  if (typeof values === 'number') return values;
  if (values.log === undefined || values.serving === undefined || values.out === undefined) {
    console.error(`dlrs retrain: --log, --serving and --out are required\n\n${USAGE}`);
    return 2;
  }
  const num = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${flag} ${v}: expected a number`);
    return n;
  };
  let rule: DecisionRule;
  let overrides: Partial<TrainConfig>;
  let exposureWindowMs: number;
  let keepBundles: number | undefined;
  try {
    keepBundles = num(values['keep-bundles'], 'keep-bundles');
    if (keepBundles !== undefined && !(Number.isInteger(keepBundles) && keepBundles >= 2)) throw new Error(`--keep-bundles ${keepBundles}: expected an integer >= 2 (dlrs rollback returns to the promoted bundle before the newest)`);
    exposureWindowMs = num(values['exposure-window-ms'], 'exposure-window-ms') ?? DEFAULT_EXPOSURE_WINDOW_MS;
    if (exposureWindowMs < 0) throw new Error(`--exposure-window-ms ${exposureWindowMs}: expected a non-negative number`);
    rule = {
      ...DEFAULT_DECISION_RULE,
      minRelativeMean: num(values['min-relative-mean'], 'min-relative-mean') ?? DEFAULT_DECISION_RULE.minRelativeMean,
      minCiLow: num(values['min-ci-low'], 'min-ci-low') ?? DEFAULT_DECISION_RULE.minCiLow,
    };
    const partial: Record<string, number | undefined> = { epochs: num(values.epochs, 'epochs'), seed: num(values.seed, 'seed'), workers: num(values.workers, 'workers'), batch: num(values.batch, 'batch'), lr: num(values.lr, 'lr') };
    for (const key of Object.keys(partial)) if (partial[key] === undefined) delete partial[key];
    overrides = partial;
  } catch (err) {
    console.error(`dlrs retrain: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const registry = values.registry ?? join(dirname(values.out), 'registry.jsonl');
  const status = stderrProgress();
  const { out, serving: servingDir } = values;
  const prune = async (): Promise<void> => {
    if (keepBundles === undefined) return;
    const removed = await pruneRetrainBundles(dirname(out), await readRegistry(registry), { keep: keepBundles, protect: [servingDir, out] });
    if (removed.length > 0) console.log(`removed ${removed.length} older bundle(s): ${removed.join(', ')}`);
  };
  try {
    const serving = await readBundle(values.serving);
    const decided = await priorDecision(values.out, registry, serving.manifest.modelVersion);
    if (decided !== undefined) {
      console.log(`${values.out}: bundle ${decided.version} was decided on ${decided.decidedAt} (${decided.decision}, data window ${decided.dataWindow.from} .. ${decided.dataWindow.to}); neither trained nor decided again`);
      await prune();
      return decided.decision === 'promote' ? 0 : EXIT_REFUSED;
    }
    const config = resolveTrainConfig({ ...overrides, dim: serving.manifest.dim, bagLength: serving.manifest.bagLength });
    const data = `log:${values['train-log'] ?? values.log}`;
    const warm = values['cold-start'] !== true;
    const weights = warm ? bundleWeights(serving) : undefined;
    const recipe = { data, items: values.serving, skipBadRows: true, dim: config.dim, bagLength: config.bagLength, horizon: config.horizon, targetWindow: config.targetWindow, holdOutTest: true, testSplit: 'global' as const };
    const run = await runTraining(warm ? { ...recipe, baseSpec: serving.manifest.featureSpec } : recipe, config, {
      log: (line) => status.line(line),
      ...(weights === undefined ? {} : { initialize: (model: Model, prepared: PreparedData): void => status.line(formatWarmStart(warmStart(model, prepared.spec, serving.manifest.featureSpec, weights))) }),
    });
    status.clear();
    const evaluation = values['train-log'] === undefined ? run.prepared : await evaluationData(run.prepared, { ...recipe, data: `log:${values.log}` });
    const window = dataWindow(evaluation.dataset.interactions.timestamp, evaluation.train.timestamps);
    const cut = Date.parse(window.trainUntil);
    const holdout = exposureWindowMs === 0 ? undefined : organicHoldout(evaluation.test, evaluation.dataset, await readExposures(values.log, cut - exposureWindowMs), exposureWindowMs);
    if (holdout !== undefined) {
      console.log(`hold-out: ${holdout.organic} organic events kept, ${holdout.exposed} on items impressed to the user within ${exposureWindowMs} ms before left out (${holdout.usersDropped} users left without one)`);
    }
    const scores = holdout === undefined ? await holdoutScores(run.model, serving, evaluation) : await holdoutScores(run.model, serving, { ...evaluation, test: holdout.test }, holdout.shown);
    const decision = decide(scores.candidate, scores.serving, rule);
    const manifest = await writeModelBundle(values.out, {
      model: run.model,
      spec: run.prepared.spec,
      catalog: run.prepared.dataset.items,
      dataset: `${data} --items ${values.serving}`,
      training: { ...config, holdout: 'global', exposureWindowMs, warmStart: warm, parent: serving.manifest.modelVersion },
      metrics: Object.fromEntries(GATE_METRICS.map((m) => [`holdout_${m}`, decision.comparison[m].meanA])),
    });
    const entry: RegistryEntry = {
      version: manifest.modelVersion,
      parent: serving.manifest.modelVersion,
      bundle: values.out,
      decidedAt: new Date().toISOString(),
      dataWindow: window,
      holdout: { exposureWindowMs, organic: holdout?.organic ?? countHeldOut(evaluation.test.offsets), exposed: holdout?.exposed ?? 0 },
      warmStart: warm,
      metrics: Object.fromEntries(
        GATE_METRICS.map((m) => {
          const c = decision.comparison[m];
          return [m, { candidate: c.meanA, serving: c.meanB, relative: c.relative, low: c.low, high: c.high }];
        }),
      ),
      decision: decision.promote ? 'promote' : 'refuse',
      reasons: decision.reasons,
    };
    await appendRegistryEntry(registry, entry);
    await prune();
    console.log(`candidate ${manifest.modelVersion} (${values.out}) vs serving ${serving.manifest.modelVersion} on the hold-out window\n${formatDecision(decision)}\nregistry ${registry}`);
    return decision.promote ? 0 : EXIT_REFUSED;
  } catch (err) {
    status.line(`dlrs retrain: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/**
 * The hold-out and profiles of `recipe` (the real log) in the candidate's vocabulary: both
 * read the serving bundle's catalog, so catalog rows agree and the trained spec and encoded
 * items apply; the log's users and events are its own.
 */
async function evaluationData(trained: PreparedData, recipe: DataRecipe): Promise<PreparedData> {
  const real = await prepareData({ ...recipe, baseSpec: trained.spec });
  if (real.dataset.items.ids.length !== trained.dataset.items.ids.length) throw new Error('the training and evaluation logs read different catalogs');
  return { ...real, spec: trained.spec, encoded: trained.encoded, training: trained.training };
}

function countHeldOut(offsets: Int32Array): number {
  return offsets[offsets.length - 1] ?? 0;
}

/** First event, the hold-out cut (the newest train event) and the last event, as ISO times. */
function dataWindow(all: Float64Array, train: Float64Array): RegistryEntry['dataWindow'] {
  const iso = (t: number): string => new Date(Number.isFinite(t) ? t : 0).toISOString();
  let min = Infinity;
  let max = -Infinity;
  for (const t of all) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  let cut = -Infinity;
  for (const t of train) if (t > cut) cut = t;
  return { from: iso(min), trainUntil: iso(cut), to: iso(max) };
}
