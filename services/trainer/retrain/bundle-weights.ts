// The weights of a bundle's networks, read back from their ONNX initializers.
import onnxProto from 'onnx-proto';
import type { ModelBundle } from '../../../shared/bundle/index.js';

/** One float32 weight of the serving bundle, as its ONNX initializer stores it. */
export interface BundleWeight {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** The float32 initializers of the bundle's three networks by name (the trainer's parameter names). */
export function bundleWeights(bundle: Pick<ModelBundle, 'userNet' | 'itemNet' | 'rankNet'>): Map<string, BundleWeight> {
  const out = new Map<string, BundleWeight>();
  for (const bytes of [bundle.userNet, bundle.itemNet, bundle.rankNet]) {
    const graph = onnxProto.onnx.ModelProto.decode(bytes).graph;
    for (const t of graph?.initializer ?? []) {
      if (t.dataType !== onnxProto.onnx.TensorProto.DataType.FLOAT || t.name === null || t.name === undefined || t.rawData === null || t.rawData === undefined) continue;
      const raw = t.rawData;
      // Copy: the decoded bytes may sit at an offset that is not a multiple of 4.
      const data = new Float32Array(Uint8Array.from(raw).buffer);
      out.set(t.name, { dims: (t.dims ?? []).map(Number), data });
    }
  }
  return out;
}
