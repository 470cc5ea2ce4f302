import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferencePool } from '../inference-pool.js';
import { RANK_NETWORK } from '../rank-net-runner.js';
import { USER_NETWORK } from '../user-net-runner.js';
import { memoryLogger } from './memory-logger.js';
import { tinyRankNet, tinyUserNet } from './tiny-models.js';
import type { TinyInput } from './tiny-models.js';

/** UserNet inputs of the tiny test models: one distribution, the bag ids and weights. */
export const TINY_USER_INPUTS: TinyInput[] = [
  { name: 'user_dist_genre', type: 'float32', width: 5 },
  { name: 'user_bag_ids', type: 'int32', width: 3 },
  { name: 'user_bag_weights', type: 'float32', width: 3 },
];

/** Tiny user_net.onnx and rank_net.onnx written to a temporary folder. */
export function writeTinyModels(dim: number, seed = 1): { dir: string; userNet: string; rankNet: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dlrs-ranking-'));
  const userNet = join(dir, 'user_net.onnx');
  const rankNet = join(dir, 'rank_net.onnx');
  writeFileSync(userNet, tinyUserNet(TINY_USER_INPUTS, dim, seed + 1));
  writeFileSync(rankNet, tinyRankNet(dim, seed));
  return { dir, userNet, rankNet, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A one-worker CPU pool over the tiny models. */
export function startTinyPool(models: { userNet: string; rankNet: string }): Promise<InferencePool> {
  return InferencePool.start({
    models: { [USER_NETWORK]: models.userNet, [RANK_NETWORK]: models.rankNet },
    size: 1,
    session: { providers: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
    warmupBatchRows: [1],
    logger: memoryLogger().logger,
  });
}
