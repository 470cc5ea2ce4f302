export { learnEvents } from './learn-events.js';
export type { GatewayEvent, StoredProfile } from './learn-events.js';
