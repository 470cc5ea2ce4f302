import { endianness } from 'node:os';
import { DlrsError } from '../../../shared/errors/index.js';

// The wire format is little-endian float32 and typed arrays use the host's byte order.
if (endianness() !== 'LE') throw new Error('dlrs ranking needs a little-endian host: embeddings travel as little-endian float32');

/** The exponent bits of a float32: all set means NaN or ±Infinity. */
const FLOAT32_EXPONENT_MASK = 0x7f800000;

/**
 * Checks that `bytes` holds little-endian float32 rows of `width` values, all finite. Throws
 * INVALID_ARGUMENT naming `field` otherwise. Returns the number of rows.
 */
export function checkFloat32Rows(bytes: Uint8Array, width: number, field: string): number {
  const rows = float32RowCount(bytes, width, field);
  checkFinite(bytes, width, field);
  return rows;
}

/**
 * The number of little-endian float32 rows of `width` values in `bytes`, whose values are not
 * read (the inference worker checks big inputs where they are aligned, off the main thread).
 * Throws INVALID_ARGUMENT naming `field` when the length is not a multiple of a row.
 */
export function float32RowCount(bytes: Uint8Array, width: number, field: string): number {
  const rowBytes = 4 * width;
  if (bytes.byteLength % rowBytes !== 0) {
    throw new DlrsError('INVALID_ARGUMENT', `${bytes.byteLength} bytes is not a multiple of 4 × ${width} (little-endian float32 rows of width ${width})`, { field });
  }
  return bytes.byteLength / rowBytes;
}

/**
 * Checks that every float32 of `bytes` (rows of `width` values) is finite, reading them in
 * place when aligned (the bytes of a received message seldom are: then through one copy).
 * Throws INVALID_ARGUMENT naming `field`, the value and its row otherwise.
 */
export function checkFinite(bytes: Uint8Array, width: number, field: string): void {
  const bad = firstNonFinite(bytes);
  if (bad >= 0) {
    const value = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat32(4 * bad, true);
    throw new DlrsError('INVALID_ARGUMENT', `value ${bad} (row ${Math.floor(bad / width)}) is ${value}; values must be finite`, { field });
  }
}

/** Where unaligned bytes are copied to be read as words: one memcpy beats reading them byte by byte. */
let scratch = new Uint32Array(0);

/** The index of the first NaN or infinite float32 in `bytes`, -1 when all are finite. */
function firstNonFinite(bytes: Uint8Array): number {
  const count = bytes.byteLength >> 2;
  let words: Uint32Array;
  if (bytes.byteOffset % 4 === 0) words = new Uint32Array(bytes.buffer, bytes.byteOffset, count);
  else {
    if (scratch.length < count) scratch = new Uint32Array(2 ** Math.ceil(Math.log2(count)));
    new Uint8Array(scratch.buffer, 0, bytes.byteLength).set(bytes);
    words = scratch;
  }
  return firstNonFiniteWord(words, count);
}

/** The index of the first NaN or infinite float32 among the first `count` words, -1 when all are finite. */
export function firstNonFiniteWord(words: Uint32Array, count: number): number {
  for (let k = 0; k < count; k += 1) if ((words[k] & FLOAT32_EXPONENT_MASK) === FLOAT32_EXPONENT_MASK) return k;
  return -1;
}

/** The float32 values of little-endian bytes: a view when aligned, a copy otherwise. */
export function float32Values(bytes: Uint8Array): Float32Array {
  return bytes.byteOffset % 4 === 0
    ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2)
    : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The bytes of `values` as a Buffer over the same memory (no copy). */
export function float32Bytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** The bytes of a typed array as a Uint8Array over the same memory. */
export function bytesOf(values: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
