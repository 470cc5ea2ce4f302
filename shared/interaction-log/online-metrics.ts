// Online metrics from impressions: per model version, the share of impressed items the user acted on within a window.
import type { LoggedImpression, LoggedInteraction } from './interaction-log-record.js';

/** One model version's counts and rates. */
export interface VersionOnlineMetrics {
  readonly modelVersion: string;
  readonly impressions: number;
  /** Impressed (list, item) pairs. */
  readonly impressedItems: number;
  /** Pairs followed within the window by an event of a click type. */
  readonly clicked: number;
  /** Pairs followed within the window by any event. */
  readonly engaged: number;
  readonly clickThrough: number;
  readonly anyEvent: number;
}

/** How an impression is credited. */
export interface OnlineMetricsOptions {
  /** An event counts when it lands in [impression, impression + windowMs]. */
  readonly windowMs: number;
  /** Event types that are clicks (click-through); every type counts for any-event. */
  readonly clickTypes: ReadonlySet<string>;
  /** Only impressions served in [from, to) count (ms; default: all). */
  readonly from?: number;
  readonly to?: number;
}

/** Per model version, sorted by version; impressions of anonymous requests (no user id) are skipped. */
export function onlineMetrics(impressions: readonly LoggedImpression[], interactions: readonly LoggedInteraction[], options: OnlineMetricsOptions): VersionOnlineMetrics[] {
  const events = new Map<string, { t: number; click: boolean }[]>();
  for (const e of interactions) {
    const key = `${e.userId}\u0000${e.itemId}`;
    let list = events.get(key);
    if (list === undefined) events.set(key, (list = []));
    list.push({ t: e.timestamp, click: options.clickTypes.has(e.eventType) });
  }
  const byVersion = new Map<string, { impressions: number; items: number; clicked: number; engaged: number }>();
  for (const imp of impressions) {
    if (imp.userId === '') continue;
    if (options.from !== undefined && imp.timestamp < options.from) continue;
    if (options.to !== undefined && imp.timestamp >= options.to) continue;
    let acc = byVersion.get(imp.modelVersion);
    if (acc === undefined) byVersion.set(imp.modelVersion, (acc = { impressions: 0, items: 0, clicked: 0, engaged: 0 }));
    acc.impressions++;
    const end = imp.timestamp + options.windowMs;
    for (const item of imp.items) {
      acc.items++;
      const within = (events.get(`${imp.userId}\u0000${item}`) ?? []).filter((e) => e.t >= imp.timestamp && e.t <= end);
      if (within.length > 0) acc.engaged++;
      if (within.some((e) => e.click)) acc.clicked++;
    }
  }
  return [...byVersion.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([modelVersion, a]) => ({
      modelVersion,
      impressions: a.impressions,
      impressedItems: a.items,
      clicked: a.clicked,
      engaged: a.engaged,
      clickThrough: a.items === 0 ? 0 : a.clicked / a.items,
      anyEvent: a.items === 0 ? 0 : a.engaged / a.items,
    }));
}
