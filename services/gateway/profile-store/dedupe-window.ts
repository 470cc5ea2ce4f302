/**
 * The most recent `capacity` event ids of one user, oldest evicted first. Adding an id that
 * is already present does nothing, so replaying the same record twice is harmless.
 */
export class DedupeWindow {
  private readonly ids = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;
  private idChars = 0;

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.order.push(id);
    this.idChars += id.length;
    if (this.ids.size > this.capacity) {
      const evicted = this.order[this.head];
      this.ids.delete(evicted);
      this.idChars -= evicted.length;
      this.head++;
      // Drop the evicted prefix once it dominates, so the array stays O(capacity).
      if (this.head > this.capacity) {
        this.order.splice(0, this.head);
        this.head = 0;
      }
    }
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.ids.size;
  }

  /** The summed length of the remembered ids, for sizing a rewrite of the store. */
  get chars(): number {
    return this.idChars;
  }

  /** The remembered ids, oldest first. */
  toArray(): string[] {
    return this.order.slice(this.head);
  }
}
