import type { InferenceBackend } from '../inference/start-inference.js';
import type { UserProfile__Output } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import type { TensorShape, WireTensor, WireTensorMap } from '../inference/inference-messages.js';
import type { BatchRunner } from '../inference/micro-batcher.js';
import type { InferenceListener } from './rank-net-runner.js';

/**
 * How a model reads EmbedUsers profiles: checked when the request arrives (INVALID_ARGUMENT
 * naming the field), written straight into a batch's UserNet inputs (a worker's slab) when the
 * batch runs, so that no tensor is built per request.
 */
export interface UserEncoder {
  /** UserNet's input tensors for a batch of `rows` rows. */
  inputs(rows: number): Record<string, TensorShape>;
  /** Checks the profiles; throws INVALID_ARGUMENT naming the field for a profile the model cannot read. */
  read(profiles: readonly UserProfile__Output[]): UserRows;
}

/** One request's profiles as a {@link UserEncoder} read them, to be written into a batch. */
export interface UserRows {
  count: number;
  /** Writes the rows over rows [start, start + count) of the batch's input views, every value of them. */
  write(views: Readonly<Record<string, Float32Array | Int32Array>>, start: number): void;
}

/** One EmbedUsers request's user embeddings: e_u (count × d) and b_u (count). */
export interface UserEmbeddings {
  embeddings: Float32Array;
  biases: Float32Array;
}

/** The network name under which the pool holds user_net.onnx. */
export const USER_NETWORK = 'user';

/** Values per row of a [B, ...] tensor. */
function rowWidth(tensor: { dims: readonly number[] }): number {
  return tensor.dims.slice(1).reduce((a, b) => a * b, 1);
}

/** Rows [start, start + rows) of a [B, ...] tensor's data. */
function rowSlice(tensor: WireTensor, start: number, rows: number): Float32Array | Int32Array {
  const width = rowWidth(tensor);
  return tensor.data.subarray(start * width, (start + rows) * width);
}

/** Ready UserNet input tensors of `[rows, ...]` each as {@link UserRows}: copied into the batch when it runs. */
export function tensorUserRows(feeds: WireTensorMap): UserRows {
  const count = Object.values(feeds)[0]?.dims[0] ?? 0;
  return {
    count,
    write(views, start) {
      for (const [name, view] of Object.entries(views)) {
        const part = feeds[name];
        if (part === undefined || part.data.constructor !== view.constructor) throw new Error(`user_net input ${name} is missing or has another type in one request`);
        view.set(part.data, start * rowWidth(part));
      }
    },
  };
}

/**
 * A batch runner for UserNet: each request's profiles are written by the model's encoder
 * straight into the batch's inputs (docs/model-contract.md), and e_u, b_u are split back.
 */
export function userNetRunner(pool: Pick<InferenceBackend, 'run'>, dim: number, encoder: Pick<UserEncoder, 'inputs'>, onRun?: InferenceListener): BatchRunner<UserRows, UserEmbeddings> {
  return async (inputs, rowCounts) => {
    const total = rowCounts.reduce((sum, n) => sum + n, 0);
    const { outputs, runUs } = await pool.run(USER_NETWORK, {
      inputs: encoder.inputs(total),
      outputs: { e_u: { type: 'float32', dims: [total, dim] }, b_u: { type: 'float32', dims: [total, 1] } },
      write: (views) => {
        let start = 0;
        for (const rows of inputs) {
          rows.write(views, start);
          start += rows.count;
        }
      },
    });
    onRun?.(total, runUs);
    const { e_u: eU, b_u: bU } = outputs;
    if (eU?.type !== 'float32' || bU?.type !== 'float32' || eU.data.length !== total * dim || bU.data.length !== total) {
      throw new Error(`user_net returned no float32 e_u [${total},${dim}] and b_u [${total},1]`);
    }
    let start = 0;
    return rowCounts.map((n) => {
      const result = { embeddings: rowSlice(eU, start, n) as Float32Array, biases: rowSlice(bU, start, n) as Float32Array };
      start += n;
      return result;
    });
  };
}
