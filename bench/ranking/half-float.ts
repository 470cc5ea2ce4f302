/** One float32 seen as its bits (the host is little-endian, checked by services/ranking/wire/float32-bytes). */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** IEEE-754 half-precision bits of a float32 value (round to nearest even, overflow to infinity). */
export function toHalfBits(value: number): number {
  scratchFloat[0] = value;
  return halfBitsOf(scratchBits[0]);
}

/** IEEE-754 half-precision bits of float32 bits. */
function halfBitsOf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const rounded = (mantissa + (1 << (shift - 1)) - 1 + ((mantissa >>> shift) & 1)) >>> shift;
    return sign | rounded;
  }
  const rounded = mantissa + 0xfff + ((mantissa >>> 13) & 1);
  if (rounded & 0x800000) return halfExponent + 1 >= 0x1f ? sign | 0x7c00 : sign | ((halfExponent + 1) << 10);
  return sign | (halfExponent << 10) | (rounded >>> 13);
}

/** The float32 value of half-precision bits. */
export function fromHalfBits(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Every half-precision value as float32: decoding is one lookup per value. */
const HALF_TO_FLOAT = Float32Array.from({ length: 65536 }, (_, bits) => fromHalfBits(bits));

/** float32 values as little-endian half-precision bytes (the host is little-endian). */
export function encodeHalf(values: Float32Array): Buffer {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let k = 0; k < values.length; k += 1) out[k] = halfBitsOf(bits[k]);
  return Buffer.from(out.buffer);
}

/** Little-endian half-precision bytes as float32 values. */
export function decodeHalf(bytes: Uint8Array): Float32Array {
  const halves = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) : new Uint16Array(bytes.slice().buffer);
  const out = new Float32Array(halves.length);
  for (let k = 0; k < halves.length; k += 1) out[k] = HALF_TO_FLOAT[halves[k]];
  return out;
}
