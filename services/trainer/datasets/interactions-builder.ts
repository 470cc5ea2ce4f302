import type { Interactions } from './dataset.js';
import { Interner } from './column-builders.js';
import { GrowableArray } from './growable-array.js';

/** The most event types an Interactions table holds (eventType is a Uint8Array). */
const MAX_EVENT_TYPES = 256;

/** Appends interactions row by row into growing typed arrays. */
export class InteractionsBuilder {
  readonly users = new Interner();
  private readonly eventTypes = new Interner();
  private readonly user = new GrowableArray(Int32Array);
  private readonly item = new GrowableArray(Int32Array);
  private readonly timestamp = new GrowableArray(Float64Array);
  private readonly eventType = new GrowableArray(Uint8Array);
  private readonly weight = new GrowableArray(Float32Array);
  private readonly rating: GrowableArray<Float32Array> | undefined;

  constructor(options: { withRatings?: boolean } = {}) {
    this.rating = options.withRatings === true ? new GrowableArray(Float32Array) : undefined;
  }

  /** The code an event type gets; throws past 256 types. */
  eventTypeCode(eventType: string): number {
    const known = this.eventTypes.get(eventType);
    if (known !== undefined) return known;
    if (this.eventTypes.size >= MAX_EVENT_TYPES) throw new Error(`more than ${MAX_EVENT_TYPES} event types (at '${eventType}')`);
    return this.eventTypes.code(eventType);
  }

  /** Appends one event; `userCode` from `users.code(id)`, `weight` NaN when not given. */
  push(userCode: number, itemRow: number, timestampMs: number, eventTypeCode: number, weight = NaN, rating = NaN): void {
    this.user.push(userCode);
    this.item.push(itemRow);
    this.timestamp.push(timestampMs);
    this.eventType.push(eventTypeCode);
    this.weight.push(weight);
    this.rating?.push(rating);
  }

  get length(): number {
    return this.user.length;
  }

  build(): Interactions {
    const interactions: Interactions = {
      user: this.user.toArray(),
      item: this.item.toArray(),
      timestamp: this.timestamp.toArray(),
      eventType: this.eventType.toArray(),
      weight: this.weight.toArray(),
      userIds: this.users.values,
      eventTypes: this.eventTypes.values,
    };
    if (this.rating !== undefined) interactions.rating = this.rating.toArray();
    return interactions;
  }
}
