import {
  buildFeatureSpec,
  createUserBatch,
  encodeCatalog,
  encodeEncodedItems,
  ProfileSnapshotEncoder,
  userBatchTensors,
} from '../../../shared/features/index.js';
import type { EncodedItems, FeatureSpec, TensorMap } from '../../../shared/features/index.js';
import { loadDataset } from '../datasets/index.js';
import type { Dataset } from '../datasets/index.js';
import { dedupeEarliest, splitInteractions } from '../eval/split.js';
import type { Events, HeldOut } from '../eval/split.js';
import { gatherFeed } from '../model/index.js';
import type { ModelShape } from '../model/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import type { TrainingData } from './training-data.js';

/** Everything needed to rebuild the same training data on any thread (structured-cloneable). */
export interface DataRecipe {
  /** `--data`: synthetic:SIZE, movielens:PATH, csv:ITEMS,INTERACTIONS,SCHEMA or log:DIR. */
  readonly data: string;
  /** `--items`: the items of log:DIR data (see loadDataset). */
  readonly items?: string;
  /** Count and skip malformed rows instead of failing. */
  readonly skipBadRows?: boolean;
  readonly dim: number;
  readonly bagLength?: number;
  /** How far ahead of its history a training target may lie (see `buildTrainingData`); default 0. */
  readonly horizon?: number;
  /**
   * true: hold out the protocol's test part (the last 20 % of each user's history) so the
   * bundle can be evaluated honestly; false: train on all interactions.
   */
  readonly holdOutTest: boolean;
  /** false: fit every train event, without the inner validation split (a refit); default true. */
  readonly validation?: boolean;
}

/** Events of users in compressed rows, in time order. */
export interface UserEvents {
  /** Events of user u: items[offsets[u] .. offsets[u + 1]), time order. */
  readonly offsets: Int32Array;
  /** Catalog rows. */
  readonly items: Int32Array;
}

/** The prepared data: the training examples plus what validation and the bundle need. */
export interface PreparedData {
  readonly dataset: Dataset;
  readonly spec: FeatureSpec;
  readonly encoded: EncodedItems;
  readonly training: TrainingData;
  /** The events the model is fitted on (train minus validation). */
  readonly fitEvents: Events;
  /** The same, per user. */
  readonly fit: UserEvents;
  /** The validation items per user (the protocol's rule applied to train). */
  readonly validation: HeldOut;
  /** Train events (fit + validation), per user: the profile the test is predicted from. */
  readonly train: UserEvents;
  /** The protocol's test items (empty when nothing is held out). */
  readonly test: HeldOut;
}

/** Examples need at least this many earlier events: an empty profile predicts only popularity. */
const MIN_HISTORY = 1;
/**
 * Per-thread memory for the profiles of all examples encoded once (see buildTrainingData):
 * 256 MiB holds ml-latest-small's (~60 MB) and ml-1m-sized sets on every thread of the
 * 24 GiB machine; larger data sets replay histories batch by batch instead.
 */
const MAX_PROFILE_CACHE_BYTES = 256 * 1024 * 1024;
/** Seed of the history cuts drawn with a horizon: fixed, so every thread builds the same examples. */
const HORIZON_SEED = 0x5eed;

/** Loads a dataset and builds the training data for a recipe; the worker factory too. */
export async function prepareData(recipe: DataRecipe): Promise<PreparedData> {
  const dataset = await loadDataset(recipe.data, {
    ...(recipe.items === undefined ? {} : { items: recipe.items }),
    ...(recipe.skipBadRows === undefined ? {} : { skipBadRows: recipe.skipBadRows }),
  });
  const outer = splitInteractions(dataset.interactions);
  const validation = recipe.validation ?? true;
  if (!recipe.holdOutTest) return prepareFromEvents(dataset, dedupeEarliest(dataset.interactions), recipe, validation);
  return { ...prepareFromEvents(dataset, outer.train, recipe, validation), test: outer.test };
}

/**
 * Builds the training data from a dataset's train events (deduplicated, sorted by user,
 * time, item): the validation rule of the protocol splits them into fit and validation,
 * or, with `validation` false (a refit with a known epoch count), all of them are fitted.
 */
