import { createModel } from '../model/index.js';
import type { Model } from '../model/index.js';
import { activeKernels, Adam, ADAM_DEFAULTS } from '../nn/index.js';
import type { ParamBuffers } from '../nn/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { GradientStep } from './gradient-step.js';
import type { StepLoss } from './training-objective.js';
import { sliceSeed } from './slice-seed.js';
import { LINEAR_LR_FLOOR } from './train-config.js';
import type { TrainConfig } from './train-config.js';
import type { TrainingData } from './training-data.js';

/** One epoch's figures (the progress line). */
export interface EpochReport {
  readonly epoch: number;
  readonly loss: number;
  readonly auxLoss: number;
  readonly examplesPerSecond: number;
  /** Validation MAP@10 (two-stage), or null without a validation set. */
  readonly validationMap: number | null;
  readonly seconds: number;
}

/** Where training stands after a step (the live progress line). */
export interface StepProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Examples of this epoch done so far, of `epochExamples`. */
  readonly examples: number;
  readonly epochExamples: number;
  /** Mean losses per example over the epoch so far. */
  readonly loss: number;
  readonly auxLoss: number;
  /** Seconds since the epoch started. */
  readonly seconds: number;
}

/** The trained model and how training went. */
export interface TrainOutcome {
  /** Weights of the best epoch by validation MAP@10 (the last epoch without validation). */
  readonly model: Model;
  readonly epochs: readonly EpochReport[];
  readonly bestEpoch: number;
  readonly bestValidationMap: number | null;
  /** Seconds spent in gradient steps and updates (validation excluded). */
  readonly trainSeconds: number;
  readonly examplesPerSecond: number;
  /**
   * Examples per CPU-second of the whole process (all threads) in the same steps: unlike
   * examples/s it barely moves when other processes load the machine.
   */
  readonly examplesPerCpuSecond: number;
  /** Forward + backward multiply-adds × 2 per training example. */
  readonly flopsPerExample: number;
  readonly gflopsPerSecond: number;
}

/** Gradient slices computed on other threads (see GradientWorkerPool). */
export interface ParallelGradients {
  readonly threads: number;
  /** Starts slices 1.. of a batch on the workers; resolves with their losses and multiply-adds. */
  run(slices: Int32Array[], batchSize: number, step: number): Promise<{ loss: StepLoss; macs: number }[]>;
  /** The workers' gradient buffers, in thread order: the main thread's shard of the update reads them too. */
  readonly gradientBuffers: readonly ParamBuffers[];
  /** Each worker merges every thread's gradients and applies Adam on its shard; resolves when all are done. */
  update(lr: number): Promise<void>;
}

/** Options of `trainModel`. */
export interface TrainModelOptions {
  readonly data: TrainingData;
  readonly config: TrainConfig;
  /** Validation MAP@10 of the current weights; early stopping follows it. */
  readonly validate?: (model: Model) => number;
  /** Sets the starting weights after the usual initialisation (a warm start); called before workers share them. */
  readonly initialize?: (model: Model) => void;
  /** Workers for data-parallel steps; they must share `model`'s weights (see `createSharedModel`). */
  readonly parallel?: { create: (model: Model) => Promise<ParallelGradients & { close(): Promise<void> }> };
  readonly log?: (line: string) => void;
  /** Called after every step. */
  readonly progress?: (progress: StepProgress) => void;
}

