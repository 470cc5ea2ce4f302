/** Indices of the `k` highest scores, best first; equal scores keep their index order. */
export function topKOrder(scores: Float32Array, k: number): number[] {
  const count = Math.min(k, scores.length);
  if (count <= 0) return [];
  const order = Array.from({ length: scores.length }, (_, index) => index);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, count);
}
