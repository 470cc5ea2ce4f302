export { ImpressionAttribution } from './impression-attribution.js';
export type { ImpressionAttributionOptions } from './impression-attribution.js';
