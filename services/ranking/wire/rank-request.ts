import type { RankRequest__Output } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import { checkFinite, checkFloat32Rows, float32RowCount } from './float32-bytes.js';
import { DlrsError } from '../../../shared/errors/index.js';

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
export function parseRankRequest(request: RankRequest__Output, dim: number, maxCandidates: number): ParsedRankRequest {
  if (request.dim !== dim) throw new DlrsError('INVALID_ARGUMENT', `is ${request.dim}; the model's embedding dimension is ${dim}`, { field: 'dim' });
  const userRows = checkFloat32Rows(request.userEmbedding, dim, 'user_embedding');
  if (userRows !== 1) throw new DlrsError('INVALID_ARGUMENT', `holds ${userRows} rows; one embedding of ${dim} float32 values is expected`, { field: 'user_embedding' });
  if (!Number.isFinite(request.userBias)) throw new DlrsError('INVALID_ARGUMENT', `is ${request.userBias}; it must be finite`, { field: 'user_bias' });
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
 * Checks that a request's candidate values are all finite: run on the requests of a batch in
 * which the inference worker found a NaN or an infinity, to tell which request it was. Throws
 * INVALID_ARGUMENT naming the field, the value and its row.
 */
export function checkCandidatesFinite(rows: RankRows, dim: number): void {
  checkFinite(rows.itemEmbeddings, dim, 'item_embeddings');
  checkFinite(rows.itemBiases, 1, 'item_biases');
}
