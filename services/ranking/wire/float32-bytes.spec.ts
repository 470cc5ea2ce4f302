import assert from 'node:assert/strict';
import { checkFloat32Rows, float32Bytes, float32Values } from './float32-bytes.js';
import { DlrsError } from '../../../shared/errors/index.js';

/** `values`' bytes starting 1 byte into a buffer, as a received message's field often does. */
function unaligned(values: Float32Array): Buffer {
  const shifted = Buffer.alloc(values.byteLength + 1);
  float32Bytes(values).copy(shifted, 1);
  return shifted.subarray(1);
}

describe('checkFloat32Rows', () => {
  it('counts rows of little-endian float32, aligned or not, and float32Values reads them', () => {
    const values = new Float32Array([1.5, -2, 0.25, 8, 3, 4]);
    assert.equal(checkFloat32Rows(float32Bytes(values), 3, 'x'), 2);
    assert.equal(checkFloat32Rows(unaligned(values), 2, 'x'), 3);
    assert.deepEqual(Array.from(float32Values(float32Bytes(values))), Array.from(values));
    assert.deepEqual(Array.from(float32Values(unaligned(values))), Array.from(values));
  });

  it('refuses a length that is not a multiple of 4 × width, naming the field', () => {
    assert.throws(
      () => checkFloat32Rows(Buffer.alloc(20), 2, 'item_embeddings'),
      (error: unknown) => error instanceof DlrsError && error.code === 'INVALID_ARGUMENT' && error.field === 'item_embeddings' && /multiple of 4 × 2/.test(error.message),
    );
  });

  it('refuses NaN and infinite values, aligned or not, naming the field and the row', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const values = new Float32Array([0, 1, bad, 2]);
      for (const bytes of [float32Bytes(values), unaligned(values)]) {
        assert.throws(
          () => checkFloat32Rows(bytes, 2, 'user_embedding'),
          (error: unknown) => error instanceof DlrsError && error.field === 'user_embedding' && /value 2 \(row 1\) is (NaN|-?Infinity)/.test(error.message),
        );
      }
    }
  });

  it('accepts the largest finite float32 and subnormals', () => {
    assert.equal(checkFloat32Rows(unaligned(new Float32Array([3.4028234663852886e38, -3.4028234663852886e38, 1e-45, 0])), 1, 'x'), 4);
  });
});
