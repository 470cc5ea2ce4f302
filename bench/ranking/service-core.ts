// The service core without gRPC: RankingService.rank (validation, micro-batcher, worker pool,
// split) called in-process at several concurrencies, batching on and off. Isolates what
// batching buys from the transport's cost.
//   node --import tsx bench/ranking/service-core.ts [--bundle DIR] [--dim 64] [--candidates 300] [--seconds 2] [--workers 2]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createLogger } from '../../shared/logging/index.js';
import { LoadedModel } from '../../services/ranking/model/loaded-model.js';
import { RankingService } from '../../services/ranking/ranking-service.js';
import { TINY_SERVING, tinyDescription, writeTinyModels } from '../../services/ranking/testing/tiny-serving.js';
import { benchRankNet } from './bench-model.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    dim: { type: 'string', default: '64' },
    candidates: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '1,8,64,256' },
  },
});
const dim = Number(values.dim);
const candidates = Number(values.candidates);
const seconds = Number(values.seconds);
const logger = createLogger({ level: 'warn' });
const rankNet = benchRankNet(values.bundle, dim);
const tiny = writeTinyModels(dim);
const description = { ...tinyDescription(tiny, dim, 1), rankNet: rankNet.path };
const bytes = (length: number): Buffer => Buffer.from(Float32Array.from({ length }, () => Math.random() * 2 - 1).buffer);
const request = { requestId: '', modelVersion: '', dim, userEmbedding: bytes(dim), userBias: 0, itemEmbeddings: bytes(candidates * dim), itemBiases: bytes(candidates), topK: 0, timeoutMs: 0, bundleRows: Buffer.alloc(0) };

console.log(`RankingService.rank in-process, ${candidates} candidates, d=${dim}, ${values.workers} workers, ${seconds} s per cell`);
console.log('mode          conc   scores/s   rows/batch  main_thread_ms/call  process_cpu_ms/call');
for (const [mode, maxBatchRows] of [['batching on', 2048], ['batching off', 1]] as const) {
  const batches = { count: 0, rows: 0 };
  const settings = { ...TINY_SERVING, poolSize: Number(values.workers), rankBatcher: { maxBatchRows, maxQueueDelayUs: 0, maxQueueRows: 10_000_000 } };
  const model = await LoadedModel.load(description, settings, logger, () => ({
    batch: {
      onBatch: (rows) => {
        batches.count += 1;
        batches.rows += rows;
      },
    },
    onRun: () => undefined,
  }));
  const service = new RankingService(model, () => Promise.resolve(model), { maxCandidates: candidates, maxProfiles: 1 }, logger);
  for (const concurrency of values.concurrency.split(',').map(Number)) {
    batches.count = 0;
    batches.rows = 0;
    let calls = 0;
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const startMs = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - startMs < seconds * 1000) {
          await service.rank(request, {});
          calls += 1;
        }
      }),
    );
    const wallS = (performance.now() - startMs) / 1000;
    const mainMs = performance.eventLoopUtilization(elu).active;
    const cpuUs = process.cpuUsage(cpu);
    const perCall = (ms: number): string => (ms / Math.max(1, calls)).toFixed(3).padStart(12);
    console.log(
      `${mode.padEnd(13)} ${String(concurrency).padStart(4)} ${String(Math.round((calls * candidates) / wallS)).padStart(10)} ${(batches.rows / Math.max(1, batches.count)).toFixed(0).padStart(10)}  ${perCall(mainMs)}         ${perCall((cpuUs.user + cpuUs.system) / 1000)}`,
    );
  }
  await service.close();
}
tiny.remove();
rankNet.remove();
