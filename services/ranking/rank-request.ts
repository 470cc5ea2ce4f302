import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import { readFloat32Rows } from './float32-bytes.js';
import type { RankRows } from './rank-net-runner.js';
import { DlrsError } from '../../shared/errors/index.js';

/** A Rank request read and checked: its rows and candidate count. */
export interface ParsedRankRequest {
  rows: RankRows;
  candidates: number;
}

/**
 * Reads a Rank request's byte fields against the model's dimension and the configured
 * candidate limit; throws INVALID_ARGUMENT naming the field (proto names) otherwise.
 */
export function parseRankRequest(request: RankRequest__Output, dim: number, maxCandidates: number): ParsedRankRequest {
  if (request.dim !== dim) throw new DlrsError('INVALID_ARGUMENT', `is ${request.dim}; the model's embedding dimension is ${dim}`, { field: 'dim' });
  const user = readFloat32Rows(request.userEmbedding, dim, 'user_embedding');
  if (user.rows !== 1) throw new DlrsError('INVALID_ARGUMENT', `holds ${user.rows} rows; one embedding of ${dim} float32 values is expected`, { field: 'user_embedding' });
  if (!Number.isFinite(request.userBias)) throw new DlrsError('INVALID_ARGUMENT', `is ${request.userBias}; it must be finite`, { field: 'user_bias' });
  const items = readFloat32Rows(request.itemEmbeddings, dim, 'item_embeddings');
  if (items.rows === 0) throw new DlrsError('INVALID_ARGUMENT', 'holds no candidates; at least one is needed', { field: 'item_embeddings' });
  if (items.rows > maxCandidates) {
    throw new DlrsError('INVALID_ARGUMENT', `holds ${items.rows} candidates; at most ${maxCandidates} are allowed`, { field: 'item_embeddings' });
  }
  const biases = readFloat32Rows(request.itemBiases, 1, 'item_biases');
  if (biases.rows !== items.rows) {
    throw new DlrsError('INVALID_ARGUMENT', `holds ${biases.rows} values for ${items.rows} candidates`, { field: 'item_biases' });
  }
  return {
    rows: { userEmbedding: user.values, userBias: request.userBias, itemEmbeddings: items.values, itemBiases: biases.values },
    candidates: items.rows,
  };
}
