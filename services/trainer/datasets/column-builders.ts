import type { CatalogColumn } from '../../../shared/features/index.js';
import { GrowableArray } from './growable-array.js';

/** Interns strings to dense codes in order of first appearance. */
export class Interner {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
    }
    return code;
  }

  get(value: string): number | undefined {
    return this.codes.get(value);
  }

  get size(): number {
    return this.values.length;
  }
}

/** Builds a dictionary-encoded categorical column row by row. */
export class CategoricalColumnBuilder {
  private readonly levels = new Interner();
  private readonly codes = new GrowableArray(Int32Array);

  push(value: string | undefined): void {
    this.codes.push(value === undefined || value === '' ? -1 : this.levels.code(value));
  }

  build(): CatalogColumn {
    return { kind: 'categorical', levels: this.levels.values, codes: this.codes.toArray() };
  }
}

/** Builds a dictionary-encoded multi-valued column row by row. */
export class MultiColumnBuilder {
  private readonly levels = new Interner();
  private readonly codes = new GrowableArray(Int32Array);
  private readonly offsets = new GrowableArray(Int32Array);

  constructor() {
    this.offsets.push(0);
  }

  push(values: readonly string[]): void {
    for (const value of values) if (value !== '') this.codes.push(this.levels.code(value));
    this.offsets.push(this.codes.length);
  }

  build(): CatalogColumn {
    return { kind: 'multi', levels: this.levels.values, offsets: this.offsets.toArray(), codes: this.codes.toArray() };
  }
}

/** Builds a continuous column row by row (NaN = missing). */
export class ContinuousColumnBuilder {
  private readonly values = new GrowableArray(Float64Array);

  push(value: number): void {
    this.values.push(value);
  }

  build(): CatalogColumn {
    return { kind: 'continuous', values: this.values.toArray() };
  }
}
