import type { CatalogColumn, ItemCatalog } from '../../../shared/features/index.js';
import type { TagLog } from './movielens-catalog.js';

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
