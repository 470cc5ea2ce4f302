import { rawCategorical, rawContinuous, rawMulti } from '../../../shared/features/index.js';
import type { RawFeatureValue } from '../../../shared/features/index.js';

/** Kinds of filterable item features, as in the model's feature spec. */
export type AttributeKind = 'categorical' | 'multi' | 'continuous';

/** A filterable feature: its name and kind in the feature spec. */
export interface AttributeField {
  name: string;
  kind: AttributeKind;
}

/**
 * One resolved filter condition. `values` holds the dictionary codes of the
 * allowed values (a categorical value equals one of them, a multi-valued
 * feature contains at least one); codes of values no item has are simply
 * absent, so an empty list matches nothing. `range` is inclusive; a missing
 * value never matches.
 */
export type AttributeCondition =
  | { kind: 'values'; field: number; codes: Int32Array }
  | { kind: 'range'; field: number; min: number; max: number };

const MISSING_CODE = -1;
const NO_CODES = new Int32Array(0);

interface CategoricalColumn {
  kind: 'categorical';
  dictionary: Map<string, number>;
  postings: Set<number>[];
  codes: Int32Array;
}

interface MultiColumn {
  kind: 'multi';
  dictionary: Map<string, number>;
  postings: Set<number>[];
  /** Per slot, the sorted distinct codes of the item's values. */
  codes: Int32Array[];
}

interface ContinuousColumn {
  kind: 'continuous';
  /** Per slot; NaN = missing. */
  values: Float64Array;
}

type Column = CategoricalColumn | MultiColumn | ContinuousColumn;

/**
 * Per-slot attribute columns for exact filtering: checking a slot costs
 * O(conditions), and the posting list of a value enumerates its slots directly
 * when a filter is too selective for an approximate search to find k matches.
 */
export class AttributeIndex {
  readonly fields: readonly AttributeField[];
  private readonly columns: Column[];
  private readonly fieldByName: Map<string, number>;

  constructor(fields: readonly AttributeField[], capacity: number) {
    this.fields = fields.map((f) => ({ name: f.name, kind: f.kind }));
    this.fieldByName = new Map(fields.map((f, i) => [f.name, i]));
    this.columns = fields.map((f): Column => {
      if (f.kind === 'continuous') return { kind: 'continuous', values: new Float64Array(capacity).fill(NaN) };
      if (f.kind === 'categorical') return { kind: 'categorical', dictionary: new Map(), postings: [], codes: new Int32Array(capacity).fill(MISSING_CODE) };
      return { kind: 'multi', dictionary: new Map(), postings: [], codes: new Array<Int32Array>(capacity).fill(NO_CODES) };
    });
  }

  /** The position of a field by name, or undefined. */
  fieldIndex(name: string): number | undefined {
    return this.fieldByName.get(name);
  }

  /** The code of a categorical or multi value, or undefined when no item ever had it. */
  valueCode(field: number, value: string): number | undefined {
    const column = this.columns[field];
    return column.kind === 'continuous' ? undefined : column.dictionary.get(value);
  }

  /** Makes room for slots below `capacity`. */
  grow(capacity: number): void {
    for (const column of this.columns) {
      if (column.kind === 'continuous') {
        const values = new Float64Array(capacity).fill(NaN);
        values.set(column.values);
        column.values = values;
      } else if (column.kind === 'categorical') {
        const codes = new Int32Array(capacity).fill(MISSING_CODE);
        codes.set(column.codes);
        column.codes = codes;
      } else {
        const old = column.codes.length;
        column.codes.length = capacity;
        column.codes.fill(NO_CODES, old);
      }
    }
  }

  /** Indexes the raw features of the item in `slot` (the slot must be clear). */
  set(slot: number, features: Readonly<Record<string, RawFeatureValue>>): void {
    this.columns.forEach((column, field) => {
      const name = this.fields[field].name;
      const raw = Object.hasOwn(features, name) ? features[name] : undefined;
      if (column.kind === 'continuous') {
        column.values[slot] = rawContinuous(raw);
      } else if (column.kind === 'categorical') {
        // Read as the feature encoder reads it, so a filter sees what ItemNet saw.
        const value = rawCategorical(raw);
        if (value === undefined) return;
        const code = internValue(column, value);
        column.codes[slot] = code;
        column.postings[code].add(slot);
      } else {
        const codes = Int32Array.from(new Set(rawMulti(raw).map((v) => internValue(column, v)))).sort();
        column.codes[slot] = codes;
        for (const code of codes) column.postings[code].add(slot);
      }
    });
  }

