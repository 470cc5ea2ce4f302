import { DlrsError } from '../../../shared/errors/index.js';
import type { Interaction__Output } from '../../../shared/generated/dlrs/v1/Interaction.js';
import type { UserEvent__Output } from '../../../shared/generated/dlrs/v1/UserEvent.js';
import type { GatewayEvent } from '../profiles/index.js';

/** One validated event of one user. */
export interface UserGatewayEvent {
  userId: string;
  event: GatewayEvent;
}

/** Ids are bounded so that keys, log lines and dedupe windows stay small. */
export const MAX_ID_BYTES = 256;
/** Event types are short names such as "view" or "purchase". */
export const MAX_EVENT_TYPE_CHARS = 64;

/**
 * Validates a RecordInteractions batch (1 to `maxEvents` events). A zero timestamp becomes
 * `receivedAtMs`. Throws INVALID_ARGUMENT naming the first bad field, e.g.
 * `events[3].interaction.weight`.
 */
export function parseUserEvents(events: readonly UserEvent__Output[], maxEvents: number, receivedAtMs: number): UserGatewayEvent[] {
  if (events.length === 0 || events.length > maxEvents) throw new DlrsError('INVALID_ARGUMENT', `holds ${events.length} events; 1 to ${maxEvents} are allowed`, { field: 'events' });
  return events.map((userEvent, i) => {
    const userId = requireId(userEvent.userId, `events[${i}].user_id`);
    if (!userEvent.interaction) throw new DlrsError('INVALID_ARGUMENT', 'is required', { field: `events[${i}].interaction` });
    return { userId, event: parseInteraction(userEvent.interaction, `events[${i}].interaction`, receivedAtMs) };
  });
}

/** Validates one interaction (also a Session event or an inline context entry); `field` prefixes error fields. */
export function parseInteraction(interaction: Interaction__Output, field: string, receivedAtMs: number): GatewayEvent {
  const itemId = requireId(interaction.itemId, `${field}.item_id`);
  if (interaction.eventType.length > MAX_EVENT_TYPE_CHARS) {
    throw new DlrsError('INVALID_ARGUMENT', `is ${interaction.eventType.length} characters; at most ${MAX_EVENT_TYPE_CHARS} are allowed`, { field: `${field}.event_type` });
  }
  if (!Number.isSafeInteger(interaction.timestampMs) || interaction.timestampMs < 0) {
    throw new DlrsError('INVALID_ARGUMENT', `must be ms since the epoch (>= 0), got ${interaction.timestampMs}`, { field: `${field}.timestamp_ms` });
  }
  if (interaction.weight !== undefined && !(Number.isFinite(interaction.weight) && interaction.weight > 0)) {
    throw new DlrsError('INVALID_ARGUMENT', `must be finite and > 0, got ${interaction.weight}`, { field: `${field}.weight` });
  }
  if (Buffer.byteLength(interaction.eventId) > MAX_ID_BYTES) {
    throw new DlrsError('INVALID_ARGUMENT', `is longer than ${MAX_ID_BYTES} bytes`, { field: `${field}.event_id` });
  }
  const event: GatewayEvent = { itemId, eventType: interaction.eventType, timestamp: interaction.timestampMs === 0 ? receivedAtMs : interaction.timestampMs };
  if (interaction.weight !== undefined) event.weight = interaction.weight;
  if (interaction.eventId !== '') event.eventId = interaction.eventId;
  return event;
}

/** Checks a user or item id: 1 to MAX_ID_BYTES bytes of UTF-8. */
export function requireId(id: string, field: string): string {
  if (id === '') throw new DlrsError('INVALID_ARGUMENT', 'is required', { field });
  if (Buffer.byteLength(id) > MAX_ID_BYTES) throw new DlrsError('INVALID_ARGUMENT', `is longer than ${MAX_ID_BYTES} bytes`, { field });
  return id;
}
