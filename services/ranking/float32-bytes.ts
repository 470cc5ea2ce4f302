import { endianness } from 'node:os';
import { DlrsError } from '../../shared/errors/index.js';

// The wire format is little-endian float32 and typed arrays use the host's byte order.
if (endianness() !== 'LE') throw new Error('dlrs ranking needs a little-endian host: embeddings travel as little-endian float32');

/**
 * Reads `bytes` as little-endian float32 values, `width` per row, and checks that they are
 * finite. Throws INVALID_ARGUMENT naming `field` otherwise. Returns the rows and their count.
 * The result views `bytes` when it is 4-byte aligned and copies it otherwise.
 */
export function readFloat32Rows(bytes: Uint8Array, width: number, field: string): { values: Float32Array; rows: number } {
  const rowBytes = 4 * width;
  if (bytes.byteLength % rowBytes !== 0) {
    throw new DlrsError('INVALID_ARGUMENT', `${bytes.byteLength} bytes is not a multiple of 4 × ${width} (little-endian float32 rows of width ${width})`, { field });
  }
  const values =
    bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
      : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  for (let k = 0; k < values.length; k += 1) {
    if (!Number.isFinite(values[k])) {
      throw new DlrsError('INVALID_ARGUMENT', `value ${k} (row ${Math.floor(k / width)}) is ${values[k]}; values must be finite`, { field });
    }
  }
  return { values, rows: bytes.byteLength / rowBytes };
}

/** The bytes of `values` as a Buffer over the same memory (no copy). */
export function float32Bytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}
