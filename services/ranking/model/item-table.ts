import type { Item } from '../../../shared/features/index.js';
import type { ItemEmbedder } from '../../../shared/item-net/index.js';

/**
 * The e_i and b_i that one model version's ItemNet gives the bundle's own items, by id: the
 * values a retrieval shard of the same version holds for an item whose features are unchanged
 * since the bundle, so that a Rank request may name those candidates instead of shipping
 * their embeddings (RankRequest.bundle_rows). Read-only once built; one table per loaded model,
 * so rows of two versions never meet.
 */
export class ItemTable {
  private constructor(
    readonly dim: number,
    private readonly rowById: ReadonlyMap<string, number>,
    /** Row-major, size × dim. */
    readonly embeddings: Float32Array,
    readonly biases: Float32Array,
  ) {}

  /** Embeds the bundle's items with its ItemNet (in the embedder's batches, the event loop turning between them). */
  static async build(items: readonly Item[], embedder: ItemEmbedder): Promise<ItemTable> {
    const { embeddings, biases } = await embedder.embed(items);
    const rowById = new Map<string, number>();
    for (const [row, item] of items.entries()) rowById.set(item.id, row);
    return new ItemTable(embedder.dim, rowById, embeddings, biases);
  }

  /** Items held. */
  get size(): number {
    return this.biases.length;
  }

  /** The row of an item, or undefined when the bundle has no such item. */
  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  /** Up to `count` ids of the table (synthetic requests before SERVING). */
  idsOf(count: number): string[] {
    const ids: string[] = [];
    for (const id of this.rowById.keys()) {
      if (ids.length >= count) break;
      ids.push(id);
    }
    return ids;
  }

  /** Approximate bytes: the float rows, and about 56 per id and map entry (53 measured with 1M ids of up to 8 characters). */
  memoryBytes(): number {
    return this.embeddings.byteLength + this.biases.byteLength + this.size * 56;
  }
}
