import type { InferencePool } from './inference-pool.js';
import type { BatchRunner } from './micro-batcher.js';

/** One Rank request's rows: one user against n candidates. */
export interface RankRows {
  /** e_u, d values. */
  userEmbedding: Float32Array;
  /** b_u. */
  userBias: number;
  /** The candidates' e_i, n × d values. */
  itemEmbeddings: Float32Array;
  /** The candidates' b_i, n values. */
  itemBiases: Float32Array;
}

/** Called after each inference with the rows run and the time inside session.run(). */
export type InferenceListener = (rows: number, runUs: number) => void;

/** The network name under which the pool holds rank_net.onnx. */
export const RANK_NETWORK = 'rank';

/**
 * A batch runner for RankNet: the requests' candidates become the rows of one batch, each
 * row paired with its request's user (the user row is repeated per candidate, as
 * rank_net.onnx takes e_u, e_i [B,d], b_u, b_i [B,1]); the scores p are split back per request.
 */
export function rankNetRunner(pool: InferencePool, dim: number, onRun?: InferenceListener): BatchRunner<RankRows, Float32Array> {
  return async (inputs, rowCounts) => {
    const total = rowCounts.reduce((sum, n) => sum + n, 0);
    const eU = new Float32Array(total * dim);
    const eI = new Float32Array(total * dim);
    const bU = new Float32Array(total);
    const bI = new Float32Array(total);
    let row = 0;
    inputs.forEach((input, k) => {
      const n = rowCounts[k];
      for (let r = row; r < row + n; r += 1) eU.set(input.userEmbedding, r * dim);
      eI.set(input.itemEmbeddings, row * dim);
      bU.fill(input.userBias, row, row + n);
      bI.set(input.itemBiases, row);
      row += n;
    });
    const { outputs, runUs } = await pool.run(RANK_NETWORK, {
      e_u: { type: 'float32', dims: [total, dim], data: eU },
      e_i: { type: 'float32', dims: [total, dim], data: eI },
      b_u: { type: 'float32', dims: [total, 1], data: bU },
      b_i: { type: 'float32', dims: [total, 1], data: bI },
    });
    onRun?.(total, runUs);
    const p = outputs.p;
    if (p === undefined || p.type !== 'float32' || p.data.length !== total) throw new Error(`rank_net returned no float32 p of ${total} rows`);
    let offset = 0;
    return rowCounts.map((n) => {
      const scores = p.data.subarray(offset, offset + n);
      offset += n;
      return scores;
    });
  };
}
