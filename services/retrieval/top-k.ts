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
    const order = Array.from({ length: this.count }, (_, i) => i);
    order.sort((a, b) => this.scores[b] - this.scores[a] || this.slots[a] - this.slots[b]);
    const result = { slots: Int32Array.from(order, (i) => this.slots[i]), scores: Float32Array.from(order, (i) => this.scores[i]) };
    this.count = 0;
    return result;
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
