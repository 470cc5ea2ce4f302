// Trainer benchmark: GEMM kernel GFLOP/s and softmax ns per logit, then a full training per thread count on
// ml-latest-small (or --data): examples/s, FLOPs per example, GFLOP/s, wall time and
// validation MAP@10 against popularity, for each kernel set (JavaScript, the reference and the before;
// WebAssembly SIMD, the after) in the same process. Prints a table and writes reports/bench-trainer.json.
// FLOPs per example differ by thread count, and rightly: each thread's sampled softmax ranks its
// slice's in-batch targets plus the uniform extras (batch 1024: 1 thread 1024 + 256 candidates
// per row, 2 threads 512 + 256), so one thread computes a larger softmax for the same examples.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { allocateBuffers, bindParams, kernelsNamed, LayoutBuilder, residentFloats, useKernels } from '../../services/trainer/nn/index.js';
import type { KernelsName } from '../../services/trainer/nn/index.js';
import { SeededRandom } from '../../shared/random/index.js';
import { formatStepProgress, stderrProgress } from '../../services/trainer/progress/index.js';
import { resolveTrainConfig, runTraining, TRAIN_DEFAULTS } from '../../services/trainer/training/index.js';

// ../shared/data beside the repository root (the project's data layout); --data overrides.
const DEFAULT_DATA = fileURLToPath(new URL('../../../shared/data/movielens/ml-latest-small', import.meta.url));

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    workers: { type: 'string', default: '1,2' },
    kernels: { type: 'string', default: 'js,wasm' },
    epochs: { type: 'string' },
    objective: { type: 'string' },
    out: { type: 'string', default: 'reports/bench-trainer.json' },
  },
});

// The PyTorch CPU reference: 70k–120k examples/s on one core for the same model.
const PYTORCH_PER_CORE = [70_000, 120_000] as const;

