import type { RankRequest__Output } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import { bytesOf, checkFinite, checkFloat32Rows, float32RowCount } from './float32-bytes.js';
import { DlrsError } from '../../../shared/errors/index.js';
import type { ItemTable } from '../model/item-table.js';
import { NO_BUNDLE_ROW, bundleRowAt } from '../../../shared/proto/index.js';

/** One Rank request's rows, as little-endian float32 bytes (the request's own, not copied): one user against n candidates. */
export interface RankRows {
  /** e_u, d values. */
  userEmbedding: Uint8Array;
  /** b_u. */
  userBias: number;
  /** The candidates' e_i, n × d values; with `bundle`, only the rows of the candidates it marks as shipped, in candidate order. */
  itemEmbeddings: Uint8Array;
  /** The candidates' b_i, n values; with `bundle`, as itemEmbeddings. */
  itemBiases: Uint8Array;
  /** With RankRequest.bundle_rows: the other candidates' values are read from the table when the batch is packed. */
  bundle?: BundleRows;
}

/** RankRequest.bundle_rows, checked against the served model's table. */
export interface BundleRows {
  /** Per candidate a little-endian uint32: its row in `table`, or NO_BUNDLE_ROW (shipped in the request). */
  rowNumbers: Uint8Array;
  table: ItemTable;
}

/** A Rank request read and checked: its rows and candidate count. */
export interface ParsedRankRequest {
  rows: RankRows;
  candidates: number;
  /** Candidates whose values the request carries (all of them without bundle_rows); the rest come from the item table. */
  shipped: number;
}

/**
 * Checks a Rank request's byte fields against the model's dimension and the configured
 * candidate limit; throws INVALID_ARGUMENT naming the field (proto names) otherwise. The rows
 * keep the request's bytes as they came (no copy until they are packed into a batch). The
 * candidates' values are checked for NaN and infinities by the inference worker, in the batch
 * (see {@link checkCandidatesFinite}); the user's here.
 */
export function parseRankRequest(request: RankRequest__Output, dim: number, maxCandidates: number, table?: ItemTable): ParsedRankRequest {
  if (request.dim !== dim) throw new DlrsError('INVALID_ARGUMENT', `is ${request.dim}; the model's embedding dimension is ${dim}`, { field: 'dim' });
  const userRows = checkFloat32Rows(request.userEmbedding, dim, 'user_embedding');
  if (userRows !== 1) throw new DlrsError('INVALID_ARGUMENT', `holds ${userRows} rows; one embedding of ${dim} float32 values is expected`, { field: 'user_embedding' });
  if (!Number.isFinite(request.userBias)) throw new DlrsError('INVALID_ARGUMENT', `is ${request.userBias}; it must be finite`, { field: 'user_bias' });
  if (request.bundleRows.length > 0) return resolveBundleRows(request, dim, maxCandidates, table);
  const candidates = float32RowCount(request.itemEmbeddings, dim, 'item_embeddings');
  if (candidates === 0) throw new DlrsError('INVALID_ARGUMENT', 'holds no candidates; at least one is needed', { field: 'item_embeddings' });
  if (candidates > maxCandidates) {
    throw new DlrsError('INVALID_ARGUMENT', `holds ${candidates} candidates; at most ${maxCandidates} are allowed`, { field: 'item_embeddings' });
  }
  const biases = float32RowCount(request.itemBiases, 1, 'item_biases');
  if (biases !== candidates) {
    throw new DlrsError('INVALID_ARGUMENT', `holds ${biases} values for ${candidates} candidates`, { field: 'item_biases' });
  }
  return {
    rows: { userEmbedding: request.userEmbedding, userBias: request.userBias, itemEmbeddings: request.itemEmbeddings, itemBiases: request.itemBiases },
    candidates,
    shipped: candidates,
  };
}

/**
 * A request whose candidates come partly by bundle row (RankRequest.bundle_rows): their e_i and
 * b_i read from the served model's item table at the row number sent, the others' from the
 * request, assembled in candidate order. The caller has checked model_version against the
 * served model (the table is that model's); an empty one is refused here, so that a model
 * switch between EmbedUsers and Rank cannot pair the table of one version with a user of
 * another. A row number past the table is FAILED_PRECONDITION naming bundle_rows: that
 * candidate is never scored with other values. No ids are read and nothing is copied here:
 * {@link writeCandidates} reads the table's rows straight into the batch.
 */
