import type { TensorMap } from '../../../shared/features/index.js';
import { topK } from '../eval/top-k.js';
import { gatherFeed } from '../model/index.js';
import type { Model } from '../model/index.js';
import { matmulTransBAcc } from '../nn/index.js';

/** ItemNet outputs for the whole catalog. */
export interface CatalogEmbeddings {
  readonly count: number;
  /** e_i [count, d] */
  readonly e: Float32Array;
  /** b_i [count] */
  readonly b: Float32Array;
}

/**
 * How a user's ranked list is made: `two-stage` (top C by e_u·e_i, then RankNet — what the
 * services do), `gold` (RankNet over every item), `retrieval` (e_u·e_i order only).
 */
export type RankingMode = 'two-stage' | 'gold' | 'retrieval';

/** Options of `rankUsers`. */
export interface RankOptions {
  readonly mode: RankingMode;
  /** C, the retrieval candidates of the two-stage mode. */
  readonly candidates: number;
  /** Length of each returned list. */
  readonly k: number;
  /**
   * m × d retrieval queries in place of e_u (Recommend's PSEUDO_USER and LAST_ITEM query
   * modes); RankNet still ranks with e_u. Not with `gold`, which retrieves nothing.
   */
  readonly queries?: Float32Array;
}

/** Rows per ItemNet chunk: bounds temporary memory on large catalogs. */
const CHUNK_ROWS = 2048;
/** Floats of one block of user × item scores (32 MiB). */
const SCORE_BLOCK_FLOATS = 8 << 20;

/** Runs ItemNet over every catalog row (in chunks). */
export function embedCatalog(model: Model, catalog: TensorMap, count: number): CatalogEmbeddings {
  const d = model.shape.dim;
  const e = new Float32Array(count * d);
  const b = new Float32Array(count);
  for (let from = 0; from < count; from += CHUNK_ROWS) {
    const rows = Int32Array.from({ length: Math.min(CHUNK_ROWS, count - from) }, (_, i) => from + i);
    const out = model.item.forward(gatherFeed(catalog, rows), rows.length);
    e.set(out.e, from * d);
    b.set(out.b, from);
  }
  return { count, e, b };
}

/**
 * Ranked catalog rows for each user of `userFeed` (m rows), best first, never an item of
 * `exclude(r)` (the user's known items). The networks run in inference mode (no dropout).
 */
export function rankUsers(
  model: Model,
  items: CatalogEmbeddings,
  userFeed: TensorMap,
  m: number,
  exclude: (row: number) => ArrayLike<number>,
  options: RankOptions,
): Int32Array[] {
  const d = model.shape.dim;
  const n = items.count;
  const users = model.user.forward(userFeed, m);
  const queries = options.queries ?? users.e;
  if (queries.length !== m * d) throw new RangeError(`queries holds ${queries.length} values for ${m} users of dimension ${d}`);
  const out: Int32Array[] = [];
  const block = Math.max(1, Math.floor(SCORE_BLOCK_FLOATS / Math.max(1, n)));
  for (let from = 0; from < m; from += block) {
    const rows = Math.min(block, m - from);
    const scores = new Float32Array(rows * n);
    matmulTransBAcc(queries.subarray(from * d, (from + rows) * d), items.e, scores, rows, d, n);
    for (let r = 0; r < rows; r++) {
      const s = scores.subarray(r * n, r * n + n);
      for (const row of Array.from(exclude(from + r))) s[row] = -Infinity;
      if (options.mode === 'retrieval') {
        out.push(topK(s, options.k));
        continue;
      }
      const candidates = options.mode === 'gold' ? Int32Array.from({ length: n }, (_, i) => i).filter((i) => s[i] !== -Infinity) : topK(s, options.candidates);
      out.push(rerank(model, users.e.subarray((from + r) * d, (from + r + 1) * d), users.b[from + r], items, candidates, options.k));
    }
  }
  return out;
}

/** RankNet's order of `candidates` for one user; the sigmoid is monotone, so logits suffice. */
function rerank(model: Model, eu: Float32Array, bu: number, items: CatalogEmbeddings, candidates: Int32Array, k: number): Int32Array {
  const d = model.shape.dim;
  const c = candidates.length;
  const euRows = new Float32Array(c * d);
  const eiRows = new Float32Array(c * d);
  const buRows = new Float32Array(c).fill(bu);
  const biRows = new Float32Array(c);
  for (let j = 0; j < c; j++) {
    euRows.set(eu, j * d);
    eiRows.set(items.e.subarray(candidates[j] * d, candidates[j] * d + d), j * d);
    biRows[j] = items.b[candidates[j]];
  }
  const logit = model.rank.forward(euRows, eiRows, buRows, biRows, c, null).logit;
  const order = topK(logit, Math.min(k, c));
  return Int32Array.from(order, (j) => candidates[j]);
}
