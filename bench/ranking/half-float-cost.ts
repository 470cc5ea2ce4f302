// What half-precision embeddings cost on the CPU, per Rank request (n candidates × d): the server's
// decode into the batch (a table lookup per value) and finiteness check, against float32's copy
// and check, and the float32 -> float16 encoding a caller holding float32 would pay. Compare with
// the transport's saving: service-load.ts --modes echo --encoding float16 vs float32.
//   node --import tsx bench/ranking/half-float-cost.ts [--candidates 300] [--dim 32]
import { parseArgs } from 'node:util';
import { checkFloat32Rows, float32Bytes } from '../../services/ranking/wire/float32-bytes.js';
import { encodeHalf, fromHalfBits } from './half-float.js';

/** float16 with an all-ones exponent is NaN or infinite. */
const HALF_EXPONENT_MASK = 0x7c00;
const HALF_TO_FLOAT = Float32Array.from({ length: 65536 }, (_, bits) => fromHalfBits(bits));

const { values } = parseArgs({ options: { candidates: { type: 'string', default: '300' }, dim: { type: 'string', default: '32' } } });
const count = Number(values.candidates) * Number(values.dim);
const embeddings = Float32Array.from({ length: count }, () => Math.random() * 2 - 1);
/** As received: a message's bytes field starts at an odd offset as often as not. */
function received(bytes: Buffer): Buffer {
  const shifted = Buffer.alloc(bytes.byteLength + 1);
  bytes.copy(shifted, 1);
  return shifted.subarray(1);
}
const f32 = received(float32Bytes(embeddings));
const f16 = received(encodeHalf(embeddings));
const batch = new Float32Array(count);
const batchBytes = new Uint8Array(batch.buffer);
const halves = new Uint16Array(count);

function halfDecodeAndCheck(): void {
  new Uint8Array(halves.buffer).set(f16);
  for (let k = 0; k < count; k += 1) {
    if ((halves[k] & HALF_EXPONENT_MASK) === HALF_EXPONENT_MASK) throw new Error('not finite');
    batch[k] = HALF_TO_FLOAT[halves[k]];
  }
}

const cases: [string, number, () => void][] = [
  ['float32: check + copy into the batch', 20_000, () => {
    checkFloat32Rows(f32, Number(values.dim), 'item_embeddings');
    batchBytes.set(f32);
  }],
  ['float16: check + decode into the batch', 20_000, halfDecodeAndCheck],
  ['float16: encode from float32 (caller)', 500, () => encodeHalf(embeddings)],
];
console.log(`${values.candidates} × ${values.dim} embeddings, bytes at an odd offset as received: float32 ${f32.byteLength} B, float16 ${f16.byteLength} B`);
for (const [name, runs, work] of cases) {
  for (let k = 0; k < runs / 10; k += 1) work();
  const startMs = performance.now();
  for (let k = 0; k < runs; k += 1) work();
  console.log(`${name.padEnd(42)} ${(((performance.now() - startMs) * 1000) / runs).toFixed(1).padStart(7)} µs per request`);
}
