import { bytesOf } from '../wire/float32-bytes.js';
import type { InferenceBackend } from '../inference/start-inference.js';
import type { BatchRunner } from '../inference/micro-batcher.js';
import { checkCandidatesFinite, writeCandidates } from '../wire/rank-request.js';
import type { RankRows } from '../wire/rank-request.js';

/** Called after each inference with the rows run and the time inside session.run(). */
export type InferenceListener = (rows: number, runUs: number) => void;

/** The network name under which the pool holds rank_net.onnx. */
export const RANK_NETWORK = 'rank';

/** The inputs that carry the candidates' values as the requests sent them (e_u is checked with the request; b_u too). */
const CANDIDATE_INPUTS = ['e_i', 'b_i'];

/** The error of a request whose candidates hold a NaN or an infinity, undefined when they are all finite. */
function nonFiniteError(rows: RankRows, dim: number): Error | undefined {
  try {
    checkCandidatesFinite(rows, dim);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** rank_net.onnx's inputs, as views over the worker's slab. */
interface RankInputs {
  e_u: Float32Array;
  e_i: Float32Array;
  b_u: Float32Array;
  b_i: Float32Array;
}

/**
 * Writes the requests' rows one after another into the batch's tensors: the candidates' bytes
 * are copied once, straight from the received messages or the model's item table; the user row is repeated per candidate
 * (rank_net.onnx takes e_u as [B,d]) by doubling copies.
 */
function packRankRows(inputs: readonly RankRows[], rowCounts: readonly number[], dim: number, { e_u: eU, e_i: eI, b_u: bU, b_i: bI }: RankInputs): void {
  const eUBytes = bytesOf(eU);
  let row = 0;
  inputs.forEach((input, k) => {
    const n = rowCounts[k];
    eUBytes.set(input.userEmbedding, 4 * row * dim);
    for (let filled = 1; filled < n; filled *= 2) eU.copyWithin((row + filled) * dim, row * dim, (row + Math.min(filled, n - filled)) * dim);
    writeCandidates(input, n, dim, eI, bI, row);
    bU.fill(input.userBias, row, row + n);
    row += n;
  });
}

/**
 * A batch runner for RankNet: the requests' candidates become the rows of one batch, each
 * row paired with its request's user; the scores p are split back per request. The worker
 * checks the candidates for NaN and infinities; when it finds one, each request is checked
 * and the one holding it fails alone (INVALID_ARGUMENT), the others get their scores.
 */
export function rankNetRunner(pool: Pick<InferenceBackend, 'run'>, dim: number, onRun?: InferenceListener): BatchRunner<RankRows, Float32Array> {
  return async (inputs, rowCounts) => {
    const total = rowCounts.reduce((sum, n) => sum + n, 0);
    const rowsOf = (width: number): { type: 'float32'; dims: number[] } => ({ type: 'float32', dims: [total, width] });
    const { outputs, runUs, nonFinite } = await pool.run(RANK_NETWORK, {
      inputs: { e_u: rowsOf(dim), e_i: rowsOf(dim), b_u: rowsOf(1), b_i: rowsOf(1) },
      outputs: { p: rowsOf(1) },
      write: (views) => packRankRows(inputs, rowCounts, dim, views as unknown as RankInputs),
      finiteInputs: CANDIDATE_INPUTS,
    });
    onRun?.(total, runUs);
    const p = outputs.p;
    if (p === undefined || p.type !== 'float32' || p.data.length !== total) throw new Error(`rank_net returned no float32 p of ${total} rows`);
    let offset = 0;
    return rowCounts.map((n, k) => {
      const scores = p.data.subarray(offset, offset + n);
      offset += n;
      return nonFinite ? (nonFiniteError(inputs[k], dim) ?? scores) : scores;
    });
  };
}
