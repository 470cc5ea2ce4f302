export { DEFAULT_EMBED_BATCH_ROWS, ItemEmbedder } from './item-embedder.js';
export type { EmbeddedItems, ItemEmbedderOptions } from './item-embedder.js';