export function prepareFromEvents(dataset: Dataset, trainEvents: Events, recipe: Pick<DataRecipe, 'dim' | 'bagLength' | 'horizon'>, validation = true): PreparedData {
  const inner = validation ? splitInteractions(trainEvents) : { train: trainEvents, test: EMPTY_HELD_OUT };
  const users = dataset.interactions.userIds.length;
  const fit = byUser(inner.train, users);
  const spec = buildFeatureSpec(dataset.items, inner.train.item, recipe.bagLength === undefined ? {} : { bagLength: recipe.bagLength });
  const encoded = encodeCatalog(spec, dataset.items);
  return {
    dataset,
    spec,
    encoded,
    training: buildTrainingData(spec, encoded, fit, recipe.dim, recipe.horizon ?? 0),
    fitEvents: inner.train,
    fit,
    validation: inner.test,
    train: byUser(trainEvents, users),
    test: EMPTY_HELD_OUT,
  };
}

const EMPTY_HELD_OUT: HeldOut = { users: new Int32Array(0), offsets: new Int32Array(1), items: new Int32Array(0) };

/** The worker-side factory: the same TrainingData as the main thread's `prepareData`. */
export async function prepareTrainingData(recipe: DataRecipe): Promise<TrainingData> {
  return (await prepareData(recipe)).training;
}

/** The network shape for a feature spec and embedding dimension. */
export function modelShape(spec: FeatureSpec, dim: number): ModelShape {
  return {
    itemIdCount: spec.itemIds.length,
    features: spec.features.flatMap((f) => (f.kind === 'continuous' ? [] : [{ name: f.name, kind: f.kind, size: f.vocabulary.length }])),
    continuousCount: spec.features.filter((f) => f.kind === 'continuous').length,
    bagLength: spec.bagLength,
    dim,
  };
}

/**
 * Training examples "history → item of event j" over the fit events, with profiles written
 * by the shared snapshot encoder (the same tensors as serving builds). With `horizon` 0 the
 * history is every event before j (next-item prediction). With `horizon` h > 0 it is the
 * events before a cut c drawn uniformly from the positions with c ≤ j < c · (1 + h), so the
 * target lies up to h × the history's length ahead: h = 0.25 mirrors the protocol, whose
 * held-out last 20 % lies up to 25 % of the remaining history ahead of it, across sessions.
 * Profiles are encoded once when all of them fit `profileCacheBytes`, else per batch.
 */
