import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { towerRankNet } from '../../services/ranking/testing/tiny-models.js';

/**
 * The rank_net.onnx a benchmark runs: the bundle's when one is given (d read from
 * --dim, which must match it), else a contract-shaped RankNet with random weights.
 */
export function benchRankNet(bundle: string | undefined, dim: number): { path: string; dim: number; remove(): void } {
  if (bundle !== undefined) return { path: join(bundle, 'rank_net.onnx'), dim, remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'dlrs-bench-'));
  const path = join(dir, 'rank_net.onnx');
  writeFileSync(path, towerRankNet(dim));
  return { path, dim, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
