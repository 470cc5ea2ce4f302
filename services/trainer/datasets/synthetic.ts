import { SeededRandom } from '../../../shared/random/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder, MultiColumnBuilder } from './column-builders.js';
import type { Dataset } from './dataset.js';
import { InteractionsBuilder } from './interactions-builder.js';

/** The shape of a synthetic dataset. */
export interface SyntheticSize {
  users: number;
  items: number;
  /** Target number of interactions (the result is within a few percent). */
  interactions: number;
  /** Item clusters = values of the `category` feature. */
  clusters: number;
}

/** Named sizes: `tiny` for unit tests, `small` for the demo, `medium`/`large` for benchmarks. */
export const SYNTHETIC_SIZES = {
  tiny: { users: 200, items: 300, interactions: 6_000, clusters: 8 },
  small: { users: 2_000, items: 5_000, interactions: 100_000, clusters: 20 },
  medium: { users: 20_000, items: 100_000, interactions: 1_000_000, clusters: 50 },
  large: { users: 200_000, items: 1_000_000, interactions: 10_000_000, clusters: 200 },
} as const satisfies Record<string, SyntheticSize>;

/** Items per cluster of an explicit size without a cluster count (the `medium` size's ratio). */
const ITEMS_PER_CLUSTER = 2000;
/** Bounds of an explicit size: the generator holds every interaction in memory. */
const MAX_SYNTHETIC_USERS = 10_000_000;
const MAX_SYNTHETIC_ITEMS = 10_000_000;
const MAX_SYNTHETIC_INTERACTIONS = 100_000_000;

/**
 * A size name, or an explicit `USERS,ITEMS,INTERACTIONS[,CLUSTERS]` (the scale benchmark's
 * 200000,100000,20000000); null when `argument` is neither.
 */
export function parseSyntheticSize(argument: string): SyntheticSize | null {
  if (Object.hasOwn(SYNTHETIC_SIZES, argument)) return SYNTHETIC_SIZES[argument as SyntheticSizeName];
  const parts = argument.split(',');
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => !/^[1-9][0-9]*$/.test(p))) return null;
  const [users, items, interactions] = parts.map(Number);
  const clusters = parts.length === 4 ? Number(parts[3]) : Math.max(1, Math.round(items / ITEMS_PER_CLUSTER));
  if (users > MAX_SYNTHETIC_USERS || items > MAX_SYNTHETIC_ITEMS || interactions > MAX_SYNTHETIC_INTERACTIONS || clusters > items) return null;
  return { users, items, interactions, clusters };
}

/** A named synthetic size. */
export type SyntheticSizeName = keyof typeof SYNTHETIC_SIZES;

/** Why 1: any fixed seed makes tests and the demo repeatable; 1 is the conventional one. */
export const DEFAULT_SYNTHETIC_SEED = 1;

/** Width of the latent taste/item vectors: enough for clusters to differ in several directions. */
const LATENT_DIM = 8;
/** How far items scatter around their cluster's centroid (centroids have unit length). */
const ITEM_SPREAD = 0.6;
/** Sharpness of a user's preference over clusters: exp(β · taste·centroid). */
const CLUSTER_PREFERENCE_SHARPNESS = 3;
/** Probability that the next event stays in the current cluster: sessions have a theme. */
const STAY_IN_CLUSTER = 0.75;
/** Popularity-weighted candidates per event, of which the one nearest the user's taste wins. */
const CANDIDATES_PER_EVENT = 4;
/** Per-event random walk of a user's taste (drift). */
const TASTE_DRIFT = 0.05;
/** Zipf exponent of item popularity. */
const ZIPF_EXPONENT = 0.9;
/** Spread of the events-per-user distribution (lognormal sigma). */
const ACTIVITY_SIGMA = 0.8;
/** Every user gets at least this many events, so the evaluation split has test items for all. */
const MIN_EVENTS_PER_USER = 5;
/** Retries when an event repeats one of the user's items. */
const REPEAT_RETRIES = 3;
const TAGS_PER_CLUSTER = 6;
const SHARED_TAGS = 12;
/** 2020-01-01T00:00:00Z: timestamps are fixed by the seed, never by the clock. */
const START_TIME_MS = Date.UTC(2020, 0, 1);
const START_SPREAD_MS = 365 * 24 * 3600 * 1000;
const MEAN_GAP_MS = 6 * 3600 * 1000;
const EVENT_TYPES: [string, number][] = [
  ['view', 0.8],
  ['save', 0.15],
  ['purchase', 0.05],
];

