export { exportNetworks } from './export-networks.js';
export type { ExportedNetworks } from './export-networks.js';
export { BATCH_DIM, ONNX_OPSET } from './onnx-graph.js';
export { writeModelBundle } from './write-model-bundle.js';
export type { ModelBundleInput } from './write-model-bundle.js';
