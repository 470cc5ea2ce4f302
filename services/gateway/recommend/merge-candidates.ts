import type { SearchResult__Output } from '../../../shared/generated/dlrs/v1/SearchResult.js';
import { NO_BUNDLE_ROW, bundleRowAt } from '../../../shared/proto/index.js';
import { ReusableIdSet } from './reusable-id-set.js';

/**
 * The merged candidates in the columns ranking takes: row i is one item. Rows are in the
 * shards' order, not best first (ranking scores them all, so order does not matter to it).
 */
export interface MergedCandidates {
  readonly itemIds: readonly string[];
  /** e_u · e_i from retrieval. */
  readonly similarities: Float32Array;
  /** Row-major d little-endian float32 per item shipped (NO_BUNDLE_ROW in bundleRows): RankRequest.item_embeddings as it is. */
  readonly embeddings: Buffer;
  /** b_i per item shipped, little-endian float32: RankRequest.item_biases as it is. */
  readonly biases: Buffer;
  /**
   * RankRequest.bundle_rows: per item a little-endian uint32, its row in the bundle's item list
   * when a shard left its e_i and b_i out (ranking reads them at that row), else NO_BUNDLE_ROW;
   * undefined when no shard left any out.
   */
  readonly bundleRows: Buffer | undefined;
}

/** Whether the host CPU stores floats little-endian, as the wire does: then the bytes can be read as they are. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Ids taken by the merge running now (merges are synchronous, so one set serves them all). */
const takenIds = new ReusableIdSet();

/** One shard's answer as a run of rows, best first, with the merge's position in it. */
interface Run {
  readonly result: SearchResult__Output;
  readonly rows: number;
  /** The similarities as floats. */
  readonly similarities: Float32Array;
  /** Row indices best first; undefined when the rows already are (the shards answer best first). */
  readonly order: Int32Array | undefined;
  /** Rows that made the cut. */
  readonly taken: Uint8Array;
  /** Per row, its bundle row number when its embedding was left out, else NO_BUNDLE_ROW (SearchResult.bundle_rows); undefined when none was. */
  readonly bundleRows: Buffer | undefined;
  /** How far the merge has read into the run. */
  next: number;
}

/**
 * The best `limit` candidates over several shards' results, by similarity (ties by item
 * id, so merges are deterministic), each item once: an item answered by two shards (while
 * the catalog is resharded) keeps its best similarity. A shard answers best first, so the
 * results are merged as sorted runs (a result that is not sorted is sorted first), and each
 * result's winners are usually its first rows, copied in one go into the columns ranking
 * takes, without an object or a view per candidate. Throws when a result's byte arrays do
 * not match its ids and `dim`.
 */
export function mergeCandidates(results: readonly SearchResult__Output[], dim: number, limit: number): MergedCandidates {
  const rowBytes = 4 * dim;
  let shippedRows = 0;
  for (const result of results) {
    const n = result.itemIds.length;
    if (result.similarities.length !== 4 * n) throw new Error(`similarities hold ${result.similarities.length} bytes for ${n} items`);
    const rowBytesSent = result.bundleRows.length;
    if (rowBytesSent !== 0 && rowBytesSent !== 4 * n) throw new Error(`bundle_rows hold ${rowBytesSent} bytes for ${n} items`);
    let shipped = n;
    if (rowBytesSent !== 0) for (let row = 0; row < n; row++) shipped -= bundleRowAt(result.bundleRows, row) === NO_BUNDLE_ROW ? 0 : 1;
    if (result.embeddings.length !== shipped * rowBytes) throw new Error(`embeddings hold ${result.embeddings.length} bytes for ${shipped} items of dimension ${dim}`);
    if (result.biases.length !== 4 * shipped) throw new Error(`biases hold ${result.biases.length} bytes for ${shipped} items`);
    shippedRows += shipped;
  }
  const runs: Run[] = results.map((result) => {
    const similarities = floatsOf(result.similarities);
    const bundleRows = result.bundleRows.length === 0 ? undefined : result.bundleRows;
    return { result, rows: result.itemIds.length, similarities, order: bestFirstOrder(result.itemIds, similarities), taken: new Uint8Array(result.itemIds.length), bundleRows, next: 0 };
  });
  // An id taken from one result is skipped in the others: it was taken at its best similarity.
  const seen = results.length > 1 ? takenIds : undefined;
  try {
    const kept = takeBest(runs, limit, seen);
    return copyWinners(runs, kept, Math.min(kept, shippedRows), rowBytes);
  } finally {
    seen?.clear();
  }
}

