// The calibration figures every `make bench-scale` run prints beside its levels, measured in
// the benchmark's own process on the same machine and bundle: RankNet's ONNX Runtime ceiling,
// HNSW searches/s at k = C on a shard's own index file, and the in-process work of one
// Recommend (UserNet on one profile, one search per shard, RankNet on C candidates), which
// the services' CPU per Recommend is compared with, and the CPU one timer wake-up costs: on
// virtual machines it ranges from a few µs to hundreds, and every hop of a Recommend pays it.
import { readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../shared/logging/index.js';
import { DEFAULT_HNSW_SETTINGS, VectorIndex } from '../../shared/vector-index/index.js';
import { loadRankingConfig, servingSettings } from '../../services/ranking/config.js';
import { describeBundle } from '../../services/ranking/model/bundle-description.js';
import { LoadedModel } from '../../services/ranking/model/loaded-model.js';
import { RankingService } from '../../services/ranking/ranking-service.js';
import { RANK_NETWORK } from '../../services/ranking/model/rank-net-runner.js';
import { USER_NETWORK } from '../../services/ranking/model/user-net-runner.js';
import { threadCpuMicros } from '../retrieval/measure.js';
import { benchProfiles } from '../ranking/bench-profiles.js';

/** What the calibration measured. */
export interface Calibration {
  /** RankNet scores/s in batches of 4096, ONNX Runtime's run time alone. */
  ortCeilingScoresPerS: number;
  /** In-process searches/s at k = C on one shard's index, one thread. */
  searchesPerS: number;
  /** ms of UserNet (one profile) + a search per shard + RankNet (C candidates) in-process, one at a time. */
  workMsPerRecommend: number;
  embedMs: number;
  searchMs: number;
  rankMs: number;
  /** µs of CPU of one idle 1 ms timer wake-up of this thread. */
  wakeUpCpuUs: number;
  loadAverage: number;
}

/** Calls per measured network: enough for a stable mean, a second or so in all. */
const CALLS = 300;
/** Searches measured: thread CPU time has a 10 ms resolution, so about a second of them. */
const SEARCHES = 3000;
/** The batch at which the ORT ceiling is read: large enough that per-run overhead vanishes. */
const CEILING_ROWS = 4096;
/** Timer wake-ups measured: about two seconds of them, against thread CPU time's 10 ms resolution. */
const WAKE_UPS = 2000;

/**
 * Measures the calibration; `shardDirs` are the shards' data folders (their newest snapshot's
 * index is searched). The networks' work is ONNX Runtime's run time (what the workers report),
 * the search's the calling thread's CPU time: neither counts the runtime's idle spinning.
 */
export async function calibrate(bundleDir: string, shardDirs: readonly string[], candidates: number): Promise<Calibration> {
  const logger = createLogger({ level: 'warn' });
  const description = await describeBundle(bundleDir);
  const config = loadRankingConfig({ env: {} });
  const runUs: Record<string, number> = { [USER_NETWORK]: 0, [RANK_NETWORK]: 0 };
  const model = await LoadedModel.load(description, servingSettings(config), logger, (network) => ({ batch: {}, onRun: (_rows, us) => void (runUs[network] += us) }));
  const dim = model.info.dim;
  try {
    const service = new RankingService(model, () => Promise.resolve(model), { maxCandidates: Math.max(candidates, CEILING_ROWS), maxProfiles: 1 }, logger);
    const profiles = await benchProfiles(bundleDir, 50);
    const bytes = (length: number): Buffer => Buffer.from(Float32Array.from({ length }, () => Math.random() * 2 - 1).buffer);
    const rankRequest = (rows: number): Parameters<RankingService['rank']>[0] => ({ requestId: '', modelVersion: '', dim, userEmbedding: bytes(dim), userBias: 0, itemEmbeddings: bytes(rows * dim), itemBiases: bytes(rows), topK: 10, timeoutMs: 0, bundleRows: Buffer.alloc(0) });
    const runMsPerCall = async (network: string, call: (i: number) => Promise<unknown>, calls = CALLS): Promise<number> => {
      for (let i = 0; i < calls / 10; i++) await call(i);
      runUs[network] = 0;
      for (let i = 0; i < calls; i++) await call(i);
      return runUs[network] / 1000 / calls;
    };
    const embedMs = await runMsPerCall(USER_NETWORK, (i) => service.embedUsers({ requestId: '', modelVersion: '', profiles: [profiles[i % profiles.length] as Parameters<RankingService['embedUsers']>[0]['profiles'][number]], timeoutMs: 0 }, {}));
    const small = rankRequest(candidates);
    const rankMs = await runMsPerCall(RANK_NETWORK, () => service.rank(small, {}));
    const large = rankRequest(CEILING_ROWS);
    const ortCeilingScoresPerS = CEILING_ROWS / ((await runMsPerCall(RANK_NETWORK, () => service.rank(large, {}), CALLS / 10)) / 1000);
    const index = VectorIndex.load(join(shardDirs[0], await newestSnapshot(shardDirs[0]), 'index.usearch'), { dim, ...DEFAULT_HNSW_SETTINGS, quantization: 'f32', addThreads: 1 });
    const queries = Float32Array.from({ length: 100 * dim }, () => Math.random() * 2 - 1);
    for (let i = 0; i < SEARCHES / 10; i++) index.search(queries, (i % 100) * dim, candidates);
    const cpuBefore = threadCpuMicros() ?? 0;
    for (let i = 0; i < SEARCHES; i++) index.search(queries, (i % 100) * dim, candidates);
    const searchOneMs = ((threadCpuMicros() ?? 0) - cpuBefore) / 1000 / SEARCHES;
    const wakeUpCpuUs = await timerWakeUpCpuUs();
    return { ortCeilingScoresPerS, searchesPerS: 1000 / searchOneMs, workMsPerRecommend: embedMs + shardDirs.length * searchOneMs + rankMs, embedMs, searchMs: shardDirs.length * searchOneMs, rankMs, wakeUpCpuUs, loadAverage: loadavg()[0] };
  } finally {
    await model.close();
  }
}

async function newestSnapshot(dataDir: string): Promise<string> {
  const names = (await readdir(dataDir)).filter((name) => /^snapshot-\d+$/.test(name)).sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)));
  if (names.length === 0) throw new Error(`no snapshot in ${dataDir}`);
  return names[names.length - 1];
}

/** The calling thread's CPU per wake-up of a 1 ms timer that does nothing. */
async function timerWakeUpCpuUs(): Promise<number> {
  const before = threadCpuMicros() ?? 0;
  for (let i = 0; i < WAKE_UPS; i++) await sleep(1);
  return ((threadCpuMicros() ?? 0) - before) / WAKE_UPS;
}
