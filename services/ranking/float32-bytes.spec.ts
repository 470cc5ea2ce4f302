import assert from 'node:assert/strict';
import { float32Bytes, readFloat32Rows } from './float32-bytes.js';
import { DlrsError } from '../../shared/errors/index.js';

describe('readFloat32Rows', () => {
  it('reads rows of little-endian float32, aligned or not', () => {
    const values = new Float32Array([1.5, -2, 0.25, 8, 3, 4]);
    const aligned = readFloat32Rows(float32Bytes(values), 3, 'x');
    assert.equal(aligned.rows, 2);
    assert.deepEqual(Array.from(aligned.values), Array.from(values));
    const shifted = Buffer.alloc(values.byteLength + 1);
    float32Bytes(values).copy(shifted, 1);
    assert.deepEqual(Array.from(readFloat32Rows(shifted.subarray(1), 2, 'x').values), Array.from(values));
  });

  it('refuses a length that is not a multiple of 4 × width, naming the field', () => {
    assert.throws(
      () => readFloat32Rows(Buffer.alloc(20), 2, 'item_embeddings'),
      (error: unknown) => error instanceof DlrsError && error.code === 'INVALID_ARGUMENT' && error.field === 'item_embeddings' && /multiple of 4 × 2/.test(error.message),
    );
  });

  it('refuses NaN and infinite values, naming the field', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(
        () => readFloat32Rows(float32Bytes(new Float32Array([0, 1, bad, 2])), 2, 'user_embedding'),
        (error: unknown) => error instanceof DlrsError && error.field === 'user_embedding' && /row 1/.test(error.message),
      );
    }
  });
});
