// Each user's train items in time order, the input of the order-aware baselines.
import type { Csr, TrainData } from './train-data.js';

/**
 * Row u holds user u's train items oldest first, so the most recent item is the row's last
 * entry; rows align with `data.byUser` (same offsets). Time ties keep the events' order, which
 * the split makes the protocol's (timestamp, item id) order.
 */
export function timeOrderedRows(data: TrainData): Csr {
  const { user, timestamp, item } = data.events;
  const rows = Int32Array.from({ length: user.length }, (_, k) => k);
  rows.sort((a, b) => user[a] - user[b] || timestamp[a] - timestamp[b] || a - b);
  return { offsets: data.byUser.offsets, indices: rows.map((k) => item[k]) };
}

/** Recency weights 2^(−n/h) for positions n = 0 (most recent) … length − 1; h = Infinity weighs all 1. */
export function recencyWeights(length: number, halfLife: number): Float64Array {
  return Float64Array.from({ length }, (_, n) => 2 ** (-n / halfLife));
}
