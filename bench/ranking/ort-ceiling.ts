// The ceiling of the ranking service: raw onnxruntime-node throughput of rank_net.onnx
// (scores/s) over batch sizes, one session in one worker thread, no gRPC, no batcher.
//   node --import tsx bench/ranking/ort-ceiling.ts [--bundle DIR] [--dim 64] [--seconds 1] [--threads 0]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { InferencePool, copyJob } from '../../services/ranking/inference/inference-pool.js';
import { RANK_NETWORK } from '../../services/ranking/model/rank-net-runner.js';
import { benchRankNet } from './bench-model.js';

const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    dim: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '1' },
    threads: { type: 'string', default: '0' },
  },
});
const seconds = Number(values.seconds);
const { path, dim, remove } = benchRankNet(values.bundle, Number(values.dim));
const pool = await InferencePool.start({
  models: { [RANK_NETWORK]: path },
  size: 1,
  session: { providers: ['cpu'], intraOpNumThreads: Number(values.threads), interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  warmupBatchRows: BATCH_SIZES,
  logger: pino({ level: 'warn' }),
});

const random = (length: number): Float32Array => Float32Array.from({ length }, () => Math.random() * 2 - 1);
console.log(`rank_net ${values.bundle ?? '(contract-shaped, random weights)'} d=${dim}, one session in one worker, ${seconds} s per batch size`);
console.log('batch_rows  runs  scores_per_s(wall)  scores_per_s(in_run)  ms_per_batch(wall)');
for (const rows of BATCH_SIZES) {
  const job = copyJob(
    {
      e_u: { type: 'float32', dims: [rows, dim], data: random(rows * dim) },
      e_i: { type: 'float32', dims: [rows, dim], data: random(rows * dim) },
      b_u: { type: 'float32', dims: [rows, 1], data: random(rows) },
      b_i: { type: 'float32', dims: [rows, 1], data: random(rows) },
    },
    { p: { type: 'float32', dims: [rows, 1] } },
  );
  let runs = 0;
  let runUs = 0;
  const startMs = performance.now();
  while (performance.now() - startMs < seconds * 1000) {
    const result = await pool.run(RANK_NETWORK, job);
    runUs += result.runUs;
    runs += 1;
  }
  const wallS = (performance.now() - startMs) / 1000;
  console.log(
    [rows, runs, Math.round((runs * rows) / wallS), Math.round((runs * rows) / (runUs / 1e6)), ((wallS * 1000) / runs).toFixed(3)].map((v) => String(v).padStart(10)).join('  '),
  );
}
await pool.close();
remove();
