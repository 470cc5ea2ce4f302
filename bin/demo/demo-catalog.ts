import type { ModelBundle } from '../../shared/bundle/index.js';
import { rawCategorical, rawMulti } from '../../shared/features/index.js';
import type { Item } from '../../shared/features/index.js';
import { groupByUser, loadDataset } from '../../services/trainer/datasets/index.js';

/** Item features that read as a "category" to a person, in order of preference. */
const CATEGORY_FEATURES = ['category', 'genres', 'genre'];

/** One recorded event of a user's history. */
export interface HistoryEvent {
  itemId: string;
  eventType: string;
  timestampMs: number;
}

/** A user of the dataset with their most recent events, oldest first. */
export interface UserHistory {
  userId: string;
  events: HistoryEvent[];
}

/** What the demo shows about items and users: titles, categories, real histories, popularity. */
export interface DemoCatalog {
  /** The item feature shown as the category (undefined when the catalog has none). */
  categoryFeature: string | undefined;
  titleOf(itemId: string): string;
  categoriesOf(itemId: string): string[];
  /** Users with at least `historyLength` events, each with their last `historyLength` events. */
  histories: UserHistory[];
  /** The most interacted-with items of a category, most popular first. */
  popularIn(category: string, count: number): string[];
  /** Every category, the most interacted-with first. */
  categories: string[];
}

/**
 * Reads the users' histories and the items' popularity from the dataset the bundle was trained
 * on (loaded again: the bundle holds the catalog but no interactions), and the titles and
 * categories from the bundle's catalog.
 */
export async function loadDemoCatalog(bundle: ModelBundle, dataSpec: string, historyLength: number): Promise<DemoCatalog> {
  const dataset = await loadDataset(dataSpec);
  const items = new Map<string, Item>(bundle.items.map((item) => [item.id, item]));
  const categoryFeature = CATEGORY_FEATURES.find((name) => bundle.manifest.featureSpec.features.some((feature) => feature.name === name));
  const categoriesOf = (itemId: string): string[] => {
    const raw = categoryFeature === undefined ? undefined : items.get(itemId)?.features[categoryFeature];
    if (raw === undefined) return [];
    const single = rawCategorical(raw);
    return Array.isArray(raw) ? rawMulti(raw) : single === undefined ? [] : [single];
  };
  const { interactions } = dataset;
  const ids = dataset.items.ids;
  const counts = new Map<string, number>();
  for (const row of interactions.item) counts.set(ids[row], (counts.get(ids[row]) ?? 0) + 1);
  const byPopularity = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  const categoryEvents = new Map<string, number>();
  for (const [id, count] of counts) for (const category of categoriesOf(id)) categoryEvents.set(category, (categoryEvents.get(category) ?? 0) + count);
  const sequences = groupByUser(dataset);
  const histories: UserHistory[] = [];
  for (let u = 0; u < interactions.userIds.length; u++) {
    const [start, end] = [sequences.offsets[u], sequences.offsets[u + 1]];
    if (end - start < historyLength) continue;
    const events = Array.from(sequences.order.subarray(end - historyLength, end), (k) => ({
      itemId: ids[interactions.item[k]],
      eventType: interactions.eventTypes[interactions.eventType[k]],
      timestampMs: interactions.timestamp[k],
    }));
    histories.push({ userId: interactions.userIds[u], events });
  }
  return {
    categoryFeature,
    titleOf: (itemId) => items.get(itemId)?.title ?? itemId,
    categoriesOf,
    histories,
    categories: [...categoryEvents.entries()].sort((a, b) => b[1] - a[1]).map(([category]) => category),
    popularIn: (category, count) => byPopularity.filter((id) => items.has(id) && categoriesOf(id).includes(category)).slice(0, count),
  };
}
