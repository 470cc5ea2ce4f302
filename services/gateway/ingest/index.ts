export { MAX_EVENT_TYPE_CHARS, MAX_ID_BYTES, parseInteraction, parseUserEvents, requireId } from './parse-user-events.js';
export type { UserGatewayEvent } from './parse-user-events.js';
export { recordEvents } from './record-events.js';
export type { RecordEventsDeps, RecordEventsResult } from './record-events.js';
