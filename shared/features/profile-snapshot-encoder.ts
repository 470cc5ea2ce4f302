import { compileSpec } from './feature-spec.js';
import type { ContinuousFeature, FeatureSpec } from './feature-spec.js';
import type { EncodedItems } from './encoded-items.js';
import { writeBagRow, writeContinuousCell, writeDistRow } from './user-batch.js';
import type { UserBatch } from './user-batch.js';
import { welfordStep } from './user-profile.js';

/**
 * The trainer's fast profile learner: walks one user's events in time order, in vocabulary
 * space, and writes "the profile of the events added so far" into any batch row without
 * allocating. The rows equal `encodeUsers` on the profile built from the same events.
 *
 * Per user: `reset()`, then for each event j: `writeRow(batch, r)` (history before j), `addEvent(j)`.
 */
export class ProfileSnapshotEncoder {
  private readonly vocabularyFeatures: number[];
  private readonly continuousFeatures: ContinuousFeature[];
  private readonly continuousPositions: number[];
  private readonly acc: Float64Array[];
  private readonly totals: Float64Array;
  private readonly touched: Int32Array[];
  private readonly touchedCount: Int32Array;
  private readonly isTouched: Uint8Array[];
  private readonly contWeight: Float64Array;
  private readonly contMean: Float64Array;
  private readonly contM2: Float64Array;
  /** Ring buffer of the bag; `bagHead` is the slot of the next event. */
  private readonly bagIds: Int32Array;
  private readonly bagWeights: Float64Array;
  private readonly orderedIds: Int32Array;
  private readonly orderedWeights: Float64Array;
  private bagHead = 0;
  private bagCount = 0;
  /** Events added since the last reset. */
  eventCount = 0;

  constructor(
    private readonly spec: FeatureSpec,
    private readonly items: EncodedItems,
  ) {
    const compiled = compileSpec(spec);
    this.vocabularyFeatures = compiled.vocabularyFeatures;
    this.continuousPositions = compiled.continuousFeatures;
    this.continuousFeatures = compiled.continuousFeatures.map((f) => spec.features[f] as ContinuousFeature);
    const sizes = this.vocabularyFeatures.map((f) => {
      const feature = spec.features[f];
      return feature.kind === 'continuous' ? 0 : feature.vocabulary.length;
    });
    this.acc = sizes.map((v) => new Float64Array(v));
    this.touched = sizes.map((v) => new Int32Array(v));
    this.isTouched = sizes.map((v) => new Uint8Array(v));
    this.totals = new Float64Array(sizes.length);
    this.touchedCount = new Int32Array(sizes.length);
    const c = this.continuousFeatures.length;
    this.contWeight = new Float64Array(c);
    this.contMean = new Float64Array(c);
    this.contM2 = new Float64Array(c);
    this.bagIds = new Int32Array(spec.bagLength);
    this.bagWeights = new Float64Array(spec.bagLength);
    this.orderedIds = new Int32Array(spec.bagLength);
    this.orderedWeights = new Float64Array(spec.bagLength);
  }

  /** Starts a new user (an empty profile), in time proportional to what the last user touched. */
  reset(): void {
    for (let k = 0; k < this.acc.length; k++) {
      const acc = this.acc[k];
      const touched = this.touched[k];
      const flags = this.isTouched[k];
      for (let t = 0; t < this.touchedCount[k]; t++) {
        acc[touched[t]] = 0;
        flags[touched[t]] = 0;
      }
      this.touchedCount[k] = 0;
      this.totals[k] = 0;
    }
    this.contWeight.fill(0);
    this.contMean.fill(0);
    this.contM2.fill(0);
    this.bagHead = 0;
    this.bagCount = 0;
    this.eventCount = 0;
  }

  /**
   * Adds the event on encoded item `itemRow` with weight `weight` (see `eventWeight`).
   * Events must come in time order, as `buildProfile` sorts them.
   */
  addEvent(itemRow: number, weight: number): void {
    const n = this.spec.bagLength;
    this.bagIds[this.bagHead] = this.items.itemIndex[itemRow];
    this.bagWeights[this.bagHead] = weight;
    this.bagHead = (this.bagHead + 1) % n;
    if (this.bagCount < n) this.bagCount++;
    this.eventCount++;
    if (weight === 0) return;
    for (let k = 0; k < this.vocabularyFeatures.length; k++) {
      const column = this.items.columns[this.vocabularyFeatures[k]];
      if (column.kind === 'categorical') {
        const index = column.indices[itemRow];
        if (index < 0) continue;
        this.bump(k, index, weight);
        this.totals[k] += weight;
      } else if (column.kind === 'multi') {
        const start = column.offsets[itemRow];
        const end = column.offsets[itemRow + 1];
        if (end === start) continue;
        this.totals[k] += weight;
        const share = weight / (end - start);
        for (let j = start; j < end; j++) this.bump(k, column.indices[j], share);
      }
    }
    for (let c = 0; c < this.continuousFeatures.length; c++) {
      const column = this.items.columns[this.continuousPositions[c]];
      const x = column.kind === 'continuous' ? column.values[itemRow] : NaN;
      if (Number.isNaN(x)) continue;
      [this.contWeight[c], this.contMean[c], this.contM2[c]] = welfordStep(this.contWeight[c], this.contMean[c], this.contM2[c], x, weight);
    }
  }

  /** Writes the profile of the events added since `reset()` into `batch` row `row`. */
  writeRow(batch: UserBatch, row: number): void {
    for (let k = 0; k < this.acc.length; k++) writeDistRow(batch.dist[k], row, this.acc[k], this.totals[k]);
    for (let c = 0; c < this.continuousFeatures.length; c++) {
      writeContinuousCell(batch, row, c, this.continuousFeatures[c], this.contWeight[c], this.contMean[c], this.contM2[c]);
    }
    const n = this.spec.bagLength;
    for (let j = 0; j < this.bagCount; j++) {
      const slot = (this.bagHead - 1 - j + 2 * n) % n;
      this.orderedIds[j] = this.bagIds[slot];
      this.orderedWeights[j] = this.bagWeights[slot];
    }
    writeBagRow(batch, row, this.orderedIds, this.orderedWeights, this.bagCount);
  }

  private bump(k: number, index: number, amount: number): void {
    this.acc[k][index] += amount;
    if (this.isTouched[k][index] === 0) {
      this.isTouched[k][index] = 1;
      this.touched[k][this.touchedCount[k]++] = index;
    }
  }
}