export function buildTrainingData(
  spec: FeatureSpec,
  encoded: EncodedItems,
  fit: UserEvents,
  dim: number,
  horizon = 0,
  profileCacheBytes = MAX_PROFILE_CACHE_BYTES,
): TrainingData {
  const shape = modelShape(spec, dim);
  const catalogSize = encoded.count;
  const exampleUser: number[] = [];
  const examplePos: number[] = [];
  /** Events of the example's history end here (exclusive): j itself, or a drawn earlier cut. */
  const exampleCut: number[] = [];
  const cuts = new SeededRandom(HORIZON_SEED);
  const users = fit.offsets.length - 1;
  for (let u = 0; u < users; u++) {
    const start = fit.offsets[u];
    for (let j = start + MIN_HISTORY; j < fit.offsets[u + 1]; j++) {
      exampleUser.push(u);
      examplePos.push(j);
      // Smallest history length c with j - start < c · (1 + horizon), at least MIN_HISTORY.
      const shortest = Math.max(MIN_HISTORY, Math.floor((j - start) / (1 + horizon)) + 1);
      const longest = j - start;
      exampleCut.push(start + (horizon > 0 && shortest < longest ? shortest + cuts.int(longest - shortest + 1) : longest));
    }
  }
  const exampleTarget = Int32Array.from(examplePos, (j) => fit.items[j]);
  const itemCounts = new Float64Array(catalogSize);
  for (const row of fit.items) itemCounts[row]++;
  const userItems = sortedRowsPerUser(fit);
  const encoder = new ProfileSnapshotEncoder(spec, encoded);
  /** Profiles of `examples` replayed from each user's first event (rows sorted by user and cut). */
  const replay = (examples: Int32Array): TensorMap => {
    const m = examples.length;
    const batch = createUserBatch(spec, m);
    // Replay each user once per call: rows sorted by (user, position).
    const order = Array.from({ length: m }, (_, r) => r).sort(
      (a, b) => exampleUser[examples[a]] - exampleUser[examples[b]] || exampleCut[examples[a]] - exampleCut[examples[b]],
    );
    let user = -1;
    let next = 0;
    for (const r of order) {
      const e = examples[r];
      if (exampleUser[e] !== user) {
        user = exampleUser[e];
        encoder.reset();
        next = fit.offsets[user];
      }
      // Implicit feedback: every event weighs 1, as in the evaluation protocol.
      for (; next < exampleCut[e]; next++) encoder.addEvent(fit.items[next], 1);
      encoder.writeRow(batch, r);
    }
    return userBatchTensors(batch, m);
  };
  // A batch of random examples replays each user's history up to the cut, which for heavy
  // users is hundreds of events per example; when all profiles fit the budget they are
  // encoded once and batches copy their rows (the same tensors).
  const all = exampleTarget.length * userRowBytes(shape) <= profileCacheBytes ? replay(Int32Array.from(exampleTarget, (_, e) => e)) : null;
  return {
    shape,
    catalog: encodeEncodedItems(spec, encoded),
    catalogSize,
    itemCounts,
    itemCategory: itemCategories(spec, encoded),
    exampleCount: exampleTarget.length,
    exampleTarget,
    isPositive: (example, row) => binaryHas(userItems[exampleUser[example]], row),
    userFeed: (examples) => (all !== null ? gatherFeed(all, examples) : replay(examples)),
  };
}

/** Bytes of one example's UserNet inputs (float32 and int32 cells). */
function userRowBytes(shape: ModelShape): number {
  let cells = 2 * shape.bagLength + 2 * shape.continuousCount;
  for (const f of shape.features) cells += f.size;
  return 4 * cells;
}

/** UserNet inputs of the profiles of all `events` of the given users (validation and test). */
export function profileFeed(spec: FeatureSpec, encoded: EncodedItems, events: UserEvents, users: ArrayLike<number>): TensorMap {
  const batch = createUserBatch(spec, users.length);
  const encoder = new ProfileSnapshotEncoder(spec, encoded);
  for (let r = 0; r < users.length; r++) {
    encoder.reset();
    const u = users[r];
    for (let j = events.offsets[u]; j < events.offsets[u + 1]; j++) encoder.addEvent(events.items[j], 1);
    encoder.writeRow(batch, r);
  }
  return userBatchTensors(batch, users.length);
}

/** Events (sorted by user, time, item) as per-user rows. */
function byUser(events: Events, users: number): UserEvents {
  const offsets = new Int32Array(users + 1);
  for (const u of events.user) offsets[u + 1]++;
  for (let u = 0; u < users; u++) offsets[u + 1] += offsets[u];
  return { offsets, items: Int32Array.from(events.item) };
}

function sortedRowsPerUser(events: UserEvents): Int32Array[] {
  const out: Int32Array[] = [];
  for (let u = 0; u + 1 < events.offsets.length; u++) out.push(events.items.slice(events.offsets[u], events.offsets[u + 1]).sort());
  return out;
}

function binaryHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return true;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Algorithm 1's category: the first categorical feature's value, else the first value of the first multi feature. */
function itemCategories(spec: FeatureSpec, encoded: EncodedItems): Int32Array {
  const out = new Int32Array(encoded.count).fill(-1);
  const f = spec.features.findIndex((x) => x.kind === 'categorical');
  const g = f >= 0 ? f : spec.features.findIndex((x) => x.kind === 'multi');
  if (g < 0) return out;
  const column = encoded.columns[g];
  for (let r = 0; r < encoded.count; r++) {
    if (column.kind === 'categorical') out[r] = column.indices[r];
    else if (column.kind === 'multi' && column.offsets[r] < column.offsets[r + 1]) out[r] = column.indices[column.offsets[r]];
  }
  return out;
}
