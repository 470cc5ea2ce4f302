// The train part of a split in the forms the models read: compressed rows per user and per item.
import type { Events } from './split.js';

/** Compressed sparse rows: the entries of row r are `indices[offsets[r] .. offsets[r + 1])`, ascending. */
export interface Csr {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
}

/** Binary user-item train matrix plus the events it came from (models that read order use `events`). */
export interface TrainData {
  readonly numUsers: number;
  readonly numItems: number;
  /** Deduplicated train events, sorted by (user, timestamp, item). */
  readonly events: Events;
  /** Rows = users, columns = items. */
  readonly byUser: Csr;
  /** Rows = items, columns = users. */
  readonly byItem: Csr;
}

/** Builds the train matrix over `numUsers` × `numItems` indices (the dataset's full user and item vocabularies). */
export function buildTrainData(events: Events, numUsers: number, numItems: number): TrainData {
  return {
    numUsers,
    numItems,
    events,
    byUser: toCsr(events.user, events.item, numUsers),
    byItem: toCsr(events.item, events.user, numItems),
  };
}

function toCsr(rows: Int32Array, cols: Int32Array, numRows: number): Csr {
  const offsets = new Int32Array(numRows + 1);
  for (const r of rows) offsets[r + 1]++;
  for (let r = 0; r < numRows; r++) offsets[r + 1] += offsets[r];
  const fill = offsets.slice(0, numRows);
  const indices = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) indices[fill[rows[k]]++] = cols[k];
  for (let r = 0; r < numRows; r++) indices.subarray(offsets[r], offsets[r + 1]).sort();
  return { offsets, indices };
}

/** The column indices of row r. */
export function rowOf(csr: Csr, r: number): Int32Array {
  return csr.indices.subarray(csr.offsets[r], csr.offsets[r + 1]);
}
