/**
 * Up to this k the best k are kept in a small sorted list while the scores are read once
 * (k = 10 of 300 candidates: a few comparisons per score, no allocation but the answer);
 * above it a full sort is cheaper than the list's insertions.
 */
const MAX_SELECTION_K = 64;

/** Indices of the `k` highest scores, best first; equal scores keep their index order. */
export function topKOrder(scores: Float32Array, k: number): number[] {
  const count = Math.min(k, scores.length);
  if (count <= 0) return [];
  if (count > MAX_SELECTION_K) {
    const order = Array.from({ length: scores.length }, (_, index) => index);
    order.sort((a, b) => scores[b] - scores[a] || a - b);
    return order.slice(0, count);
  }
  const order = new Array<number>(count);
  let kept = 0;
  for (let index = 0; index < scores.length; index += 1) {
    const score = scores[index];
    // Full and not strictly better than the last kept: an equal score keeps the earlier index first.
    if (kept === count && !(score > scores[order[count - 1]])) continue;
    let at = kept < count ? kept++ : count - 1;
    while (at > 0 && score > scores[order[at - 1]]) {
      order[at] = order[at - 1];
      at -= 1;
    }
    order[at] = index;
  }
  return order;
}
