// The feature rows of a LightFM-style model: each user and item is a weighted set of features
// (its identity, plus the dataset's features in the hybrid), its vector the weighted sum of theirs.
import type { CatalogColumn } from '../../../shared/features/index.js';
import { binOf, quantileEdges } from '../datasets/quantile-bins.js';

/**
 * Sparse weighted rows: row r has features `indices[offsets[r] .. offsets[r + 1])` with
 * `weights` at the same positions. Weights of a row sum to 1 (LightFM's normalised rows), so
 * an entity's vector is the mean of its features' vectors.
 */
export interface FeatureRows {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
  readonly weights: Float32Array;
}

/** Quantile bins a continuous column (release year, age) is cut into: each bin a categorical feature. */
export const CONTINUOUS_BINS = 8;

/**
 * Feature names → indices of one side (users or items), fixed at fit time, so that rows built
 * later (for new items) use the fitted embeddings. Identity features take 0 … identities − 1
 * (one per row seen in train); named features (`column=level`) follow.
 */
export class FeatureVocabulary {
  /** Identity feature of every row, −1 for rows without one (not seen in train: out of vocabulary). */
  readonly identity: Int32Array;
  private readonly named = new Map<string, number>();
  /** Bin edges of each continuous column, from the rows the vocabulary was built on. */
  private readonly edges = new Map<string, Float64Array>();
  private nextIndex: number;

  /**
   * @param seen per row, whether it has train interactions (and so an identity feature)
   * @param columns the side's feature columns (empty for identity-only models); every value of
   *   a categorical or multi column becomes a feature, continuous columns are binned
   */
  constructor(seen: ArrayLike<boolean>, columns: ReadonlyMap<string, CatalogColumn>) {
    this.identity = new Int32Array(seen.length).fill(-1);
    let next = 0;
    for (let r = 0; r < seen.length; r++) if (seen[r]) this.identity[r] = next++;
    this.nextIndex = next;
    for (const [name, column] of columns) {
      if (column.kind === 'continuous') {
        const edges = quantileEdges(column.values, CONTINUOUS_BINS);
        this.edges.set(name, edges);
        for (let b = 0; b <= edges.length; b++) this.named.set(`${name}=#${b}`, this.nextIndex++);
      } else {
        for (const level of column.levels) if (!this.named.has(`${name}=${level}`)) this.named.set(`${name}=${level}`, this.nextIndex++);
      }
    }
  }

  /** Number of features (rows of the embedding table). */
  get size(): number {
    return this.nextIndex;
  }

  /**
   * The feature rows of `count` entities whose columns are `columns` (same names as at fit
   * time; values never seen at fit time are dropped). `withIdentity(r)` says whether row r
   * keeps its identity feature: false scores an entity from its features alone (cold start).
   */
  rows(count: number, columns: ReadonlyMap<string, CatalogColumn>, withIdentity: (row: number) => boolean): FeatureRows {
    const offsets = new Int32Array(count + 1);
    const indices: number[] = [];
    const add = (key: string): void => {
      const index = this.named.get(key);
      if (index !== undefined) indices.push(index);
    };
    for (let r = 0; r < count; r++) {
      if (r < this.identity.length && this.identity[r] >= 0 && withIdentity(r)) indices.push(this.identity[r]);
      for (const [name, column] of columns) {
        if (column.kind === 'categorical') {
          if (column.codes[r] >= 0) add(`${name}=${column.levels[column.codes[r]]}`);
        } else if (column.kind === 'multi') {
          for (let k = column.offsets[r]; k < column.offsets[r + 1]; k++) add(`${name}=${column.levels[column.codes[k]]}`);
        } else {
          const edges = this.edges.get(name);
          if (edges !== undefined && !Number.isNaN(column.values[r])) add(`${name}=#${binOf(edges, column.values[r])}`);
        }
      }
      offsets[r + 1] = indices.length;
    }
    const weights = new Float32Array(indices.length);
    for (let r = 0; r < count; r++) {
      const n = offsets[r + 1] - offsets[r];
      weights.fill(1 / n, offsets[r], offsets[r + 1]);
    }
    return { offsets, indices: Int32Array.from(indices), weights };
  }
}
