/**
 * Indices of the k largest scores (descending; ties by lower index), skipping rows for
 * which `skip` is true. A bounded min-heap keeps it O(n log k).
 */
export function topK(scores: Float32Array, offset: number, n: number, k: number, skip?: (row: number) => boolean): Int32Array {
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  const worse = (a: number, b: number): boolean => heapVal[a] < heapVal[b] || (heapVal[a] === heapVal[b] && heapIdx[a] > heapIdx[b]);
  const swap = (a: number, b: number): void => {
    const ti = heapIdx[a];
    heapIdx[a] = heapIdx[b];
    heapIdx[b] = ti;
    const tv = heapVal[a];
    heapVal[a] = heapVal[b];
    heapVal[b] = tv;
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < size && worse(l, w)) w = l;
      if (r < size && worse(r, w)) w = r;
      if (w === i) return;
      swap(i, w);
      i = w;
    }
  };
  for (let j = 0; j < n; j++) {
    if (skip !== undefined && skip(j)) continue;
    const v = scores[offset + j];
    if (size < k) {
      heapIdx[size] = j;
      heapVal[size] = v;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (v > heapVal[0]) {
      heapIdx[0] = j;
      heapVal[0] = v;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapVal[b] - heapVal[a] || heapIdx[a] - heapIdx[b]);
  return Int32Array.from(order, (i) => heapIdx[i]);
}
