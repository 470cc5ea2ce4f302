/** A block of row-major float32 vectors. */
export interface VectorSet {
  vectors: Float32Array;
  count: number;
  dim: number;
}

/** Why 1000 clusters and noise 0.35: learned item embeddings group by genre/category with visible spread; this gives recall curves like those of real catalogs rather than of uniform noise. */
const CLUSTERS = 1000;
const NOISE = 0.35;

/** Seeded uniform (0, 1) and standard normal draws (xorshift32 + Box–Muller). */
export function seededRandom(seed: number): { uniform: () => number; normal: () => number } {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

/**
 * Embeddings shaped like learned ones: unit vectors scattered around cluster
 * centres. Items and queries drawn with the same seed share the centres; the
 * first n rows of a larger set equal the set of n rows (prefix-stable).
 */
export function clusteredVectors(count: number, dim: number, seed: number, stream: number): VectorSet {
  const centreNormal = seededRandom(seed).normal;
  const centres = new Float32Array(CLUSTERS * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = centreNormal();
  const { uniform, normal } = seededRandom(seed * 7919 + stream);
  const vectors = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) {
    const centre = Math.floor(uniform() * CLUSTERS);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const value = centres[centre * dim + j] / Math.sqrt(dim) + (NOISE * normal()) / Math.sqrt(dim);
      vectors[row * dim + j] = value;
      norm += value * value;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) vectors[row * dim + j] *= scale;
  }
  return { vectors, count, dim };
}
