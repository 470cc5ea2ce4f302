// Trainer at scale: a seeded synthetic dataset (default 20M interactions, 200k users, 100k items),
// trained for a fixed number of epochs on the default model. Reports time per epoch, examples
// per CPU-second, GFLOP/s, peak RSS (the whole process, worker threads included) and validation
// MAP@10 on a seeded sample of the validation users (ranking all 200k users against the whole
// catalog would cost more than the epoch). Progress and the run's ETA stay live on stderr.
// Writes reports/bench-trainer-scale.json, which `make bench-trainer` prints back.
import { loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { activeKernels } from '../../services/trainer/nn/index.js';
import { formatDuration, formatStepProgress, stderrProgress } from '../../services/trainer/progress/index.js';
import type { StepProgress } from '../../services/trainer/training/index.js';
import { GradientWorkerPool, heldOutMap10, prepareData, resolveTrainConfig, trainModel } from '../../services/trainer/training/index.js';
import type { DataRecipe, PreparedData } from '../../services/trainer/training/index.js';
import { SeededRandom } from '../../shared/random/index.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200000' },
    items: { type: 'string', default: '100000' },
    interactions: { type: 'string', default: '20000000' },
    epochs: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'validation-users': { type: 'string', default: '2000' },
    // Generate and build the training data only: its time and peak RSS at a size too slow to train here.
    'data-only': { type: 'boolean', default: false },
    out: { type: 'string', default: 'reports/bench-trainer-scale.json' },
  },
});

const GIB = 1024 ** 3;
/** The bounds for the full size: one epoch within 10 minutes on 2 cores, peak RSS within 8 GiB. */
const EPOCH_GOAL_SECONDS = 600;
const RSS_GOAL_BYTES = 8 * GIB;
/** The full size the figures are projected to when the run is smaller. */
const FULL_INTERACTIONS = 20_000_000;

const started = performance.now();
const elapsed = (): string => formatDuration((performance.now() - started) / 1000);
const peakRssBytes = (): number => process.resourceUsage().maxRSS * 1024;
const log = (line: string): void => stderrProgress().line(`[${elapsed()}, load ${loadavg()[0].toFixed(1)}, peak RSS ${(peakRssBytes() / GIB).toFixed(2)} GiB] ${line}`);

const interactions = Number(values.interactions);
const recipe: DataRecipe = { data: `synthetic:${values.users},${values.items},${interactions}`, dim: 32, holdOutTest: false };
const config = resolveTrainConfig({ workers: Number(values.workers), epochs: Number(values.epochs), patience: Number(values.epochs) });

log(`generating ${recipe.data} (seeded) and building the training data on the main thread; the worker threads rebuild the same on start`);
const prepareStarted = performance.now();
const prepared = await prepareData({ ...recipe, dim: config.dim });
const prepareSeconds = (performance.now() - prepareStarted) / 1000;
const t = prepared.training;
log(`data: ${t.catalogSize} items, ${t.exampleCount} training examples, ${prepared.validation.users.length} validation users (${prepareSeconds.toFixed(1)} s)`);
if (values['data-only']) {
  console.log(`data only ${recipe.data}: ${t.exampleCount} examples, ${prepareSeconds.toFixed(1)} s, peak RSS ${(peakRssBytes() / GIB).toFixed(2)} GiB for one copy (a ${config.workers}-thread run holds ${config.workers}); load average ${loadavg()[0].toFixed(2)}`);
  process.exit(0);
}

const sample = sampleHeldOut(prepared, Number(values['validation-users']));
const validate = (model: Parameters<typeof heldOutMap10>[0]): number => {
  const map = heldOutMap10(model, prepared, prepared.fit, sample, 'two-stage', config.candidates);
  log(`  validation MAP@10 (two-stage, ${sample.users.length} sampled users): ${map.toFixed(4)}`);
  return map;
};
const factory = { module: new URL('../../services/trainer/training/prepare-data.ts', import.meta.url).href, exportName: 'prepareTrainingData', args: { ...recipe, dim: config.dim } };
// Until the first step the main thread waits for the worker threads' rebuild (minutes at 20M): say so.
const rebuilding = setInterval(() => log('the worker threads are still building their copy of the training data'), 30_000);
const outcome = await trainModel({
  data: t,
  config,
  validate,
  parallel: { create: (model) => GradientWorkerPool.start(model, config.workers, factory, config) },
  log,
  progress: (p) => {
    clearInterval(rebuilding);
    stderrProgress().status(`${formatStepProgress(p)}  run ETA ${formatDuration(runEta(p))}  [${elapsed()}]`);
  },
});
clearInterval(rebuilding);
stderrProgress().clear();