function resolveBundleRows(request: RankRequest__Output, dim: number, maxCandidates: number, table: ItemTable | undefined): ParsedRankRequest {
  const rowNumbers = request.bundleRows;
  if (table === undefined) throw new DlrsError('FAILED_PRECONDITION', 'is set, but this replica holds no bundle items; send every candidate\'s embedding', { field: 'bundle_rows' });
  if (request.modelVersion === '') throw new DlrsError('INVALID_ARGUMENT', 'is required with bundle_rows', { field: 'model_version' });
  if (rowNumbers.length % 4 !== 0) throw new DlrsError('INVALID_ARGUMENT', `holds ${rowNumbers.length} bytes; one little-endian uint32 per candidate is expected`, { field: 'bundle_rows' });
  const candidates = rowNumbers.length / 4;
  if (candidates > maxCandidates) throw new DlrsError('INVALID_ARGUMENT', `holds ${candidates} candidates; at most ${maxCandidates} are allowed`, { field: 'bundle_rows' });
  const tableRows = table.size;
  let shipped = 0;
  for (let i = 0; i < candidates; i++) {
    const row = bundleRowAt(rowNumbers, i);
    if (row === NO_BUNDLE_ROW) shipped++;
    else if (row >= tableRows) {
      throw new DlrsError('FAILED_PRECONDITION', `holds row ${row} at candidate ${i}; model ${request.modelVersion}'s bundle has ${tableRows} items; send its embedding`, { field: 'bundle_rows' });
    }
  }
  const shippedRows = float32RowCount(request.itemEmbeddings, dim, 'item_embeddings');
  if (shippedRows !== shipped) throw new DlrsError('INVALID_ARGUMENT', `holds ${shippedRows} rows for the ${shipped} candidates marked as shipped in bundle_rows`, { field: 'item_embeddings' });
  const biasCount = float32RowCount(request.itemBiases, 1, 'item_biases');
  if (biasCount !== shipped) throw new DlrsError('INVALID_ARGUMENT', `holds ${biasCount} values for the ${shipped} candidates marked as shipped in bundle_rows`, { field: 'item_biases' });
  const rows = { userEmbedding: request.userEmbedding, userBias: request.userBias, itemEmbeddings: request.itemEmbeddings, itemBiases: request.itemBiases, bundle: { rowNumbers, table } };
  return { rows, candidates, shipped };
}

/**
 * Writes a request's n candidates' e_i and b_i into a batch's tensors from row `at` on: the
 * shipped bytes as they are, and with bundle rows the table's rows read by number (the table is
 * the model's own: a batch only holds requests parsed against it). No buffer is allocated.
 */
export function writeCandidates(rows: RankRows, candidates: number, dim: number, eI: Float32Array, bI: Float32Array, at: number): void {
  const eIBytes = bytesOf(eI);
  const bIBytes = bytesOf(bI);
  const { bundle } = rows;
  if (bundle === undefined) {
    eIBytes.set(rows.itemEmbeddings, 4 * at * dim);
    bIBytes.set(rows.itemBiases, 4 * at);
    return;
  }
  const { rowNumbers, table } = bundle;
  const tableEmbeddings = table.embeddings;
  const tableBiases = table.biases;
  const rowBytes = 4 * dim;
  for (let i = 0, packed = 0; i < candidates; ) {
    const row = bundleRowAt(rowNumbers, i);
    if (row === NO_BUNDLE_ROW) {
      // A run of shipped candidates in one copy (the request's bytes may sit at any offset: copied as bytes).
      let end = i + 1;
      while (end < candidates && bundleRowAt(rowNumbers, end) === NO_BUNDLE_ROW) end++;
      const count = end - i;
      eIBytes.set(rows.itemEmbeddings.subarray(packed * rowBytes, (packed + count) * rowBytes), (at + i) * rowBytes);
      bIBytes.set(rows.itemBiases.subarray(4 * packed, 4 * (packed + count)), 4 * (at + i));
      packed += count;
      i = end;
      continue;
    }
    // A view per row and a native copy: twice as fast as an element loop (measured at dim 64), the view short-lived.
    eI.set(tableEmbeddings.subarray(row * dim, (row + 1) * dim), (at + i) * dim);
    bI[at + i] = tableBiases[row];
    i++;
  }
}

/**
 * Checks that a request's candidate values are all finite: run on the requests of a batch in
 * which the inference worker found a NaN or an infinity, to tell which request it was. Throws
 * INVALID_ARGUMENT naming the field, the value and its row.
 */
export function checkCandidatesFinite(rows: RankRows, dim: number): void {
  if (rows.bundle === undefined) {
    checkFinite(rows.itemEmbeddings, dim, 'item_embeddings');
    checkFinite(rows.itemBiases, 1, 'item_biases');
    return;
  }
  // Rare (a batch held a NaN): the candidates resolved in order, so that the row named is the candidate's.
  const candidates = rows.bundle.rowNumbers.length / 4;
  const eI = new Float32Array(candidates * dim);
  const bI = new Float32Array(candidates);
  writeCandidates(rows, candidates, dim, eI, bI, 0);
  checkFinite(bytesOf(eI), dim, 'item_embeddings');
  checkFinite(bytesOf(bI), 1, 'item_biases');
}
