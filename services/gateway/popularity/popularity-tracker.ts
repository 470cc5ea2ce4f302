/** Options of {@link PopularityTracker}. */
export interface PopularityTrackerOptions {
  /** An interaction counts half as much after this long. */
  halfLifeMs?: number;
  /** Items tracked; the least popular are forgotten beyond it. */
  capacity?: number;
  /** How stale the ranking may be: new interactions re-rank at most this often (0 = at every read). */
  rankRefreshMs?: number;
  /** One interaction counts at most this much (heavier weights are cut down to it). */
  maxWeight?: number;
  /** The clock; timestamps later than it are treated as now. */
  now?: () => number;
}

/** An item and its time-decayed interaction weight as of the latest interaction. */
export interface PopularItem {
  itemId: string;
  score: number;
}

/**
 * A day: catalog popularity (listings, films) shifts from day to day, and a week-old burst
 * still counts for about 1 %.
 */
export const DEFAULT_POPULARITY_HALF_LIFE_MS = 24 * 60 * 60 * 1000;

/**
 * The fallback needs a few hundred items after filters and exclusions; ten thousand
 * tracked items keep the heavy hitters of a catalog of millions in about a megabyte.
 */
export const DEFAULT_POPULARITY_CAPACITY = 10_000;

/**
 * Ranking up to twice `capacity` items costs milliseconds; under a steady event stream it
 * would be redone for every cold-start request. A second of staleness is invisible in a
 * ranking with a half-life of a day.
 */
export const DEFAULT_POPULARITY_RANK_REFRESH_MS = 1000;

// Scores are kept relative to a landmark time (forward decay), so an interaction adds
// w * 2^((t - landmark) / halfLife) and nothing decays in place. Past this many half-lives
// from the landmark, every score is rescaled to a new landmark before doubles overflow.
const MAX_HALF_LIVES_FROM_LANDMARK = 256;

/**
 * The most popular items of the interaction stream with exponential time decay, in bounded
 * memory: when twice `capacity` items are tracked, only the `capacity` most popular are
 * kept (an item that returns starts from zero). Out-of-order timestamps are fine. Reads
 * see new interactions within `rankRefreshMs`.
 */
export class PopularityTracker {
  private readonly scores = new Map<string, number>();
  private landmarkMs: number | undefined;
  private latestMs = -Infinity;
  private ranked: PopularItem[] | undefined;
  private rankedAtMs = Number.NEGATIVE_INFINITY;
  private changed = false;
  private readonly halfLifeMs: number;
  private readonly rankRefreshMs: number;
  private readonly capacity: number;
  private readonly maxWeight: number;
  private readonly now: () => number;

  constructor(options: PopularityTrackerOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? DEFAULT_POPULARITY_HALF_LIFE_MS;
    this.capacity = options.capacity ?? DEFAULT_POPULARITY_CAPACITY;
    this.rankRefreshMs = options.rankRefreshMs ?? DEFAULT_POPULARITY_RANK_REFRESH_MS;
    this.maxWeight = options.maxWeight ?? Number.MAX_VALUE;
    this.now = options.now ?? Date.now;
    if (!(this.maxWeight > 0)) throw new RangeError(`maxWeight must be a positive number, got ${this.maxWeight}`);
    if (!(this.halfLifeMs > 0) || !Number.isFinite(this.halfLifeMs)) throw new RangeError(`halfLifeMs must be a positive number, got ${this.halfLifeMs}`);
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${this.capacity}`);
  }

  /** Counts one interaction, its weight cut to maxWeight; a non-positive or non-finite weight or timestamp is ignored. */
  record(itemId: string, weight: number, timestampMs: number): void {
    if (!(weight > 0) || !Number.isFinite(weight) || !Number.isFinite(timestampMs)) return;
    const at = Math.min(timestampMs, this.now());
    this.landmarkMs ??= at;
    if ((at - this.landmarkMs) / this.halfLifeMs > MAX_HALF_LIVES_FROM_LANDMARK) this.moveLandmark(at);
    this.scores.set(itemId, (this.scores.get(itemId) ?? 0) + Math.min(weight, this.maxWeight) * 2 ** ((at - this.landmarkMs) / this.halfLifeMs));
    this.latestMs = Math.max(this.latestMs, at);
    this.changed = true;
    if (this.scores.size >= 2 * this.capacity) this.prune();
  }

  /** Forgets an item (deleted from the catalog) at once, staleness notwithstanding. */
  remove(itemId: string): void {
    if (this.scores.delete(itemId)) this.ranked = this.ranked?.filter((item) => item.itemId !== itemId);
  }

  /** The k most popular items, skipping those `skip` rejects; ties by item id. */
  top(k: number, skip?: (itemId: string) => boolean): PopularItem[] {
    const result: PopularItem[] = [];
    for (const item of this.rank()) {
      if (result.length >= k) break;
      if (skip?.(item.itemId) !== true) result.push({ ...item });
    }
    return result;
  }

  /** Items tracked now. */
  get size(): number {
    return this.scores.size;
  }

  private rank(): PopularItem[] {
    const nowMs = this.now();
    if (this.ranked === undefined || (this.changed && nowMs - this.rankedAtMs >= this.rankRefreshMs)) {
      this.changed = false;
      this.rankedAtMs = nowMs;
      const scale = this.landmarkMs === undefined ? 1 : 2 ** (-(this.latestMs - this.landmarkMs) / this.halfLifeMs);
      this.ranked = [...this.scores].map(([itemId, score]) => ({ itemId, score: score * scale })).sort(byScore);
    }
    return this.ranked;
  }

  private moveLandmark(at: number): void {
    const scale = 2 ** (-(at - (this.landmarkMs ?? at)) / this.halfLifeMs);
    for (const [itemId, score] of this.scores) this.scores.set(itemId, score * scale);
    this.landmarkMs = at;
  }

  private prune(): void {
    const keep = [...this.scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, this.capacity);
    this.scores.clear();
    for (const [itemId, score] of keep) this.scores.set(itemId, score);
  }
}

function byScore(a: PopularItem, b: PopularItem): number {
  return b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);
}
