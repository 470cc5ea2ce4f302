import type { Item } from '../features/index.js';

/** One recorded interaction event, as the gateway received it. */
export interface LoggedInteraction {
  type: 'interaction';
  userId: string;
  itemId: string;
  eventType: string;
  /** When the event happened, ms since the epoch. */
  timestamp: number;
  /** An explicit weight overriding the event type's weight. */
  weight?: number;
  eventId?: string;
}

/** One served recommendation list: what the user was shown, for training and for auditing. */
export interface LoggedImpression {
  type: 'impression';
  /** Empty for an anonymous request with an inline context. */
  userId: string;
  requestId?: string;
  /** Item ids, best first. */
  items: string[];
  /** Row-aligned with `items`. */
  scores: number[];
  modelVersion: string;
  /** When the list was served, ms since the epoch. */
  timestamp: number;
  /** The fallbacks used (DegradedReason names), absent when none. */
  degradedReasons?: string[];
}

/**
 * A catalog item the gateway's UpsertItems wrote to its shard, with the raw features it was
 * given: retrain adds it to the serving bundle's catalog (or replaces the item there).
 */
export interface LoggedItemUpsert {
  type: 'item-upsert';
  itemId: string;
  title?: string;
  features: Item['features'];
  /** When the shard acknowledged it, ms since the epoch. */
  timestamp: number;
}

/** A catalog item the gateway's DeleteItems removed from its shard: retrain leaves it out of the catalog. */
export interface LoggedItemDelete {
  type: 'item-delete';
  itemId: string;
  /** When the shard acknowledged it, ms since the epoch. */
  timestamp: number;
}

/** A line of the interaction log. */
export type InteractionLogRecord = LoggedInteraction | LoggedImpression | LoggedItemUpsert | LoggedItemDelete;

/** Checks a parsed line; returns the record or a reason it is not one. */
export function parseInteractionLogRecord(value: unknown): InteractionLogRecord | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.timestamp !== 'number' || !Number.isFinite(record.timestamp)) return 'timestamp must be a finite number';
  if (record.type === 'item-upsert' || record.type === 'item-delete') {
    if (typeof record.itemId !== 'string' || record.itemId === '') return 'itemId must be a non-empty string';
    if (record.type === 'item-delete') return record as unknown as LoggedItemDelete;
    if (typeof record.features !== 'object' || record.features === null || Array.isArray(record.features)) return 'features must be an object';
    if (!Object.values(record.features).every(isRawFeatureValue)) return 'features must be strings, arrays of strings or finite numbers';
    if (record.title !== undefined && typeof record.title !== 'string') return 'title must be a string';
    return record as unknown as LoggedItemUpsert;
  }
  if (typeof record.userId !== 'string') return 'userId must be a string';
  if (record.type === 'interaction') {
    if (typeof record.itemId !== 'string' || record.itemId === '') return 'itemId must be a non-empty string';
    if (typeof record.eventType !== 'string') return 'eventType must be a string';
    if (record.weight !== undefined && (typeof record.weight !== 'number' || !Number.isFinite(record.weight))) return 'weight must be a finite number';
    if (record.eventId !== undefined && typeof record.eventId !== 'string') return 'eventId must be a string';
    return record as unknown as LoggedInteraction;
  }
  if (record.type === 'impression') {
    if (!isStringArray(record.items)) return 'items must be an array of strings';
    if (!Array.isArray(record.scores) || record.scores.length !== record.items.length || !record.scores.every((s) => typeof s === 'number')) {
      return 'scores must be numbers, one per item';
    }
    if (typeof record.modelVersion !== 'string') return 'modelVersion must be a string';
    if (record.degradedReasons !== undefined && !isStringArray(record.degradedReasons)) return 'degradedReasons must be an array of strings';
    return record as unknown as LoggedImpression;
  }
  return `unknown type ${JSON.stringify(record.type)}`;
}

function isRawFeatureValue(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || isStringArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