  /** Forgets the attributes of `slot`. */
  clear(slot: number): void {
    for (const column of this.columns) {
      if (column.kind === 'continuous') {
        column.values[slot] = NaN;
      } else if (column.kind === 'categorical') {
        const code = column.codes[slot];
        if (code !== MISSING_CODE) column.postings[code].delete(slot);
        column.codes[slot] = MISSING_CODE;
      } else {
        for (const code of column.codes[slot]) column.postings[code].delete(slot);
        column.codes[slot] = NO_CODES;
      }
    }
  }

  /** Whether the attributes of `slot` satisfy every condition. */
  matches(slot: number, conditions: readonly AttributeCondition[]): boolean {
    for (const condition of conditions) {
      const column = this.columns[condition.field];
      if (condition.kind === 'range') {
        if (column.kind !== 'continuous') return false;
        const value = column.values[slot];
        if (!(value >= condition.min && value <= condition.max)) return false;
      } else if (column.kind === 'categorical') {
        if (!condition.codes.includes(column.codes[slot])) return false;
      } else if (column.kind === 'multi') {
        if (!intersects(column.codes[slot], condition.codes)) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * An upper bound of the number of slots matching the conditions, from the
   * posting lists (exact for a single categorical condition), or undefined
   * when only range conditions constrain them.
   */
  estimateMatches(conditions: readonly AttributeCondition[]): number | undefined {
    const best = this.mostSelective(conditions);
    return best?.count;
  }

  /**
   * The slots matching every condition, ascending. Enumerates the posting lists of
   * the most selective value condition; with range conditions only, scans
   * every slot below `slotLimit` for which `isLive` holds.
   */
  matchingSlots(conditions: readonly AttributeCondition[], slotLimit: number, isLive: (slot: number) => boolean): Int32Array {
    const best = this.mostSelective(conditions);
    const found: number[] = [];
    if (best === undefined) {
      for (let slot = 0; slot < slotLimit; slot++) {
        if (isLive(slot) && this.matches(slot, conditions)) found.push(slot);
      }
      return Int32Array.from(found);
    }
    const column = this.columns[best.condition.field];
    if (column.kind === 'continuous') return new Int32Array(0);
    const seen = best.condition.codes.length > 1 ? new Set<number>() : undefined;
    for (const code of best.condition.codes) {
      for (const slot of column.postings[code]) {
        if (seen !== undefined) {
          if (seen.has(slot)) continue;
          seen.add(slot);
        }
        if (this.matches(slot, conditions)) found.push(slot);
      }
    }
    return Int32Array.from(found).sort();
  }

  /** Approximate heap bytes held by the columns. */
  memoryBytes(): number {
    let bytes = 0;
    for (const column of this.columns) {
      if (column.kind === 'continuous') {
        bytes += column.values.byteLength;
        continue;
      }
      // A Set entry of a small integer costs about 16 bytes in V8, a small typed array about 100.
      bytes += column.postings.reduce((sum, p) => sum + 16 * p.size, 0);
      bytes += column.kind === 'categorical' ? column.codes.byteLength : 100 * column.codes.length;
    }
    return bytes;
  }

  private mostSelective(conditions: readonly AttributeCondition[]): { condition: Extract<AttributeCondition, { kind: 'values' }>; count: number } | undefined {
    let best: { condition: Extract<AttributeCondition, { kind: 'values' }>; count: number } | undefined;
    for (const condition of conditions) {
      if (condition.kind !== 'values') continue;
      const column = this.columns[condition.field];
      if (column.kind === 'continuous') return { condition, count: 0 };
      let count = 0;
      for (const code of condition.codes) count += column.postings[code]?.size ?? 0;
      if (best === undefined || count < best.count) best = { condition, count };
    }
    return best;
  }
}

function internValue(column: CategoricalColumn | MultiColumn, value: string): number {
  let code = column.dictionary.get(value);
  if (code === undefined) {
    code = column.postings.length;
    column.dictionary.set(value, code);
    column.postings.push(new Set());
  }
  return code;
}

function intersects(sortedCodes: Int32Array, wanted: Int32Array): boolean {
  for (const code of wanted) {
    if (sortedCodes.includes(code)) return true;
  }
  return false;
}
