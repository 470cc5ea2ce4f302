/** A raw feature value as items carry it: categorical, multi-valued or continuous. */
export type RawFeatureValue = string | string[] | number;

/** A raw item as the services receive it (docs/model-contract.md, "Raw data"). */
export interface Item {
  id: string;
  /** Display only, never a model input. */
  title?: string;
  features: Record<string, RawFeatureValue>;
}

/** A raw interaction event as the services receive it. */
export interface InteractionEvent {
  itemId: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  eventType: string;
  /** Overrides the event type's weight when given. */
  weight?: number;
}

/** A raw value read as categorical: a string, or the first string of a list; else missing. */
export function rawCategorical(value: RawFeatureValue | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** A raw value read as multi-valued: a list's strings, a single string as a list of one; else none. */
export function rawMulti(value: RawFeatureValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
}

/** A raw value read as continuous: a number, else NaN (missing). */
export function rawContinuous(value: RawFeatureValue | undefined): number {
  return typeof value === 'number' ? value : NaN;
}

/** The item's raw value of a feature, ignoring inherited properties. */
export function rawFeature(item: Item, name: string): RawFeatureValue | undefined {
  return Object.hasOwn(item.features, name) ? item.features[name] : undefined;
}
