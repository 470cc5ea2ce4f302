import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferencePool } from '../inference/inference-pool.js';
import type { WireTensorMap } from '../inference/inference-messages.js';
import type { ModelDescription, ServingSettings } from '../model/loaded-model.js';
import type { UserEncoder } from '../model/user-net-runner.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { RANK_NETWORK } from '../model/rank-net-runner.js';
import { USER_NETWORK, tensorUserRows } from '../model/user-net-runner.js';
import { createLogger } from '../../../shared/logging/index.js';
import type { UserProfile__Output } from '../../../shared/generated/dlrs/v1/UserProfile.js';
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
    logger: createLogger({ level: 'silent' }),
  });
}

/** The genre vocabulary the tiny UserNet's user_dist_genre is laid out over (index 0 = OOV). */
const TINY_GENRES = ['<oov>', 'action', 'comedy', 'drama', 'horror'];

/**
 * A stand-in for the shared feature encoder over the tiny UserNet's inputs: the profile's
 * "genre" weights as a distribution, and the first three recent items (ids by their numeric suffix).
 */
export function tinyUserFeeds(profiles: readonly UserProfile__Output[]): WireTensorMap {
  const rows = profiles.length;
  const dist = new Float32Array(rows * 5);
  const bagIds = new Int32Array(rows * 3);
  const bagWeights = new Float32Array(rows * 3);
  profiles.forEach((profile, row) => {
    for (const [k, values] of profile.categorical.entries()) {
      if (values.feature !== 'genre') throw new DlrsError('INVALID_ARGUMENT', `unknown feature ${values.feature}`, { field: `profiles[${row}].categorical[${k}].feature` });
      const total = Object.values(values.weights).reduce((a, b) => a + b, 0);
      for (const [value, weight] of Object.entries(values.weights)) dist[row * 5 + Math.max(0, TINY_GENRES.indexOf(value))] += weight / total;
    }
    profile.recentItems.slice(0, 3).forEach((item, j) => {
      bagIds[row * 3 + j] = Number(/\d+$/.exec(item.itemId)?.[0] ?? 0);
      bagWeights[row * 3 + j] = item.weight;
    });
  });
  return {
    user_dist_genre: { type: 'float32', dims: [rows, 5], data: dist },
    user_bag_ids: { type: 'int32', dims: [rows, 3], data: bagIds },
    user_bag_weights: { type: 'float32', dims: [rows, 3], data: bagWeights },
  };
}

/** The tiny UserNet's encoder: {@link tinyUserFeeds}, computed when the request arrives. */
export const tinyUserEncoder: UserEncoder = {
  inputs: (rows) => Object.fromEntries(TINY_USER_INPUTS.map((input) => [input.name, { type: input.type, dims: [rows, input.width] }])),
  read: (profiles) => tensorUserRows(tinyUserFeeds(profiles)),
};

/** Serving settings for tests: one CPU worker, small batches. */
export const TINY_SERVING: ServingSettings = {
  poolSize: 1,
  session: { providers: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  userBatcher: { maxBatchRows: 16, maxQueueDelayUs: 500, maxQueueRows: 1024 },
  rankBatcher: { maxBatchRows: 256, maxQueueDelayUs: 500, maxQueueRows: 8192 },
  warmupBatchRows: [1, 16],
};

/** A served tiny model: version `tiny-<seed>`. */
export function tinyDescription(models: { dir: string; userNet: string; rankNet: string }, dim: number, seed: number): ModelDescription {
  return { modelVersion: `tiny-${seed}`, dim, bundlePath: models.dir, userNet: models.userNet, rankNet: models.rankNet, encodeUsers: tinyUserEncoder };
}
