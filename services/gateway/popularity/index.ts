export { DEFAULT_POPULARITY_CAPACITY, DEFAULT_POPULARITY_HALF_LIFE_MS, DEFAULT_POPULARITY_RANK_REFRESH_MS, PopularityTracker } from './popularity-tracker.js';
export type { PopularItem, PopularityTrackerOptions } from './popularity-tracker.js';
export { seedPopularity } from './seed-popularity.js';
