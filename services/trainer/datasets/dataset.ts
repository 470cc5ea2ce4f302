import type { CatalogColumn, ItemCatalog } from '../../../shared/features/index.js';

/**
 * Every tag application of a dataset, columnar: row k is `tags[tag[k]]` applied to catalog row
 * `item[k]` by interaction user `user[k]` (-1: a tagger without interactions) at `timestamp[k]`.
 * Kept beside the catalog so that an evaluation can rebuild the `tags` feature from only the
 * applications its train part may know (see `tagsColumn`).
 */
export interface TagLog {
  readonly item: Int32Array;
  readonly user: Int32Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: Float64Array;
  readonly tag: Int32Array;
  /** Normalised (trimmed, lower-cased) tag texts by code. */
  readonly tags: readonly string[];
  /** How many of the most frequent tags the feature keeps. */
  readonly maxTags: number;
}

/**
 * All interactions of a dataset, columnar: row k is one event. `user` and `eventType` index
 * into `userIds` and `eventTypes`; `item` is a catalog row.
 */
export interface Interactions {
  user: Int32Array;
  item: Int32Array;
  /** Milliseconds since the epoch. */
  timestamp: Float64Array;
  eventType: Uint8Array;
  /** The event's explicit weight; NaN = none, the feature spec's event-type weight applies. */
  weight: Float32Array;
  /** The explicit rating where the dataset has one (MovieLens), else absent. */
  rating?: Float32Array;
  userIds: string[];
  eventTypes: string[];
}

/** Demographic user features where a dataset has them; row u is user `userIds[u]` of the interactions. */
export interface UserTable {
  features: Map<string, CatalogColumn>;
}

/** A loaded dataset. */
export interface Dataset {
  name: string;
  items: ItemCatalog;
  interactions: Interactions;
  users?: UserTable;
  /** The tag applications behind the catalog's `tags` feature, where the dataset has them (MovieLens). */
  tagLog?: TagLog;
  /** Rows skipped under `skipBadRows` (0 otherwise). */
  skippedRows: number;
  /** The first few skipped rows' messages (file:line: what is wrong). */
  skippedRowMessages: string[];
}

/** How the readers treat malformed rows. */
export interface ReadOptions {
  /** Count and report malformed rows instead of failing on the first one. */
  skipBadRows?: boolean;
}