/** GFLOP/s of the GEMM products, ns per logit of the softmax kernels and ns per value of ELU, the embedding bag and Adam, at one default step's shapes. */
function kernelFigures(kernels: KernelsName): Record<string, number> {
  const set = kernelsNamed(kernels);
  // The shapes of a default training step's softmax on each of two threads: 512 rows,
  // d = TRAIN_DEFAULTS.dim, 512 in-batch + 256 sampled candidates.
  const [m, k, n] = [512, TRAIN_DEFAULTS.dim, 512 + TRAIN_DEFAULTS.sampledCandidates];
  const rand = (len: number): Float32Array => Float32Array.from({ length: len }, (_, i) => Math.sin(i) * 0.5);
  const a = rand(m * k);
  const bt = rand(n * k);
  const g = rand(m * n);
  const out: Record<string, number> = {};
  // CPU seconds, not wall: on a shared machine other jobs' load would dominate. The first calls
  // warm up (WebAssembly runs baseline code until its optimised code is ready).
  const seconds = (f: () => void): number => {
    for (let i = 0; i < 5; i++) f();
    const reps = 20;
    const t = process.cpuUsage();
    for (let i = 0; i < reps; i++) f();
    const used = process.cpuUsage(t);
    return (used.user + used.system) / 1e6 / reps;
  };
  const gflops = (f: () => void): number => (2 * m * k * n) / seconds(f) / 1e9;
  // Placed as in a step: the logits, then their gradient, in the kernels' workspace.
  out['GFLOP/s scores U·Eᵀ (matmulTransBAcc)'] = gflops(() => set.matmulTransBAcc(a, bt, set.workspace(m * n), m, k, n));
  const resident = set.workspace(m * n);
  resident.set(g);
  out['GFLOP/s dU = G·E (matmulAcc)'] = gflops(() => set.matmulAcc(resident, bt, new Float32Array(m * k), m, n, k));
  out['GFLOP/s dE = Gᵀ·U (matmulTransAAcc)'] = gflops(() => set.matmulTransAAcc(resident, a, new Float32Array(n * k), m, n, k));
  const candidates = Int32Array.from({ length: n }, (_, j) => (j * 7919) % 600);
  const targetCols = Int32Array.from({ length: m }, (_, r) => r);
  const targetIds = Int32Array.from(targetCols, (c) => candidates[c]);
  const logQ = rand(n);
  const nsPerValue = (f: () => void, values: number): number => (seconds(f) * 1e9) / values;
  const logits = (): Float32Array => {
    const z = set.workspace(m * n);
    z.set(g);
    return z;
  };
  out['ns/logit correctSampledLogits'] = nsPerValue(() => set.correctSampledLogits(logits(), m, n, candidates, logQ, targetIds, targetCols), m * n);
  out['ns/logit softmaxCrossEntropy'] = nsPerValue(() => {
    const z = logits();
    set.softmaxCrossEntropy(z, m, n, targetCols, 1 / 1024, z);
  }, m * n);
  // A hidden layer's activations: [512, 64] of random sign. Signs in runs (as sin(i) gives) would let
  // the branch predictor hide the reference's 'if (v < 0)' and flatter it.
  const rng = new SeededRandom(1);
  const activations = Float32Array.from({ length: 512 * 64 }, () => rng.next() - 0.5);
  out['ns/value eluForward'] = nsPerValue(() => set.eluForward(activations.slice()), 512 * 64);
  // The user bags of a one-thread step (1,024 rows of bagLength, a quarter of them padding) over a
  // table of ml-latest-small's 9,742 items, and Adam over the rows they touch; in the kernel memory
  // as in training. Values: bag entries × width, and updated floats.
  const d = TRAIN_DEFAULTS.dim;
  const bag = TRAIN_DEFAULTS.bagLength;
  const b = new LayoutBuilder();
  b.add('bag', 9742, d, true);
  const layout = b.layout();
  const buffers = allocateBuffers(layout, false);
  const table = bindParams(layout, buffers).get('bag');
  if (table === undefined) throw new Error('no bag table');
  buffers.values.set(rand(layout.totalSize));
  const ids = Int32Array.from({ length: 1024 * bag }, () => Math.floor(rng.next() * 9742));
  const weights = Float32Array.from({ length: 1024 * bag }, (_, i) => (i % bag < (3 * bag) / 4 ? 1 : 0));
  const dy = rand(1024 * d);
  out['ns/value embeddingBagForward'] = nsPerValue(() => set.embeddingBagForward(table, ids, weights, bag), (1024 * bag * d * 3) / 4);
  out['ns/value embeddingBagBackward'] = nsPerValue(() => set.embeddingBagBackward(table, ids, weights, bag, dy), (1024 * bag * d * 3) / 4);
  const [m1, v1] = [residentFloats(layout.totalSize), residentFloats(layout.totalSize)];
  const starts = Int32Array.from({ length: 9742 }, (_, r) => r * d);
  const step = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 };
  out['ns/value adamUpdate'] = nsPerValue(() => set.adamUpdate(buffers.values, buffers.grads, m1, v1, starts, starts.length, d, step), layout.totalSize);
  return out;
}