/** Marks the best `limit` rows over the runs as taken; returns how many were. */
function takeBest(runs: Run[], limit: number, seen: ReusableIdSet | undefined): number {
  let kept = 0;
  while (kept < limit) {
    let best: Run | undefined;
    let bestRow = 0;
    let bestSimilarity = 0;
    for (const run of runs) {
      if (run.next >= run.rows) continue;
      const row = run.order === undefined ? run.next : run.order[run.next];
      const similarity = run.similarities[row];
      if (best === undefined || similarity > bestSimilarity || (similarity === bestSimilarity && run.result.itemIds[row] < best.result.itemIds[bestRow])) {
        best = run;
        bestRow = row;
        bestSimilarity = similarity;
      }
    }
    if (best === undefined) break;
    best.next++;
    if (seen !== undefined && !seen.add(best.result.itemIds[bestRow])) continue;
    best.taken[bestRow] = 1;
    kept++;
  }
  return kept;
}

/** The taken rows in the columns ranking takes; at most `maxShipped` of them carry an embedding. */
function copyWinners(runs: Run[], kept: number, maxShipped: number, rowBytes: number): MergedCandidates {
  const anyFlagged = runs.some((run) => run.bundleRows !== undefined);
  const itemIds = new Array<string>(kept);
  const similarities = new Float32Array(kept);
  // By bundle row few winners carry an embedding: no buffer for the rest on every Recommend.
  const embeddings = Buffer.allocUnsafe(maxShipped * rowBytes);
  const biases = Buffer.allocUnsafe(4 * maxShipped);
  const bundleRows = anyFlagged ? Buffer.alloc(4 * kept, 0xff) : undefined;
  // Winners in (result, row) order, so that consecutive rows of a result are copied in one go.
  let j = 0;
  let shipped = 0;
  for (const run of runs) {
    const { result, rows, taken } = run;
    if (run.bundleRows !== undefined && bundleRows !== undefined) {
      shipped = copyFlaggedRun(run, { itemIds, similarities, embeddings, biases, bundleRows }, j, shipped, rowBytes);
      for (let row = 0; row < rows; row++) j += taken[row];
      continue;
    }
    for (let first = 0; first < rows; ) {
      if (taken[first] === 0) {
        first++;
        continue;
      }
      let end = first + 1;
      while (end < rows && taken[end] === 1) end++;
      result.embeddings.copy(embeddings, shipped * rowBytes, first * rowBytes, end * rowBytes);
      result.biases.copy(biases, 4 * shipped, 4 * first, 4 * end);
      shipped += end - first;
      for (let row = first; row < end; row++, j++) {
        itemIds[j] = result.itemIds[row];
        similarities[j] = run.similarities[row];
      }
      first = end;
    }
  }
  return { itemIds, similarities, embeddings: embeddings.subarray(0, shipped * rowBytes), biases: biases.subarray(0, 4 * shipped), bundleRows };
}

/** The winners of a run whose bundle rows came without embeddings: their row numbers, the others' embeddings copied one by one. Returns the rows shipped so far. */
function copyFlaggedRun(
  run: Run,
  merged: { itemIds: string[]; similarities: Float32Array; embeddings: Buffer; biases: Buffer; bundleRows: Buffer },
  firstIndex: number,
  shippedBefore: number,
  rowBytes: number,
): number {
  const { result, rows, taken } = run;
  const rowNumbers = run.bundleRows as Buffer;
  let j = firstIndex;
  let shipped = shippedBefore;
  // The row's position among the result's shipped rows.
  let packed = 0;
  for (let row = 0; row < rows; row++) {
    const flagged = bundleRowAt(rowNumbers, row) !== NO_BUNDLE_ROW;
    if (taken[row] === 1) {
      merged.itemIds[j] = result.itemIds[row];
      merged.similarities[j] = run.similarities[row];
      rowNumbers.copy(merged.bundleRows, 4 * j, 4 * row, 4 * row + 4);
      if (!flagged) {
        result.embeddings.copy(merged.embeddings, shipped * rowBytes, packed * rowBytes, (packed + 1) * rowBytes);
        result.biases.copy(merged.biases, 4 * shipped, 4 * packed, 4 * packed + 4);
        shipped++;
      }
      j++;
    }
    if (!flagged) packed++;
  }
  return shipped;
}

/** Little-endian float32 bytes as floats: a view when the bytes allow one, else a copy. */
function floatsOf(bytes: Buffer): Float32Array {
  const count = bytes.length / 4;
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const floats = new Float32Array(count);
  for (let i = 0; i < count; i++) floats[i] = bytes.readFloatLE(4 * i);
  return floats;
}

/** The rows by similarity, best first, ties by id; undefined when they are in that order already. */
function bestFirstOrder(itemIds: readonly string[], similarities: Float32Array): Int32Array | undefined {
  const before = (a: number, b: number): boolean => similarities[a] > similarities[b] || (similarities[a] === similarities[b] && itemIds[a] <= itemIds[b]);
  let sorted = true;
  for (let row = 1; row < itemIds.length && sorted; row++) sorted = before(row - 1, row);
  if (sorted) return undefined;
  return Int32Array.from(itemIds, (_, row) => row).sort((a, b) => (a === b ? 0 : before(a, b) ? -1 : 1));
}
