import { eventWeight } from './feature-spec.js';
import type { FeatureSpec } from './feature-spec.js';
import { rawCategorical, rawContinuous, rawMulti } from './item.js';
import type { InteractionEvent, Item } from './item.js';

/** Weighted running statistics of one continuous feature (West's weighted Welford). */
export interface ContinuousStats {
  /** Summed weight of the events whose item had a value. */
  weight: number;
  mean: number;
  /** Weighted sum of squared deviations; variance = m2 / weight. */
  m2: number;
}

/** One entry of a profile's bag of recent items. */
export interface BagEntry {
  itemId: string;
  weight: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/**
 * What the profile learner knows about a user: plain JSON-serialisable data, keyed by raw
 * feature values and raw item ids so that it survives a new model's vocabularies.
 */
export interface UserProfile {
  /** Per categorical/multi feature: raw value → summed event weight (a multi item splits it evenly). */
  values: Record<string, Record<string, number>>;
  /** Per categorical/multi feature: the summed weight of the events that had a value (the distribution's normaliser). */
  valueTotals: Record<string, number>;
  continuous: Record<string, ContinuousStats>;
  /** The last `bagLength` items, most recent first. */
  recent: BagEntry[];
  totalWeight: number;
  eventCount: number;
}

/** An empty profile. */
export function createProfile(): UserProfile {
  return { values: Object.create(null), valueTotals: Object.create(null), continuous: Object.create(null), recent: [], totalWeight: 0, eventCount: 0 };
}

/**
 * Adds one event to `profile` in place in O(features + bagLength). `itemFeatures` is the
 * item's raw features, undefined for an item unknown to the caller (it still enters the bag).
 * Events added in time order give exactly the profile `buildProfile` gives; an older event
 * added late is placed in the bag by its timestamp.
 */
export function addEvent(profile: UserProfile, spec: FeatureSpec, itemFeatures: Item['features'] | undefined, event: InteractionEvent): UserProfile {
  const weight = eventWeight(spec, event.eventType, event.weight);
  if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`event weight must be a finite non-negative number, got ${weight}`);
  if (!Number.isFinite(event.timestamp)) throw new RangeError(`event timestamp must be finite, got ${event.timestamp}`);
  profile.eventCount++;
  profile.totalWeight += weight;
  insertRecent(profile.recent, { itemId: event.itemId, weight, timestamp: event.timestamp }, spec.bagLength);
  if (itemFeatures === undefined || weight === 0) return profile;
  for (const feature of spec.features) {
    const raw = Object.hasOwn(itemFeatures, feature.name) ? itemFeatures[feature.name] : undefined;
    if (feature.kind === 'continuous') {
      const x = rawContinuous(raw);
      if (!Number.isNaN(x)) {
        const stats = ownValue(profile.continuous, feature.name) ?? setOwn(profile.continuous, feature.name, { weight: 0, mean: 0, m2: 0 });
        welfordAdd(stats, x, weight);
      }
      continue;
    }
    const values = feature.kind === 'categorical' ? optionalList(rawCategorical(raw)) : rawMulti(raw);
    if (values.length === 0) continue;
    const counts = ownValue(profile.values, feature.name) ?? setOwn(profile.values, feature.name, Object.create(null) as Record<string, number>);
    addOwn(profile.valueTotals, feature.name, weight);
    const share = weight / values.length;
    for (const value of values) addOwn(counts, value, share);
  }
  return profile;
}

/** A profile built from `events` in time order (stable for equal timestamps); `itemFeatures` resolves raw item ids. */
export function buildProfile(
  spec: FeatureSpec,
  events: readonly InteractionEvent[],
  itemFeatures: (itemId: string) => Item['features'] | undefined,
): UserProfile {
  const ordered = events.map((event, i) => ({ event, i })).sort((a, b) => a.event.timestamp - b.event.timestamp || a.i - b.i);
  const profile = createProfile();
  for (const { event } of ordered) addEvent(profile, spec, itemFeatures(event.itemId), event);
  return profile;
}

/** One step of West's weighted incremental mean and variance; shared with the snapshot encoder. */
export function welfordStep(weight: number, mean: number, m2: number, x: number, w: number): [number, number, number] {
  const nextWeight = weight + w;
  const delta = x - mean;
  const nextMean = mean + (delta * w) / nextWeight;
  return [nextWeight, nextMean, m2 + w * delta * (x - nextMean)];
}

function welfordAdd(stats: ContinuousStats, x: number, w: number): void {
  [stats.weight, stats.mean, stats.m2] = welfordStep(stats.weight, stats.mean, stats.m2, x, w);
}

function insertRecent(recent: BagEntry[], entry: BagEntry, bagLength: number): void {
  // Most recent first; an equal timestamp counts as more recent, as in time-ordered bulk builds.
  let at = 0;
  while (at < recent.length && recent[at].timestamp > entry.timestamp) at++;
  if (at >= bagLength) return;
  recent.splice(at, 0, entry);
  if (recent.length > bagLength) recent.length = bagLength;
}

function optionalList(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

// Raw values such as '__proto__' must become own properties, never prototype writes.
function setOwn<T>(record: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

function addOwn(record: Record<string, number>, key: string, amount: number): void {
  if (Object.hasOwn(record, key)) record[key] += amount;
  else setOwn(record, key, amount);
}
