export { parseInteraction, parseUserEvents } from './parse-user-events.js';
export type { InteractionLimits, UserEventLimits, UserGatewayEvent } from './parse-user-events.js';
export { recordEvents } from './record-events.js';
export type { RecordEventsDeps, RecordEventsResult } from './record-events.js';
