/**
 * The k highest-scoring slots seen so far, in a binary min-heap over typed
 * arrays: O(log k) per candidate and no allocation per push.
 */
export class TopK {
  readonly k: number;
  private readonly scores: Float32Array;
  private readonly slots: Int32Array;
  private count = 0;

  constructor(k: number) {
    this.k = k;
    this.scores = new Float32Array(k);
    this.slots = new Int32Array(k);
  }

  /** Candidates held (at most k). */
  get size(): number {
    return this.count;
  }

  /** Offers a candidate; it is kept when the heap is not full or it beats the worst kept. */
  push(slot: number, score: number): void {
    if (this.k === 0) return;
    if (this.count < this.k) {
      let i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent] <= score) break;
        this.scores[i] = this.scores[parent];
        this.slots[i] = this.slots[parent];
        i = parent;
      }
      this.scores[i] = score;
      this.slots[i] = slot;
      return;
    }
    if (score <= this.scores[0]) return;
    this.siftDown(slot, score);
  }

  /** The kept candidates, best first (equal scores by ascending slot); empties the heap. */
  drain(): { slots: Int32Array; scores: Float32Array } {
    const count = this.count;
    // Heapsort in place: re-heaped with the slot as tie-break (worst = lower score, then higher
    // slot, at the root), then each worst moved behind the shrinking heap. No sort closure, no index array.
    for (let i = (count >> 1) - 1; i >= 0; i--) this.settleDown(i, count);
    for (let end = count - 1; end > 0; end--) {
      this.swap(0, end);
      this.settleDown(0, end);
    }
    this.count = 0;
    return { slots: this.slots.slice(0, count), scores: this.scores.slice(0, count) };
  }

  /** Whether candidate a ranks below candidate b (lower score, or equal score and higher slot). */
  private worse(a: number, b: number): boolean {
    return this.scores[a] < this.scores[b] || (this.scores[a] === this.scores[b] && this.slots[a] > this.slots[b]);
  }

  private swap(a: number, b: number): void {
    const score = this.scores[a];
    const slot = this.slots[a];
    this.scores[a] = this.scores[b];
    this.slots[a] = this.slots[b];
    this.scores[b] = score;
    this.slots[b] = slot;
  }

  /** Moves the candidate at `start` down until no child within `size` is worse. */
  private settleDown(start: number, size: number): void {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && this.worse(right, left) ? right : left;
      if (!this.worse(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private siftDown(slot: number, score: number): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.scores[i] = this.scores[child];
      this.slots[i] = this.slots[child];
      i = child;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }
}
