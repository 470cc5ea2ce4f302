/** SearchResult.bundle_rows and RankRequest.bundle_rows: the value of an item whose e_i and b_i are shipped (not a bundle row). */
export const NO_BUNDLE_ROW = 0xffffffff;

/** The i-th little-endian uint32 of a bundle_rows field, read byte by byte (the bytes may sit at any offset; no view is allocated). */
export function bundleRowAt(bytes: Uint8Array, i: number): number {
  const at = 4 * i;
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** Row numbers (NO_BUNDLE_ROW for a shipped item) as a bundle_rows field. */
export function bundleRowsBytes(rows: ArrayLike<number>): Buffer {
  const bytes = Buffer.alloc(4 * rows.length);
  for (let i = 0; i < rows.length; i++) bytes.writeUInt32LE(rows[i], 4 * i);
  return bytes;
}
