/** Smallest table: a merge of a few candidates still probes little. */
const MIN_SLOTS = 16;

/**
 * A set of string ids for one synchronous pass at a time (the candidate merge of each request),
 * reused from pass to pass: an open-addressing table that keeps its slots, so a pass allocates
 * nothing once the table is large enough. A `Set` of the 300 candidates of a request allocates
 * about 20 kB as it grows (a tenth of what a Recommend allocates), which makes scavenges more
 * frequent.
 */
export class ReusableIdSet {
  private slots: (string | undefined)[] = new Array<string | undefined>(MIN_SLOTS).fill(undefined);
  /** The filled slots, in filling order: what clear() empties. */
  private filled = new Int32Array(MIN_SLOTS / 2);
  private count = 0;

  /** Empties the set, releasing its ids. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.slots[this.filled[i]] = undefined;
    this.count = 0;
  }

  /** Adds `id`; false when it was there already. */
  add(id: string): boolean {
    // At most half full, so that probes stay short.
    if (this.count === this.filled.length) this.grow();
    const mask = this.slots.length - 1;
    for (let slot = hashOf(id) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot];
      if (held === undefined) {
        this.slots[slot] = id;
        this.filled[this.count++] = slot;
        return true;
      }
      if (held === id) return false;
    }
  }

  private grow(): void {
    const ids = Array.from(this.filled.subarray(0, this.count), (slot) => this.slots[slot] as string);
    this.count = 0;
    this.slots = new Array<string | undefined>(2 * this.slots.length).fill(undefined);
    this.filled = new Int32Array(this.slots.length / 2);
    for (const id of ids) this.add(id);
  }
}

/** FNV-1a over the UTF-16 code units: cheap for short ids, spread well enough for probing. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