/** Options of the synthetic generator. */
export interface SyntheticOptions {
  seed?: number;
}

/**
 * Generates a dataset deterministically from the seed: items in latent clusters with a
 * `category` (the cluster), `tags` (mostly the cluster's), `price` and `year` (correlated with
 * the latent vector), Zipf popularity; users with latent tastes who move between their
 * preferred clusters in themed runs and pick popular items near their (drifting) taste.
 */
export function generateSynthetic(size: SyntheticSizeName | SyntheticSize, options: SyntheticOptions = {}): Dataset {
  const shape: SyntheticSize = typeof size === 'string' ? SYNTHETIC_SIZES[size] : size;
  const seed = options.seed ?? DEFAULT_SYNTHETIC_SEED;
  const rng = new SeededRandom(seed);
  const k = shape.clusters;
  const centroids = new Float32Array(k * LATENT_DIM);
  for (let c = 0; c < k; c++) randomUnit(rng, centroids.subarray(c * LATENT_DIM, (c + 1) * LATENT_DIM));

  const catalog = generateItems(shape, rng, centroids);
  const { itemCluster, latent } = catalog;
  const clusterOffsets = new Int32Array(k + 1);
  for (let i = 0; i < shape.items; i++) clusterOffsets[itemCluster[i] + 1]++;
  for (let c = 0; c < k; c++) clusterOffsets[c + 1] += clusterOffsets[c];
  const clusterItems = new Int32Array(shape.items);
  const fill = clusterOffsets.slice(0, k);
  for (let i = 0; i < shape.items; i++) clusterItems[fill[itemCluster[i]]++] = i;
  // Popularity: a random rank per item, weight rank^-s, cumulated within each cluster.
  const rank = rng.shuffle(Int32Array.from({ length: shape.items }, (_, i) => i));
  const clusterCumulative = new Float64Array(shape.items);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let j = clusterOffsets[c]; j < clusterOffsets[c + 1]; j++) {
      sum += Math.pow(rank[clusterItems[j]] + 1, -ZIPF_EXPONENT);
      clusterCumulative[j] = sum;
    }
  }

  const interactions = new InteractionsBuilder();
  const typeCodes = EVENT_TYPES.map(([name]) => interactions.eventTypeCode(name));
  const taste = new Float32Array(LATENT_DIM);
  const preference = new Float64Array(k);
  const meanEvents = shape.interactions / shape.users;
  const seen = new Set<number>();
  for (let u = 0; u < shape.users; u++) {
    const userCode = interactions.users.code(`u${u + 1}`);
    randomUnit(rng, taste);
    let total = 0;
    for (let c = 0; c < k; c++) {
      const empty = clusterOffsets[c + 1] === clusterOffsets[c];
      total += empty ? 0 : Math.exp(CLUSTER_PREFERENCE_SHARPNESS * dot(taste, centroids, c * LATENT_DIM));
      preference[c] = total;
    }
    const activity = Math.exp(ACTIVITY_SIGMA * rng.normal() - (ACTIVITY_SIGMA * ACTIVITY_SIGMA) / 2);
    const events = Math.min(Math.max(MIN_EVENTS_PER_USER, Math.round(meanEvents * activity)), Math.ceil(shape.items / 2));
    let cluster = searchCumulative(preference, 0, k, rng.next() * total);
    let time = START_TIME_MS + rng.next() * START_SPREAD_MS;
    seen.clear();
    for (let e = 0; e < events; e++) {
      if (rng.next() >= STAY_IN_CLUSTER) cluster = searchCumulative(preference, 0, k, rng.next() * total);
      // One coordinate per event keeps the walk's variance per event at TASTE_DRIFT² at an eighth of the draws.
      taste[rng.int(LATENT_DIM)] += TASTE_DRIFT * Math.sqrt(LATENT_DIM) * rng.normal();
      let item = -1;
      for (let attempt = 0; attempt <= REPEAT_RETRIES && (item < 0 || seen.has(item)); attempt++) {
        item = pickItem(rng, taste, latent, clusterItems, clusterCumulative, clusterOffsets[cluster], clusterOffsets[cluster + 1]);
      }
      seen.add(item);
      time += Math.round(rng.exponential(MEAN_GAP_MS)) + 1;
      interactions.push(userCode, item, Math.round(time), typeCodes[pickEventType(rng.next())]);
    }
  }
  return {
    name: typeof size === 'string' ? `synthetic:${size}` : `synthetic:${shape.users}x${shape.items}`,
    items: catalog.items,
    interactions: interactions.build(),
    skippedRows: 0,
    skippedRowMessages: [],
  };
}

