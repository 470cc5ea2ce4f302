export { DEFAULT_RECONNECT_DELAY_MS, StreamMultiplexer } from './stream-multiplexer.js';
export type { StreamMultiplexerOptions } from './stream-multiplexer.js';
export { streamingRankingPort, streamingShardPort } from './stream-ports.js';
export type { Closable } from './stream-ports.js';
export { unaryRankingPort, unaryShardPort } from './unary-ports.js';
export { rawFeatures, shardedCatalog } from './sharded-catalog.js';
export type { ShardedCatalog } from './sharded-catalog.js';
export { searchStreamDecodingClient } from './decode-search-stream-response.js';
