// The request mix of `make bench-scale`: context items drawn from the whole catalog with a
// Zipf-like popularity (the item of popularity rank r is drawn with weight 1 / r^s), so that
// the gateway's item cache sees a long tail of cold items as a real catalog's traffic does.
import { SeededRandom } from '../../shared/random/index.js';
import { ItemFeatureCache } from '../../services/gateway/item-cache/index.js';

/** One Recommend of the pool, as `dlrs bench load` data. */
export interface PoolRequest {
  requestId: string;
  context: { interactions: { itemId: string; eventType: string }[] };
  k: number;
  candidates: number;
}

/** How the pool is drawn. */
export interface PoolShape {
  requests: number;
  contextItems: number;
  /** The Zipf exponent s; 0 draws uniformly. */
  zipfExponent: number;
  k: number;
  candidates: number;
  seed: number;
}

/** `shape.requests` context requests over `itemIds`; popularity ranks are a seeded shuffle of the catalog. */
export function zipfRequestPool(itemIds: readonly string[], shape: PoolShape): PoolRequest[] {
  const random = new SeededRandom(shape.seed);
  const byRank = random.shuffle([...itemIds]);
  const cumulative = new Float64Array(byRank.length);
  let total = 0;
  for (let r = 0; r < byRank.length; r++) cumulative[r] = total += 1 / Math.pow(r + 1, shape.zipfExponent);
  const draw = (): string => {
    const u = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return byRank[lo];
  };
  return Array.from({ length: shape.requests }, (_, n) => ({
    requestId: `scale-${n}`,
    context: { interactions: Array.from({ length: shape.contextItems }, () => ({ itemId: draw(), eventType: 'view' })) },
    k: shape.k,
    candidates: shape.candidates,
  }));
}

/**
 * The gateway's item-cache hit rate per level, replayed on the gateway's own cache class at
 * its default size: each level's load process sends the pool from its start, cycling, and the
 * gateway's cache lives through all levels.
 */
export class ItemCacheReplay {
  private readonly cache: ItemFeatureCache<true>;

  constructor(private readonly pool: readonly PoolRequest[], maxEntries: number) {
    this.cache = new ItemFeatureCache<true>({ fetch: (ids) => Promise.resolve(new Map(ids.map((id) => [id, true as const]))), maxEntries });
  }

  /** The hit rate of the next level's `calls` requests. */
  async level(calls: number): Promise<number> {
    const before = this.cache.stats();
    for (let n = 0; n < calls; n++) await this.cache.getMany(this.pool[n % this.pool.length].context.interactions.map((i) => i.itemId));
    const after = this.cache.stats();
    const hits = after.hits - before.hits;
    return hits / Math.max(1, hits + after.misses - before.misses);
  }
}
