/** Fetches items by id; ids absent from the result do not exist. */
export type FetchItems<V> = (itemIds: readonly string[]) => Promise<ReadonlyMap<string, V>>;

/** Options of {@link ItemFeatureCache}. */
export interface ItemFeatureCacheOptions<V> {
  fetch: FetchItems<V>;
  /** Entries kept, found and not-found alike; the least recently used go first (approximately, see touch). */
  maxEntries?: number;
  /** How long a fetched item is trusted (catalog changes may bypass the gateway). */
  ttlMs?: number;
  /** How long "no such item" is trusted; shorter, since the item may be created soon. */
  notFoundTtlMs?: number;
  now?: () => number;
}

/** Counters of a cache. */
export interface ItemFeatureCacheStats {
  hits: number;
  misses: number;
  /** Calls of `fetch`. */
  fetches: number;
  entries: number;
}

/**
 * A hundred thousand items cover the active part of most catalogs; at about a kilobyte of
 * raw features each that is 100 MB at most.
 */
export const DEFAULT_ITEM_CACHE_MAX_ENTRIES = 100_000;
/** Features of a listing rarely change within minutes, and a stale profile update is mild. */
export const DEFAULT_ITEM_CACHE_TTL_MS = 10 * 60 * 1000;
/** An unknown item in events is usually one being created; look again soon. */
export const DEFAULT_ITEM_CACHE_NOT_FOUND_TTL_MS = 30 * 1000;

interface Entry<V> {
  value: V | undefined;
  expiresAtMs: number;
  /** The cache's placement count when the entry was last put at the recent end. */
  placedAt: number;
}

/**
 * An approximately LRU cache of item features in front of a batch fetch (retrieval's GetItems). Misses of
 * one call are fetched in one batch; concurrent calls share the fetch of an id in flight.
 * A failed fetch is not cached and fails the calls that waited for it.
 */
export class ItemFeatureCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inFlight = new Map<string, Promise<V | undefined>>();
  private readonly counters = { hits: 0, misses: 0, fetches: 0 };
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly notFoundTtlMs: number;
  private readonly now: () => number;
  /** Entries put at the recent end so far (stores and moves). */
  private placements = 0;
  /** A hit moves its entry to the recent end only when it was placed at least this many placements ago. */
  private readonly moveAfterPlacements: number;

  constructor(private readonly options: ItemFeatureCacheOptions<V>) {
    this.maxEntries = options.maxEntries ?? DEFAULT_ITEM_CACHE_MAX_ENTRIES;
    this.moveAfterPlacements = Math.max(1, Math.floor(this.maxEntries / 2));
    this.ttlMs = options.ttlMs ?? DEFAULT_ITEM_CACHE_TTL_MS;
    this.notFoundTtlMs = options.notFoundTtlMs ?? DEFAULT_ITEM_CACHE_NOT_FOUND_TTL_MS;
    this.now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
  }

  /** The items by id; an id maps to undefined when the item does not exist. */
  getMany(itemIds: readonly string[]): Promise<Map<string, V | undefined>> {
    const cached = this.cachedMany(itemIds);
    return cached === undefined ? this.fetchMany(itemIds) : Promise.resolve(cached);
  }

  /**
   * The items by id when every one of them is cached and fresh (the usual case for a hot
   * catalog), without waiting; undefined, counting nothing, when any must be fetched.
   */
  cachedMany(itemIds: readonly string[]): Map<string, V | undefined> | undefined {
    const nowMs = this.now();
    for (const id of itemIds) {
      const entry = this.entries.get(id);
      if (entry === undefined || entry.expiresAtMs <= nowMs) return undefined;
    }
    const result = new Map<string, V | undefined>();
    for (const id of itemIds) {
      if (result.has(id)) continue;
      const entry = this.entries.get(id) as Entry<V>;
      this.touch(id, entry);
      result.set(id, entry.value);
      this.counters.hits++;
    }
    return result;
  }

  private async fetchMany(itemIds: readonly string[]): Promise<Map<string, V | undefined>> {
    const result = new Map<string, V | undefined>();
    const waiting: [string, Promise<V | undefined>][] = [];
    const missing: string[] = [];
    const nowMs = this.now();
    for (const id of new Set(itemIds)) {
      const entry = this.entries.get(id);
      if (entry !== undefined && entry.expiresAtMs > nowMs) {
        this.touch(id, entry);
        result.set(id, entry.value);
        this.counters.hits++;
        continue;
      }
      this.counters.misses++;
      const pending = this.inFlight.get(id);
      if (pending) waiting.push([id, pending]);
      else missing.push(id);
    }
    if (missing.length > 0) waiting.push(...this.fetchMissing(missing));
    const settled = await Promise.all(waiting.map(([, promise]) => promise));
    waiting.forEach(([id], i) => result.set(id, settled[i]));
    return result;
  }

  /** Drops ids whose items changed (upserted or deleted through the gateway). */
  invalidate(itemIds: readonly string[]): void {
    for (const id of itemIds) {
      this.entries.delete(id);
      this.inFlight.delete(id);
    }
  }

  stats(): ItemFeatureCacheStats {
    return { ...this.counters, entries: this.entries.size };
  }

  private fetchMissing(ids: string[]): [string, Promise<V | undefined>][] {
    this.counters.fetches++;
    const batch = this.options.fetch(ids);
    const perId = ids.map((id): [string, Promise<V | undefined>] => [id, batch.then((found) => found.get(id))]);
    for (const [id, promise] of perId) this.inFlight.set(id, promise);
    const settle = (found: ReadonlyMap<string, V> | undefined): void => {
      const nowMs = this.now();
      for (const [id, promise] of perId) {
        // Invalidated while in flight: the answer may predate the change, so do not keep it.
        if (this.inFlight.get(id) !== promise) continue;
        this.inFlight.delete(id);
        if (found === undefined) continue;
        const value = found.get(id);
        this.store(id, { value, expiresAtMs: nowMs + (value === undefined ? this.notFoundTtlMs : this.ttlMs), placedAt: 0 });
      }
    };
    void batch.then(settle, () => settle(undefined));
    return perId;
  }

  /**
   * Marks a hit as recently used. Moving an entry to the Map's recent end (a delete and a set
   * in a map of up to maxEntries) is most of what a hit costs, so an entry placed within the
   * last maxEntries / 2 placements stays where it is: the order is approximately LRU, and an
   * item used at least once per maxEntries / 2 placements is never evicted.
   */
  private touch(id: string, entry: Entry<V>): void {
    if (this.placements - entry.placedAt >= this.moveAfterPlacements) this.store(id, entry);
  }

  private store(id: string, entry: Entry<V>): void {
    entry.placedAt = ++this.placements;
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
