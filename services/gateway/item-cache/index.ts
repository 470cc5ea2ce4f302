export { DEFAULT_ITEM_CACHE_MAX_ENTRIES, DEFAULT_ITEM_CACHE_NOT_FOUND_TTL_MS, DEFAULT_ITEM_CACHE_TTL_MS, ItemFeatureCache } from './item-feature-cache.js';
export type { FetchItems, ItemFeatureCacheOptions, ItemFeatureCacheStats } from './item-feature-cache.js';
