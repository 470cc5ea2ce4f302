export { DEFAULT_DEDUPE_WINDOW_PER_USER, jsonProfileCodec } from './profile-store.js';
export type { ApplyResult, IdempotentEvent, ProfileCodec, ProfileStore, ProfileUpdate } from './profile-store.js';
export { DEFAULT_COMPACTION_MIN_BYTES, DEFAULT_COMPACTION_RATIO, DEFAULT_MAX_PROFILES, EmbeddedProfileStore } from './embedded-profile-store.js';
export type { EmbeddedProfileStoreOptions, EmbeddedProfileStoreStats, ProfileEvictionReason } from './embedded-profile-store.js';
export { DEFAULT_REDIS_KEY_PREFIX, DEFAULT_REDIS_MAX_ATTEMPTS, RedisProfileStore } from './redis-profile-store.js';
export type { RedisProfileStoreOptions } from './redis-profile-store.js';
export { monitorProfileStore } from './profile-store-monitor.js';
export type { ProfileStoreMonitor } from './profile-store-monitor.js';
