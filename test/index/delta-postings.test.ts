import { describe, expect, it } from 'vitest';
import { DeltaPostings } from '../../src/index/delta-postings.ts';

/** A term's postings as the index walks them. */
function walk(delta: DeltaPostings, termId: number): [doc: number, impact: number, fields: number][] {
  const out: [number, number, number][] = [];
  for (let p = delta.first(termId); p !== -1; p = delta.next[p]!) out.push([delta.docs[p]!, delta.impacts[p]!, delta.fields[p]!]);
  return out;
}

describe('the delta segment', () => {
  it('keeps each term’s postings in arrival order as it grows past its first size, for terms of any id', () => {
    const delta = new DeltaPostings();
    const expected = new Map<number, [number, number, number][]>();
    // 20,000 postings over 3,000 term ids (some far apart), interleaved as papers arrive.
    for (let doc = 0; doc < 2000; doc++) {
      for (let k = 0; k < 10; k++) {
        const termId = (doc * 7 + k * 331) % 3000 + (k === 9 ? 50_000 : 0);
        const impact = Math.fround(doc / 7 + k);
        delta.add(termId, doc, impact, k % 16);
        if (!expected.has(termId)) expected.set(termId, []);
        expected.get(termId)!.push([doc, impact, k % 16]);
      }
    }
    expect(delta.count).toBe(20_000);
    for (const [termId, postings] of expected) {
      expect(walk(delta, termId), `term ${termId}`).toEqual(postings);
      expect(delta.length(termId)).toBe(postings.length);
    }
    expect(walk(delta, 49_999)).toEqual([]);
    expect(walk(delta, 1_000_000)).toEqual([]);
  });

  it('is empty after clear, and takes postings again', () => {
    const delta = new DeltaPostings();
    for (let doc = 0; doc < 5000; doc++) delta.add(doc % 10, doc, 1, 1);
    delta.clear();
    expect(delta.count).toBe(0);
    expect(walk(delta, 3)).toEqual([]);
    expect(delta.length(3)).toBe(0);
    delta.add(3, 42, 0.5, 4);
    expect(walk(delta, 3)).toEqual([[42, 0.5, 4]]);
  });
});