/**
 * Trains UserNet, ItemNet and RankNet jointly with Adam (lazy rows for tables): every
 * batch is split into one slice per thread, slices compute gradients in parallel over the
 * shared weights, the main thread sums them and applies the update. Early stopping keeps
 * the weights of the best validation MAP@10.
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainOutcome> {
  const { data, config } = options;
  const log = options.log ?? ((): void => undefined);
  const shape = { ...data.shape, ...(config.bagHalfLife > 0 ? { bagHalfLife: config.bagHalfLife } : {}), ...(config.recentBagLength > 0 ? { recentBagLength: config.recentBagLength, ...(config.recentBagShared ? { recentBagShared: true } : {}) } : {}), ...(config.featureWidthScale !== 1 ? { featureWidthScale: config.featureWidthScale } : {}) };
  const model = createModel(shape, config.seed, config.workers > 1);
  options.initialize?.(model);
  const pool = config.workers > 1 && options.parallel !== undefined ? await options.parallel.create(model) : null;
  log(`kernels: ${activeKernels() === 'wasm' ? 'WebAssembly SIMD GEMM, softmax, ELU, embedding bags and Adam' : 'JavaScript GEMM, softmax, ELU, embedding bags and Adam'} (DLRS_TRAINER_KERNELS=wasm|js)`);
  try {
    return await loop(model, data, config, options.validate, pool, log, options.progress);
  } finally {
    await pool?.close();
  }
}

async function loop(
  model: Model,
  data: TrainingData,
  config: TrainConfig,
  validate: ((model: Model) => number) | undefined,
  pool: ParallelGradients | null,
  log: (line: string) => void,
  progress: ((progress: StepProgress) => void) | undefined,
): Promise<TrainOutcome> {
  const step = new GradientStep(model, data, config);
  const adam = new Adam(model.layout, { lr: config.lr, ...ADAM_DEFAULTS });
  const threads = pool?.threads ?? 1;
  const sources = pool?.gradientBuffers ?? [];
  const order = Int32Array.from({ length: data.exampleCount }, (_, i) => i);
  const epochs: EpochReport[] = [];
  let best = { epoch: 0, map: -Infinity, values: model.buffers.values.slice() };
  let stepCount = 0;
  let trainSeconds = 0;
  let cpuMicros = 0;
  let macs = 0;
  let examples = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    new SeededRandom(sliceSeed(config.seed, epoch, 0xffff)).shuffle(order);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let loss = 0;
    let aux = 0;
    for (let from = 0; from < order.length; from += config.batch) {
      const batch = order.subarray(from, Math.min(order.length, from + config.batch));
      const slices = splitSlices(batch, threads);
      stepCount++;
      const others = pool !== null ? pool.run(slices, batch.length, stepCount) : Promise.resolve([]);
      const own = step.run(slices[0], batch.length, new SeededRandom(sliceSeed(config.seed, stepCount, 0)));
      macs += step.lastMacs;
      loss += own.main * batch.length;
      aux += own.aux * batch.length;
      for (const r of await others) {
        loss += r.loss.main * batch.length;
        aux += r.loss.aux * batch.length;
        macs += r.macs;
      }
      // Every thread merges the gradients and applies Adam on its own shard of the parameters.
      const lr = learningRate(config, stepCount, Math.ceil(order.length / config.batch));
      const updates = pool?.update(lr);
      adam.apply(model.buffers, lr, sources, 0, threads);
      await updates;
      const done = from + batch.length;
      progress?.({
        epoch,
        epochs: config.epochs,
        examples: done,
        epochExamples: order.length,
        loss: loss / done,
        auxLoss: aux / done,
        seconds: (performance.now() - started) / 1000,
      });
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    cpuMicros += cpu.user + cpu.system;
    trainSeconds += seconds;
    examples += order.length;
    const validationMap = validate !== undefined ? validate(model) : null;
    const report: EpochReport = {
      epoch,
      loss: loss / order.length,
      auxLoss: aux / order.length,
      examplesPerSecond: order.length / seconds,
      validationMap,
      seconds,
    };
    epochs.push(report);
    log(formatEpoch(report, config.epochs));
    const score = validationMap ?? epoch;
    if (score > best.map) best = { epoch, map: score, values: model.buffers.values.slice() };
    else if (epoch - best.epoch >= config.patience) {
      log(`early stop: no better validation MAP@10 for ${config.patience} epochs; keeping epoch ${best.epoch}`);
      break;
    }
  }
  model.buffers.values.set(best.values);
  const flopsPerExample = (2 * macs) / Math.max(1, examples);
  return {
    model,
    epochs,
    bestEpoch: best.epoch,
    bestValidationMap: validate !== undefined ? best.map : null,
    trainSeconds,
    examplesPerSecond: examples / trainSeconds,
    examplesPerCpuSecond: examples / (cpuMicros / 1e6),
    flopsPerExample,
    gflopsPerSecond: (2 * macs) / trainSeconds / 1e9,
  };
}

function splitSlices(batch: Int32Array, threads: number): Int32Array[] {
  const out: Int32Array[] = [];
  const per = Math.ceil(batch.length / threads);
  for (let t = 0; t < threads; t++) out.push(batch.slice(t * per, Math.min(batch.length, (t + 1) * per)));
  return out;
}

function formatEpoch(r: EpochReport, total: number): string {
  const map = r.validationMap === null ? '' : `  val MAP@10 ${r.validationMap.toFixed(4)}`;
  return `epoch ${r.epoch}/${total}  loss ${r.loss.toFixed(4)} (+${r.auxLoss.toFixed(4)})  ${Math.round(r.examplesPerSecond)} ex/s${map}  ${r.seconds.toFixed(1)} s`;
}

/** The rate of step `step` (1-based) under the config's schedule, with `stepsPerEpoch` steps an epoch. */
export function learningRate(config: Pick<TrainConfig, 'lr' | 'lrSchedule' | 'epochs'>, step: number, stepsPerEpoch: number): number {
  if (config.lrSchedule === 'constant') return config.lr;
  const progress = Math.min(1, (step - 1) / (config.epochs * stepsPerEpoch));
  return config.lr * (1 - (1 - LINEAR_LR_FLOOR) * progress);
}
