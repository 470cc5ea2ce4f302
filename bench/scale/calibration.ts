// The calibration figures every `make bench-scale` run prints beside its levels, measured in
// the benchmark's own process on the same machine and bundle: RankNet's ONNX Runtime ceiling,
// HNSW searches/s at k = C on a shard's own index file, and the in-process work of one
// Recommend (UserNet on one profile, one search per shard, RankNet on C candidates), which
// the services' CPU per Recommend is compared with.
import { readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../shared/logging/index.js';
import { DEFAULT_HNSW_SETTINGS, VectorIndex } from '../../shared/vector-index/index.js';
import { loadRankingConfig, servingSettings } from '../../services/ranking/config.js';
import { describeBundle } from '../../services/ranking/model/bundle-description.js';
import { LoadedModel } from '../../services/ranking/model/loaded-model.js';
import { RankingService } from '../../services/ranking/ranking-service.js';
import { benchProfiles } from '../ranking/bench-profiles.js';

/** What the calibration measured. */
export interface Calibration {
  /** RankNet scores/s at the largest batch, ONNX Runtime alone (in-run time). */
  ortCeilingScoresPerS: number;
  /** In-process searches/s at k = C on one shard's index, one thread. */
  searchesPerS: number;
  /** CPU ms of UserNet (one profile) + a search per shard + RankNet (C candidates) in-process, one at a time. */
  workMsPerRecommend: number;
  embedMs: number;
  searchMs: number;
  rankMs: number;
  loadAverage: number;
}

/** Calls per measured part: enough for a stable mean, a few seconds in all. */
const CALLS = 300;
/** The batch at which the ORT ceiling is read: large enough that per-run overhead vanishes. */
const CEILING_ROWS = 4096;

/** Measures the calibration; `shardDirs` are the shards' data folders (their newest snapshot's index is searched). */
export async function calibrate(bundleDir: string, shardDirs: readonly string[], candidates: number): Promise<Calibration> {
  const logger = createLogger({ level: 'warn' });
  const description = await describeBundle(bundleDir);
  const config = loadRankingConfig({ env: {} });
  const model = await LoadedModel.load(description, servingSettings(config), logger);
  const dim = model.info.dim;
  try {
    const service = new RankingService(model, () => Promise.resolve(model), { maxCandidates: Math.max(candidates, CEILING_ROWS), maxProfiles: 1 }, logger);
    const profiles = await benchProfiles(bundleDir, 50);
    const bytes = (length: number): Buffer => Buffer.from(Float32Array.from({ length }, () => Math.random() * 2 - 1).buffer);
    const rankRequest = (rows: number): Parameters<RankingService['rank']>[0] => ({ requestId: '', modelVersion: '', dim, userEmbedding: bytes(dim), userBias: 0, itemEmbeddings: bytes(rows * dim), itemBiases: bytes(rows), topK: 10, timeoutMs: 0 });
    const embedMs = await cpuMsPerCall((i) => service.embedUsers({ requestId: '', modelVersion: '', profiles: [profiles[i % profiles.length] as Parameters<RankingService['embedUsers']>[0]['profiles'][number]], timeoutMs: 0 }, {}));
    const small = rankRequest(candidates);
    const rankMs = await cpuMsPerCall(() => service.rank(small, {}));
    const large = rankRequest(CEILING_ROWS);
    const startMs = performance.now();
    for (let i = 0; i < CALLS / 10; i++) await service.rank(large, {});
    const ortCeilingScoresPerS = ((CALLS / 10) * CEILING_ROWS) / ((performance.now() - startMs) / 1000);
    const index = VectorIndex.load(join(shardDirs[0], await newestSnapshot(shardDirs[0]), 'index.usearch'), { dim, ...DEFAULT_HNSW_SETTINGS, quantization: 'f32', addThreads: 1 });
    const queries = Float32Array.from({ length: CALLS * dim }, () => Math.random() * 2 - 1);
    const searchMs = await cpuMsPerCall((i) => Promise.resolve(index.search(queries, i * dim, candidates)));
    return { ortCeilingScoresPerS, searchesPerS: 1000 / searchMs, workMsPerRecommend: embedMs + shardDirs.length * searchMs + rankMs, embedMs, searchMs: shardDirs.length * searchMs, rankMs, loadAverage: loadavg()[0] };
  } finally {
    await model.close();
  }
}

/** Process CPU ms per call (worker threads included), calls one after another after a short warm-up. */
async function cpuMsPerCall(call: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < CALLS / 10; i++) await call(i);
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await call(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / CALLS;
}

async function newestSnapshot(dataDir: string): Promise<string> {
  const names = (await readdir(dataDir)).filter((name) => /^snapshot-\d+$/.test(name)).sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)));
  if (names.length === 0) throw new Error(`no snapshot in ${dataDir}`);
  return names[names.length - 1];
}
