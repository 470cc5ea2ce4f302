// Online click-through per model version: each served list's items, and those the user acts on within the attribution window.
import type { MetricsRegistry } from '../../../shared/metrics/index.js';

/** How impressions are credited and how much is remembered. */
export interface ImpressionAttributionOptions {
  /** An event counts for an impression served at most this long before it (the `dlrs report online --window-ms` rule). */
  readonly windowMs: number;
  /** Event types that are clicks; every type counts as engagement. */
  readonly clickTypes: ReadonlySet<string>;
  /** Users whose recent lists are remembered; the least recently served go first. */
  readonly maxUsers: number;
  /** Lists remembered per user, the newest. */
  readonly maxListsPerUser: number;
}

/** One served list as remembered: its items not yet credited. */
interface ServedList {
  readonly modelVersion: string;
  readonly servedAtMs: number;
  readonly clicked: Set<string>;
  readonly engaged: Set<string>;
  readonly items: ReadonlySet<string>;
}

type VersionLabel = { model_version: string };

/**
 * Counts, per model version, the impressed items (`dlrs_gateway_impressed_items_total`) and
 * those followed within the window by a click (`dlrs_gateway_clicked_items_total`) or by any
 * event (`dlrs_gateway_engaged_items_total`) of the same user, each (list, item) pair once:
 * the same figures `dlrs report online` computes from the log, live, so that
 * rate(clicked) / rate(impressed) is the click-through of each version while both serve.
 * An event that comes after its list was forgotten (beyond the bounds) is not credited.
 */
export class ImpressionAttribution {
  private readonly lists = new Map<string, ServedList[]>();
  private readonly impressed;
  private readonly clicked;
  private readonly engaged;

  constructor(
    metrics: MetricsRegistry,
    private readonly options: ImpressionAttributionOptions,
  ) {
    this.impressed = metrics.counter<VersionLabel>('dlrs_gateway_impressed_items', 'Items served in recommendation lists to known users, by model version');
    this.clicked = metrics.counter<VersionLabel>('dlrs_gateway_clicked_items', 'Served items the user clicked within the attribution window, by the serving model version');
    this.engaged = metrics.counter<VersionLabel>('dlrs_gateway_engaged_items', 'Served items the user had any event on within the attribution window, by the serving model version');
  }

  /** A list served to `userId` (anonymous lists are not attributable and are not counted). */
  served(userId: string, itemIds: readonly string[], modelVersion: string, atMs: number): void {
    if (userId === '' || itemIds.length === 0) return;
    this.impressed.add(itemIds.length, { model_version: modelVersion });
    const lists = this.lists.get(userId) ?? [];
    // Re-inserted: the map's order is the users' recency.
    this.lists.delete(userId);
    lists.push({ modelVersion, servedAtMs: atMs, clicked: new Set(), engaged: new Set(), items: new Set(itemIds) });
    if (lists.length > this.options.maxListsPerUser) lists.splice(0, lists.length - this.options.maxListsPerUser);
    this.lists.set(userId, lists);
    while (this.lists.size > this.options.maxUsers) {
      const oldest = this.lists.keys().next().value;
      if (oldest === undefined) break;
      this.lists.delete(oldest);
    }
  }

  /** An event the gateway applied: credits every remembered list of the user that showed the item within the window before it. */
  event(userId: string, itemId: string, eventType: string, atMs: number): void {
    const lists = this.lists.get(userId);
    if (lists === undefined) return;
    const click = this.options.clickTypes.has(eventType);
    for (const list of lists) {
      if (!list.items.has(itemId) || atMs < list.servedAtMs || atMs > list.servedAtMs + this.options.windowMs) continue;
      const label = { model_version: list.modelVersion };
      if (!list.engaged.has(itemId)) {
        list.engaged.add(itemId);
        this.engaged.add(1, label);
      }
      if (click && !list.clicked.has(itemId)) {
        list.clicked.add(itemId);
        this.clicked.add(1, label);
      }
    }
  }
}
