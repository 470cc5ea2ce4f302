import type { TensorMap } from '../../../shared/features/index.js';
import type { ModelShape } from '../model/index.js';

/**
 * What a training step reads: the catalog's ItemNet inputs and the examples
 * "profile of a user's events before event j → the item of event j".
 * Built identically on every thread from the same recipe, so workers need no copy.
 */
export interface TrainingData {
  readonly shape: ModelShape;
  /** ItemNet inputs of every catalog item; catalog row r is softmax class r. */
  readonly catalog: TensorMap;
  readonly catalogSize: number;
  /** Training interactions per catalog row (log-Q correction, popularity sampling). */
  readonly itemCounts: Float64Array;
  /** A category per catalog row for the thesis' Algorithm 1 sampler (-1 = none). */
  readonly itemCategory: Int32Array;
  readonly exampleCount: number;
  /** The catalog row each example predicts. */
  readonly exampleTarget: Int32Array;
  /** True when `row` is among the example's user's training items (never a negative). */
  isPositive(example: number, row: number): boolean;
  /** UserNet inputs for the examples' profiles (events strictly before each example's event). */
  userFeed(examples: Int32Array): TensorMap;
}
