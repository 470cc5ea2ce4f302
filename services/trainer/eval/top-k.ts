// Top-k selection over a dense score vector, the last step of every score-based model.

/**
 * The indices of the k highest scores, best first, skipping `-Infinity` (excluded items).
 * Equal scores rank the lower index first, so rankings do not depend on the sort's stability.
 */
export function topK(scores: Float32Array | Float64Array, k: number): Int32Array {
  // A min-heap of the best k so far: its root is the weakest kept item.
  const heap = new Int32Array(k);
  let size = 0;
  const worse = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heap[l], heap[m])) m = l;
      if (r < size && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  };
  for (let j = 0; j < scores.length; j++) {
    if (scores[j] === -Infinity || Number.isNaN(scores[j])) continue;
    if (size < k) {
      let i = size++;
      heap[i] = j;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i], heap[p])) break;
        const t = heap[i];
        heap[i] = heap[p];
        heap[p] = t;
        i = p;
      }
    } else if (k > 0 && worse(heap[0], j)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  const out = heap.slice(0, size);
  out.sort((a, b) => scores[b] - scores[a] || a - b);
  return out;
}
