import type { InferencePool } from './inference-pool.js';
import type { TensorShape, WireTensor, WireTensorMap } from './inference-messages.js';
import type { BatchRunner } from './micro-batcher.js';
import type { InferenceListener } from './rank-net-runner.js';

/** One EmbedUsers request's user embeddings: e_u (count × d) and b_u (count). */
export interface UserEmbeddings {
  embeddings: Float32Array;
  biases: Float32Array;
}

/** The network name under which the pool holds user_net.onnx. */
export const USER_NETWORK = 'user';

/** Rows [start, start + rows) of a [B, ...] tensor's data. */
function rowSlice(tensor: WireTensor, start: number, rows: number): Float32Array | Int32Array {
  const width = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  return tensor.data.subarray(start * width, (start + rows) * width);
}

/** The stacked batch's input shapes: each request's tensors, [rows, ...] each, along the batch dimension. */
function stackedShapes(first: WireTensorMap, total: number): Record<string, TensorShape> {
  return Object.fromEntries(Object.entries(first).map(([name, tensor]) => [name, { type: tensor.type, dims: [total, ...tensor.dims.slice(1)] }]));
}

/** Writes the requests' tensors one after another into the batch's views. */
function stack(inputs: readonly WireTensorMap[], views: Record<string, Float32Array | Int32Array>): void {
  for (const [name, view] of Object.entries(views)) {
    let offset = 0;
    for (const input of inputs) {
      const part = input[name];
      if (part === undefined || part.data.constructor !== view.constructor) throw new Error(`user_net input ${name} is missing or has another type in one request`);
      view.set(part.data, offset);
      offset += part.data.length;
    }
  }
}

/**
 * A batch runner for UserNet: each request brings its encoded UserNet input tensors
 * (docs/model-contract.md); they are stacked into one batch and e_u, b_u are split back.
 */
export function userNetRunner(pool: InferencePool, dim: number, onRun?: InferenceListener): BatchRunner<WireTensorMap, UserEmbeddings> {
  return async (inputs, rowCounts) => {
    const total = rowCounts.reduce((sum, n) => sum + n, 0);
    const { outputs, runUs } = await pool.run(USER_NETWORK, {
      inputs: stackedShapes(inputs[0], total),
      outputs: { e_u: { type: 'float32', dims: [total, dim] }, b_u: { type: 'float32', dims: [total, 1] } },
      write: (views) => stack(inputs, views),
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
