import type { RankRequest__Output } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import { checkFinite, checkFloat32Rows, float32RowCount } from './float32-bytes.js';
import { DlrsError } from '../../../shared/errors/index.js';
import type { ItemTable } from '../model/item-table.js';
import { NO_BUNDLE_ROW, bundleRowAt } from '../../../shared/proto/index.js';

/** One Rank request's rows, as little-endian float32 bytes (the request's own, not copied): one user against n candidates. */
export interface RankRows {
  /** e_u, d values. */
  userEmbedding: Uint8Array;
  /** b_u. */
  userBias: number;
  /** The candidates' e_i, n × d values. */
  itemEmbeddings: Uint8Array;
  /** The candidates' b_i, n values. */
  itemBiases: Uint8Array;
}

/** A Rank request read and checked: its rows and candidate count. */
export interface ParsedRankRequest {
  rows: RankRows;
  candidates: number;
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
  };
}

/**
 * A request whose candidates come partly by bundle row (RankRequest.bundle_rows): their e_i and
 * b_i read from the served model's item table at the row number sent, the others' from the
 * request, assembled in candidate order. The caller has checked model_version against the
 * served model (the table is that model's); an empty one is refused here, so that a model
 * switch between EmbedUsers and Rank cannot pair the table of one version with a user of
 * another. A row number past the table is FAILED_PRECONDITION naming bundle_rows: that
 * candidate is never scored with other values. No ids are read, and nothing is allocated per
 * candidate: the two output buffers are the request's only allocations.
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
  const rows = float32RowCount(request.itemEmbeddings, dim, 'item_embeddings');
  if (rows !== shipped) throw new DlrsError('INVALID_ARGUMENT', `holds ${rows} rows for the ${shipped} candidates marked as shipped in bundle_rows`, { field: 'item_embeddings' });
  const biasCount = float32RowCount(request.itemBiases, 1, 'item_biases');
  if (biasCount !== shipped) throw new DlrsError('INVALID_ARGUMENT', `holds ${biasCount} values for the ${shipped} candidates marked as shipped in bundle_rows`, { field: 'item_biases' });
  // Uninitialised (every value is written below) and unpooled, so the float views are aligned: a third of the cost of zeroed arrays.
  const embeddingBytes = Buffer.allocUnsafeSlow(4 * candidates * dim);
  const biasBytes = Buffer.allocUnsafeSlow(4 * candidates);
  const embeddings = new Float32Array(embeddingBytes.buffer, 0, candidates * dim);
  const biases = new Float32Array(biasBytes.buffer, 0, candidates);
  const tableEmbeddings = table.embeddings;
  const tableBiases = table.biases;
  const rowBytes = 4 * dim;
  for (let i = 0, packed = 0; i < candidates; i++) {
    const row = bundleRowAt(rowNumbers, i);
    if (row === NO_BUNDLE_ROW) {
      // The request's bytes may sit at any offset: copied as bytes (Buffer.copy takes ranges, no view).
      request.itemEmbeddings.copy(embeddingBytes, i * rowBytes, packed * rowBytes, (packed + 1) * rowBytes);
      request.itemBiases.copy(biasBytes, 4 * i, 4 * packed, 4 * packed + 4);
      packed++;
      continue;
    }
    // copyWithin cannot cross arrays and subarray would allocate a view: element by element.
    for (let j = 0, from = row * dim, to = i * dim; j < dim; j++) embeddings[to + j] = tableEmbeddings[from + j];
    biases[i] = tableBiases[row];
  }
  return { rows: { userEmbedding: request.userEmbedding, userBias: request.userBias, itemEmbeddings: embeddingBytes, itemBiases: biasBytes }, candidates };
}

/**
 * Checks that a request's candidate values are all finite: run on the requests of a batch in
 * which the inference worker found a NaN or an infinity, to tell which request it was. Throws
 * INVALID_ARGUMENT naming the field, the value and its row.
 */
export function checkCandidatesFinite(rows: RankRows, dim: number): void {
  checkFinite(rows.itemEmbeddings, dim, 'item_embeddings');
  checkFinite(rows.itemBiases, 1, 'item_biases');
}
