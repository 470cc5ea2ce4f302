import type { SearchResult__Output } from '../../../shared/generated/dlrs/v1/SearchResult.js';

/** A retrieved item with what ranking needs of it. */
export interface Candidate {
  itemId: string;
  /** e_u · e_i from retrieval. */
  similarity: number;
  /** d little-endian float32 (a view into the shard's answer). */
  embedding: Buffer;
  /** b_i as 4 little-endian bytes. */
  bias: Buffer;
}

/**
 * The best `limit` candidates over several shards' results, by similarity (ties by item
 * id, so merges are deterministic), each item once: an item answered by two shards (while
 * the catalog is resharded) keeps its best similarity. Throws when a result's byte arrays
 * do not match its ids and `dim`.
 */
export function mergeCandidates(results: readonly SearchResult__Output[], dim: number, limit: number): Candidate[] {
  const best = new Map<string, Candidate>();
  const rowBytes = 4 * dim;
  for (const result of results) {
    const n = result.itemIds.length;
    if (result.similarities.length !== 4 * n) throw new Error(`similarities hold ${result.similarities.length} bytes for ${n} items`);
    if (result.embeddings.length !== n * rowBytes) throw new Error(`embeddings hold ${result.embeddings.length} bytes for ${n} items of dimension ${dim}`);
    if (result.biases.length !== 4 * n) throw new Error(`biases hold ${result.biases.length} bytes for ${n} items`);
    for (let i = 0; i < n; i++) {
      const itemId = result.itemIds[i];
      const similarity = result.similarities.readFloatLE(4 * i);
      const previous = best.get(itemId);
      if (previous !== undefined && previous.similarity >= similarity) continue;
      best.set(itemId, {
        itemId,
        similarity,
        embedding: result.embeddings.subarray(i * rowBytes, (i + 1) * rowBytes),
        bias: result.biases.subarray(4 * i, 4 * i + 4),
      });
    }
  }
  return [...best.values()].sort(bySimilarity).slice(0, limit);
}

function bySimilarity(a: Candidate, b: Candidate): number {
  return b.similarity - a.similarity || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);
}
