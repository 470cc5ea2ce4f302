/** A model input tensor in the shape onnxruntime-node's `new Tensor(type, data, dims)` takes. */
export type Tensor =
  | { type: 'int32'; data: Int32Array; dims: number[] }
  | { type: 'float32'; data: Float32Array; dims: number[] };

/** Input tensors by their contract name (docs/model-contract.md). */
export type TensorMap = Record<string, Tensor>;
