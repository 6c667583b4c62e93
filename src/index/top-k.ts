/**
 * Picks the `k` best of `count` candidate documents without sorting them all: a bounded min-heap over
 * (primary, secondary) keys, higher is better. Returns the chosen documents best first.
 */
export function topK(
  candidates: Int32Array,
  count: number,
  k: number,
  primary: (doc: number) => number,
  secondary: (doc: number) => number,
): number[] {
  if (k <= 0 || count === 0) return [];
  const size = Math.min(k, count);
  const heapDocs = new Int32Array(size);
  const heapPrimary = new Float64Array(size);
  const heapSecondary = new Float64Array(size);
  let filled = 0;

  const less = (i: number, j: number): boolean =>
    heapPrimary[i]! < heapPrimary[j]! ||
    (heapPrimary[i] === heapPrimary[j] && (heapSecondary[i]! < heapSecondary[j]! ||
      (heapSecondary[i] === heapSecondary[j] && heapDocs[i]! > heapDocs[j]!)));
  const swap = (i: number, j: number): void => {
    const d = heapDocs[i]!; heapDocs[i] = heapDocs[j]!; heapDocs[j] = d;
    const p = heapPrimary[i]!; heapPrimary[i] = heapPrimary[j]!; heapPrimary[j] = p;
    const s = heapSecondary[i]!; heapSecondary[i] = heapSecondary[j]!; heapSecondary[j] = s;
  };
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < filled && less(left, smallest)) smallest = left;
      if (right < filled && less(right, smallest)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };

  for (let c = 0; c < count; c++) {
    const doc = candidates[c]!;
    const p = primary(doc);
    const s = secondary(doc);
    if (filled < size) {
      let i = filled++;
      heapDocs[i] = doc; heapPrimary[i] = p; heapSecondary[i] = s;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (p > heapPrimary[0]! || (p === heapPrimary[0] && (s > heapSecondary[0]! ||
      (s === heapSecondary[0] && doc < heapDocs[0]!)))) {
      heapDocs[0] = doc; heapPrimary[0] = p; heapSecondary[0] = s;
      siftDown(0);
    }
  }
  const order = Array.from({ length: filled }, (_, i) => i);
  order.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0));
  return order.map((i) => heapDocs[i]!);
}
