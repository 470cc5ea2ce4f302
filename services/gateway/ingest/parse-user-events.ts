import { DlrsError } from '../../../shared/errors/index.js';
import type { Interaction__Output } from '../../../shared/generated/dlrs/v1/Interaction.js';
import type { UserEvent__Output } from '../../../shared/generated/dlrs/v1/UserEvent.js';
import { MAX_EVENT_TYPE_BYTES, MAX_ID_BYTES, checkBytes, requireId } from '../field-limits/index.js';
import type { GatewayEvent } from '../profiles/index.js';

/** One validated event of one user. */
export interface UserGatewayEvent {
  userId: string;
  event: GatewayEvent;
}

/** The configured bounds of one interaction. */
export interface InteractionLimits {
  /** The largest explicit weight accepted. */
  maxEventWeight: number;
  /** How far in the future of the gateway's clock a timestamp may lie (the producers' clock skew). */
  maxEventFutureMs: number;
}

/** The configured bounds of a RecordInteractions batch. */
export interface UserEventLimits extends InteractionLimits {
  maxEventsPerBatch: number;
}

/**
 * Validates a RecordInteractions batch (1 to `maxEventsPerBatch` events). A zero timestamp
 * becomes `receivedAtMs`. Throws INVALID_ARGUMENT naming the first bad field, e.g.
 * `events[3].interaction.weight`: one bad event rejects the whole batch, so nothing of it is written.
 */
export function parseUserEvents(events: readonly UserEvent__Output[], limits: UserEventLimits, receivedAtMs: number): UserGatewayEvent[] {
  if (events.length === 0 || events.length > limits.maxEventsPerBatch) {
    throw new DlrsError('INVALID_ARGUMENT', `holds ${events.length} events; 1 to ${limits.maxEventsPerBatch} are allowed`, { field: 'events' });
  }
  return events.map((userEvent, i) => {
    const userId = requireId(userEvent.userId, `events[${i}].user_id`);
    if (!userEvent.interaction) throw new DlrsError('INVALID_ARGUMENT', 'is required', { field: `events[${i}].interaction` });
    return { userId, event: parseInteraction(userEvent.interaction, `events[${i}].interaction`, limits, receivedAtMs) };
  });
}

/** Validates one interaction (also a Session event or an inline context entry); `field` prefixes error fields. */
export function parseInteraction(interaction: Interaction__Output, field: string, limits: InteractionLimits, receivedAtMs: number): GatewayEvent {
  const itemId = requireId(interaction.itemId, `${field}.item_id`);
  checkBytes(interaction.eventType, MAX_EVENT_TYPE_BYTES, `${field}.event_type`);
  const latestMs = receivedAtMs + limits.maxEventFutureMs;
  if (!Number.isSafeInteger(interaction.timestampMs) || interaction.timestampMs < 0 || interaction.timestampMs > latestMs) {
    throw new DlrsError('INVALID_ARGUMENT', `must be ms since the epoch, from 0 to ${limits.maxEventFutureMs} ms after the server's clock (${latestMs}), got ${interaction.timestampMs}`, {
      field: `${field}.timestamp_ms`,
    });
  }
  if (interaction.weight !== undefined && !(Number.isFinite(interaction.weight) && interaction.weight > 0 && interaction.weight <= limits.maxEventWeight)) {
    throw new DlrsError('INVALID_ARGUMENT', `must be finite, > 0 and at most ${limits.maxEventWeight}, got ${interaction.weight}`, { field: `${field}.weight` });
  }
  checkBytes(interaction.eventId, MAX_ID_BYTES, `${field}.event_id`);
  const event: GatewayEvent = { itemId, eventType: interaction.eventType, timestamp: interaction.timestampMs === 0 ? receivedAtMs : interaction.timestampMs };
  if (interaction.weight !== undefined) event.weight = interaction.weight;
  if (interaction.eventId !== '') event.eventId = interaction.eventId;
  return event;
}
