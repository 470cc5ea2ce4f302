export { fnv1a32, fnv1a32Utf8, shardOf } from './shard-of.js';