const epochSeconds = outcome.epochs.map((e) => Number(e.seconds.toFixed(1)));
const meanEpochSeconds = outcome.trainSeconds / outcome.epochs.length;
const row = {
  data: recipe.data,
  kernels: activeKernels(),
  workers: config.workers,
  epochs: outcome.epochs.length,
  trainingExamples: t.exampleCount,
  prepareSeconds: Number(prepareSeconds.toFixed(1)),
  epochSeconds,
  examplesPerSecond: Math.round(outcome.examplesPerSecond),
  examplesPerCpuSecond: Math.round(outcome.examplesPerCpuSecond),
  gflopsPerSecond: Number(outcome.gflopsPerSecond.toFixed(2)),
  peakRssGiB: Number((peakRssBytes() / GIB).toFixed(2)),
  validationUsers: sample.users.length,
  validationMap10: Number((outcome.bestValidationMap ?? 0).toFixed(4)),
  // At the same rate, an epoch of the full size has FULL_INTERACTIONS / interactions times the examples.
  projectedFullEpochSeconds: Math.round((meanEpochSeconds * FULL_INTERACTIONS) / interactions),
  wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  loadAverage1m: Number(loadavg()[0].toFixed(2)),
  date: new Date().toISOString(),
};
console.log(
  `scale run ${row.data}, ${row.kernels} kernels, ${row.workers} threads: ${row.trainingExamples} examples, epoch ${epochSeconds.join(', ')} s, ` +
    `${row.examplesPerSecond} examples/s (${row.examplesPerCpuSecond} per CPU-second), ${row.gflopsPerSecond} GFLOP/s, peak RSS ${row.peakRssGiB} GiB ` +
    `(goal ≤ ${RSS_GOAL_BYTES / GIB}), validation MAP@10 ${row.validationMap10} after ${row.epochs} epoch(s) on ${row.validationUsers} users; data ${row.prepareSeconds} s, wall ${row.wallSeconds} s; load average ${row.loadAverage1m}`,
);
if (interactions !== FULL_INTERACTIONS) {
  console.log(`  at this rate an epoch of ${FULL_INTERACTIONS / 1e6}M interactions would take ~${formatDuration(row.projectedFullEpochSeconds)} (goal ≤ ${formatDuration(EPOCH_GOAL_SECONDS)}); peak RSS was not measured at that size`);
}
console.log(JSON.stringify(row));
await mkdir('reports', { recursive: true });
await writeFile(values.out, `${JSON.stringify(row, null, 2)}\n`);
console.log(`wrote ${values.out}`);

/** Seconds left in the whole run at the current epoch's rate (validation passes not included). */
function runEta(p: StepProgress): number {
  const rate = p.seconds > 0 ? p.examples / p.seconds : 0;
  return rate > 0 ? (p.epochExamples - p.examples + (p.epochs - p.epoch) * p.epochExamples) / rate : NaN;
}

/** A seeded sample of `count` validation users with their held-out items. */
function sampleHeldOut(data: PreparedData, count: number): PreparedData['validation'] {
  const all = data.validation;
  const picks = new SeededRandom(1).shuffle(Int32Array.from({ length: all.users.length }, (_, i) => i)).subarray(0, Math.min(count, all.users.length)).sort();
  const offsets = new Int32Array(picks.length + 1);
  for (let i = 0; i < picks.length; i++) offsets[i + 1] = offsets[i] + all.offsets[picks[i] + 1] - all.offsets[picks[i]];
  const items = new Int32Array(offsets[picks.length]);
  for (let i = 0; i < picks.length; i++) items.set(all.items.subarray(all.offsets[picks[i]], all.offsets[picks[i] + 1]), offsets[i]);
  return { users: Int32Array.from(picks, (r) => all.users[r]), offsets, items };
}
