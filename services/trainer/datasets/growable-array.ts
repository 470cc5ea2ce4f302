type TypedArray = Int32Array | Float32Array | Float64Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** Why 1024: small datasets stay small, large ones reach their size in a few doublings. */
const INITIAL_CAPACITY = 1024;

/** An append-only typed array that doubles its buffer, so a streamed file costs about its parsed size. */
export class GrowableArray<T extends TypedArray> {
  private buffer: T;
  length = 0;

  constructor(private readonly ctor: TypedArrayConstructor<T>) {
    this.buffer = new ctor(INITIAL_CAPACITY);
  }

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const grown = new this.ctor(this.buffer.length * 2);
      grown.set(this.buffer as never);
      this.buffer = grown;
    }
    this.buffer[this.length++] = value;
  }

  /** The values pushed so far, in an array of exactly that length. */
  toArray(): T {
    return this.buffer.slice(0, this.length) as T;
  }
}
