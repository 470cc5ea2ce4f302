// Dense Gram matrices of a binary sparse matrix, the shared first step of PureSVD and EASE.
import type { Csr } from './train-data.js';
import { rowOf } from './train-data.js';

/**
 * G = Aᵀ·A for the binary matrix whose rows are `rows` (so G[a][b] counts the rows holding both
 * columns a and b), restricted to the columns listed in `index` (column c → position index[c], −1 = left out).
 */
export function gram(rows: Csr, index: Int32Array, size: number): Float64Array {
  const g = new Float64Array(size * size);
  const numRows = rows.offsets.length - 1;
  for (let r = 0; r < numRows; r++) {
    const cols = rowOf(rows, r);
    for (let x = 0; x < cols.length; x++) {
      const a = index[cols[x]];
      if (a < 0) continue;
      const ra = a * size;
      for (let y = 0; y < cols.length; y++) {
        const b = index[cols[y]];
        if (b >= 0) g[ra + b] += 1;
      }
    }
  }
  return g;
}

/** Maps the non-empty rows of `csr` to 0..n−1 (−1 for empty rows); returns the map and n. */
export function nonEmptyRows(csr: Csr): { readonly index: Int32Array; readonly size: number; readonly rows: Int32Array } {
  const numRows = csr.offsets.length - 1;
  const index = new Int32Array(numRows).fill(-1);
  const rows: number[] = [];
  for (let r = 0; r < numRows; r++) {
    if (csr.offsets[r + 1] > csr.offsets[r]) {
      index[r] = rows.length;
      rows.push(r);
    }
  }
  return { index, size: rows.length, rows: Int32Array.from(rows) };
}
