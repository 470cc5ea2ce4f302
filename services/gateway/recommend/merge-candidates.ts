import type { SearchResult__Output } from '../../../shared/generated/dlrs/v1/SearchResult.js';

/**
 * The merged candidates in the columns ranking takes: row i is one item. Rows are in the
 * shards' order, not best first (ranking scores them all, so order does not matter to it).
 */
export interface MergedCandidates {
  readonly itemIds: readonly string[];
  /** e_u · e_i from retrieval. */
  readonly similarities: Float32Array;
  /** Row-major d little-endian float32 per item: RankRequest.item_embeddings as it is. */
  readonly embeddings: Buffer;
  /** b_i per item, little-endian float32: RankRequest.item_biases as it is. */
  readonly biases: Buffer;
}

/**
 * The best `limit` candidates over several shards' results, by similarity (ties by item
 * id, so merges are deterministic), each item once: an item answered by two shards (while
 * the catalog is resharded) keeps its best similarity. The winners' rows are copied into
 * the request ranking takes in runs (a shard's answer is best first, so its winners are
 * usually one run), without an object or a view per candidate. Throws when a result's byte
 * arrays do not match its ids and `dim`.
 */
export function mergeCandidates(results: readonly SearchResult__Output[], dim: number, limit: number): MergedCandidates {
  const rowBytes = 4 * dim;
  let total = 0;
  for (const result of results) {
    const n = result.itemIds.length;
    if (result.similarities.length !== 4 * n) throw new Error(`similarities hold ${result.similarities.length} bytes for ${n} items`);
    if (result.embeddings.length !== n * rowBytes) throw new Error(`embeddings hold ${result.embeddings.length} bytes for ${n} items of dimension ${dim}`);
    if (result.biases.length !== 4 * n) throw new Error(`biases hold ${result.biases.length} bytes for ${n} items`);
    total += n;
  }
  // Every answered row as (result, row), its similarity and id; a repeated id keeps its best row.
  const source = new Int32Array(2 * total);
  const similarity = new Float32Array(total);
  const ids: string[] = new Array<string>(total);
  const seen = results.length > 1 ? new Map<string, number>() : undefined;
  let count = 0;
  results.forEach((result, r) => {
    for (let i = 0; i < result.itemIds.length; i++) {
      const itemId = result.itemIds[i];
      const value = result.similarities.readFloatLE(4 * i);
      const previous = seen?.get(itemId);
      let at = count;
      if (previous !== undefined) {
        if (similarity[previous] >= value) continue;
        at = previous;
      } else {
        seen?.set(itemId, count);
        count++;
      }
      source[2 * at] = r;
      source[2 * at + 1] = i;
      similarity[at] = value;
      ids[at] = itemId;
    }
  });
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => similarity[b] - similarity[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const kept = Math.min(limit, count);
  const winner = new Uint8Array(count);
  for (let j = 0; j < kept; j++) winner[order[j]] = 1;
  // Winners in (result, row) order, so that consecutive rows of a result are copied in one go.
  const rowsOf = results.map(() => [] as number[]);
  for (let at = 0; at < count; at++) if (winner[at] === 1) rowsOf[source[2 * at]].push(at);
  const merged = { itemIds: new Array<string>(kept), similarities: new Float32Array(kept), embeddings: Buffer.allocUnsafe(kept * rowBytes), biases: Buffer.allocUnsafe(4 * kept) };
  let j = 0;
  results.forEach((result, r) => {
    const winners = rowsOf[r].sort((a, b) => source[2 * a + 1] - source[2 * b + 1]);
    for (let w = 0; w < winners.length; ) {
      const first = source[2 * winners[w] + 1];
      let end = w + 1;
      while (end < winners.length && source[2 * winners[end] + 1] === first + (end - w)) end++;
      const rows = end - w;
      result.embeddings.copy(merged.embeddings, j * rowBytes, first * rowBytes, (first + rows) * rowBytes);
      result.biases.copy(merged.biases, 4 * j, 4 * first, 4 * (first + rows));
      for (let n = w; n < end; n++, j++) {
        merged.itemIds[j] = ids[winners[n]];
        merged.similarities[j] = similarity[winners[n]];
      }
      w = end;
    }
  });
  return merged;
}