function generateItems(shape: SyntheticSize, rng: SeededRandom, centroids: Float32Array) {
  const k = shape.clusters;
  const width = String(k - 1).length;
  const categoryNames = Array.from({ length: k }, (_, c) => `cat-${String(c).padStart(width, '0')}`);
  const itemCluster = new Int32Array(shape.items);
  const latent = new Float32Array(shape.items * LATENT_DIM);
  const category = new CategoricalColumnBuilder();
  const tags = new MultiColumnBuilder();
  const price = new ContinuousColumnBuilder();
  const year = new ContinuousColumnBuilder();
  const ids: string[] = new Array<string>(shape.items);
  const titles: string[] = new Array<string>(shape.items);
  // Cluster sizes are uneven like real categories: weight (c+1)^-0.5.
  const clusterCumulative = new Float64Array(k);
  let sizeTotal = 0;
  for (let c = 0; c < k; c++) clusterCumulative[c] = sizeTotal += 1 / Math.sqrt(c + 1);
  const itemTags: string[] = [];
  for (let i = 0; i < shape.items; i++) {
    const c = i < k ? i : searchCumulative(clusterCumulative, 0, k, rng.next() * sizeTotal);
    itemCluster[i] = c;
    const v = latent.subarray(i * LATENT_DIM, (i + 1) * LATENT_DIM);
    for (let d = 0; d < LATENT_DIM; d++) v[d] = centroids[c * LATENT_DIM + d] + ITEM_SPREAD * rng.normal();
    ids[i] = `i${i + 1}`;
    titles[i] = `Item ${i + 1} (${categoryNames[c]})`;
    category.push(categoryNames[c]);
    itemTags.length = 0;
    const tagCount = 1 + rng.int(3);
    for (let t = 0; t < tagCount; t++) {
      // Most tags come from the item's cluster, chosen by its latent vector so they carry signal within a cluster.
      const tag = rng.next() < 0.8 ? `tag-${c}-${(Math.floor(Math.abs(v[(2 + t) % LATENT_DIM]) * 4) + t) % TAGS_PER_CLUSTER}` : `tag-shared-${rng.int(SHARED_TAGS)}`;
      if (!itemTags.includes(tag)) itemTags.push(tag);
    }
    tags.push(itemTags);
    price.push(Math.round(Math.exp(3 + 0.5 * v[0] + 0.3 * rng.normal()) * 100) / 100);
    year.push(Math.min(2025, Math.max(1950, Math.round(2000 + 8 * v[1] + 3 * rng.normal()))));
  }
  const items = {
    ids,
    titles,
    features: new Map([
      ['category', category.build()],
      ['tags', tags.build()],
      ['price', price.build()],
      ['year', year.build()],
    ]),
  };
  return { items, itemCluster, latent };
}

function pickEventType(draw: number): number {
  let cumulative = 0;
  for (let type = 0; type < EVENT_TYPES.length - 1; type++) {
    cumulative += EVENT_TYPES[type][1];
    if (draw < cumulative) return type;
  }
  return EVENT_TYPES.length - 1;
}

function pickItem(
  rng: SeededRandom,
  taste: Float32Array,
  latent: Float32Array,
  clusterItems: Int32Array,
  cumulative: Float64Array,
  start: number,
  end: number,
): number {
  const total = cumulative[end - 1];
  let best = -1;
  let bestScore = -Infinity;
  for (let n = 0; n < CANDIDATES_PER_EVENT; n++) {
    const item = clusterItems[searchCumulative(cumulative, start, end, rng.next() * total)];
    const score = dot(taste, latent, item * LATENT_DIM);
    if (score > bestScore) {
      bestScore = score;
      best = item;
    }
  }
  return best;
}

/** The first index j in [start, end) with cumulative[j] > target (the last one at worst). */
function searchCumulative(cumulative: Float64Array, start: number, end: number, target: number): number {
  let low = start;
  let high = end - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid] > target) high = mid;
    else low = mid + 1;
  }
  return low;
}

function dot(a: Float32Array, b: Float32Array, offset: number): number {
  let sum = 0;
  for (let d = 0; d < LATENT_DIM; d++) sum += a[d] * b[offset + d];
  return sum;
}

function randomUnit(rng: SeededRandom, out: Float32Array): void {
  let norm = 0;
  for (let d = 0; d < out.length; d++) {
    out[d] = rng.normal();
    norm += out[d] * out[d];
  }
  norm = Math.sqrt(norm);
  for (let d = 0; d < out.length; d++) out[d] /= norm;
}
