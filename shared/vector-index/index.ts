export { DEFAULT_HNSW_SETTINGS, QUANTIZATIONS, VectorIndex } from './vector-index.js';
export type { IndexHits, Quantization, VectorIndexOptions } from './vector-index.js';