const dataPath = values.data ?? (existsSync(DEFAULT_DATA) ? `movielens:${DEFAULT_DATA}` : 'synthetic:small');
const kernelSets = values.kernels.split(',') as KernelsName[];
const kernels: Record<string, Record<string, number>> = {};
for (const set of kernelSets) {
  kernels[set] = kernelFigures(set);
  for (const [name, v] of Object.entries(kernels[set])) console.log(`kernel ${set} ${name}: ${v.toFixed(2)} (1 thread, per CPU-second); load average ${loadavg()[0].toFixed(2)}`);
}
const runs = [];
for (const set of kernelSets)
for (const workers of values.workers.split(',').map(Number)) {
  // Workers read DLRS_TRAINER_KERNELS when they load the kernels; this thread switches directly.
  process.env.DLRS_TRAINER_KERNELS = set;
  useKernels(set);
  const config = resolveTrainConfig({
    workers,
    ...(values.epochs === undefined ? {} : { epochs: Number(values.epochs) }),
    ...(values.objective === undefined ? {} : { objective: values.objective as 'thesis' | 'softmax' }),
  });
  const run = await runTraining({ data: dataPath, dim: config.dim, holdOutTest: true }, config, {
    log: (line) => stderrProgress().line(line),
    progress: (p) => stderrProgress().status(formatStepProgress(p)),
  });
  stderrProgress().clear();
  const o = run.outcome;
  const row = {
    data: dataPath,
    kernels: set,
    workers,
    objective: config.objective,
    epochs: o.epochs.length,
    bestEpoch: o.bestEpoch,
    examplesPerSecond: Math.round(o.examplesPerSecond),
    examplesPerCpuSecond: Math.round(o.examplesPerCpuSecond),
    flopsPerExample: Math.round(o.flopsPerExample),
    gflopsPerSecond: Number(o.gflopsPerSecond.toFixed(2)),
    trainSeconds: Number(o.trainSeconds.toFixed(1)),
    wallSeconds: Number(run.wallSeconds.toFixed(1)),
    validationMap10: Number(run.validationMap10.toFixed(4)),
    popularityValidationMap10: Number(run.popularityValidationMap10.toFixed(4)),
    // Timings mean little on a shared machine without the load next to them.
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
  };
  console.log(
    `${set} kernels, ${workers} thread(s): ${row.examplesPerSecond} examples/s (${row.examplesPerCpuSecond} per CPU-second), ${(row.flopsPerExample / 1e3).toFixed(1)} kFLOP/example, ${row.gflopsPerSecond} GFLOP/s, ` +
      `wall ${row.wallSeconds} s (training ${row.trainSeconds} s, ${row.epochs} epochs); validation MAP@10 ${row.validationMap10} vs popularity ${row.popularityValidationMap10}; load average ${row.loadAverage1m}`,
  );
  console.log(
    `  per core vs PyTorch (${PYTORCH_PER_CORE[0] / 1e3}k–${PYTORCH_PER_CORE[1] / 1e3}k examples/s on one core): ` +
      `${(row.examplesPerCpuSecond / PYTORCH_PER_CORE[1]).toFixed(2)}–${(row.examplesPerCpuSecond / PYTORCH_PER_CORE[0]).toFixed(2)}×`,
  );
  console.log(JSON.stringify(row));
  runs.push(row);
  if (workers > 1 && values.workers.includes(',')) console.log(`(kFLOP/example differs by thread count: the softmax's in-batch candidates are the targets of each thread's slice, ${config.batch} / threads, plus ${config.sampledCandidates} uniform)`);
}
// Before (JavaScript kernels) against after (WebAssembly) at each thread count, per CPU-second.
for (const after of runs.filter((r) => r.kernels === 'wasm')) {
  const before = runs.find((r) => r.kernels === 'js' && r.workers === after.workers);
  if (before === undefined) continue;
  console.log(
    `${after.workers} thread(s): ${before.examplesPerCpuSecond} → ${after.examplesPerCpuSecond} examples per CPU-second (×${(after.examplesPerCpuSecond / before.examplesPerCpuSecond).toFixed(2)}), ` +
      `wall ${before.wallSeconds} → ${after.wallSeconds} s, validation MAP@10 ${before.validationMap10} → ${after.validationMap10}`,
  );
}
// The 20M-interaction run takes long enough to have its own target; its last figures, if any.
const SCALE_REPORT = 'reports/bench-trainer-scale.json';
if (existsSync(SCALE_REPORT)) console.log(`last scale run (make bench-trainer-scale, ${SCALE_REPORT}): ${readFileSync(SCALE_REPORT, 'utf8').replace(/\s+/g, ' ')}`);
else console.log(`scale run (20M interactions, 200k users, 100k items): make bench-trainer-scale (INTERACTIONS=2000000 for a shorter run); no ${SCALE_REPORT} yet`);
await mkdir('reports', { recursive: true });
await writeFile(values.out, `${JSON.stringify({ kernels, runs }, null, 2)}\n`);
console.log(`wrote ${values.out}`);
