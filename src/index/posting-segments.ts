/** About how many postings one segment holds: a compaction rewrites a segment in one turn of a few ms. */
export const SEGMENT_POSTINGS = 1 << 18;
/** The most terms one segment holds: rare terms have few postings each, and each term costs a little too. */
export const SEGMENT_TERMS = 1 << 15;
/** A segment whose arrays are allocated gets this much room to grow, so later compactions rewrite it in place
 *  (room never written costs no resident memory). */
const ROOM = 1.25;

/**
 * The main postings of a run of consecutive terms, in arrays of their own. An index's postings are a list of
 * segments in term order, so a compaction rewrites them one at a time, in place when the new postings fit:
 * no copy of every posting is ever made, and no large array is left for the garbage collector.
 */
export interface PostingSegment {
  /** The id of the segment's first term; it holds the terms `firstTerm … firstTerm + offsets.length - 2`. */
  firstTerm: number;
  /** Where each of its terms' postings start in its arrays, plus one last entry: the end. */
  offsets: Int32Array;
  docs: Int32Array;
  impacts: Float32Array;
  fields: Uint8Array;
  /** The arrays are views into a larger buffer (a freshly built index's) that they would keep alive: the next
   *  compaction moves them to arrays of their own. */
  borrowed: boolean;
}

/** A run of terms `[firstTerm, endTerm)` holding postings `[start, end)` of a term-ordered layout. */
export interface SegmentRange {
  firstTerm: number;
  endTerm: number;
  start: number;
  end: number;
}

/**
 * Cuts terms `[firstTerm, offsets.length - 1)` of a term-ordered layout (`offsets` as in a snapshot, relative
 * to `offsets[firstTerm]`) into runs of about {@link SEGMENT_POSTINGS} postings and at most
 * {@link SEGMENT_TERMS} terms, at term boundaries.
 */
export function segmentRanges(offsets: Int32Array, firstTerm = 0): SegmentRange[] {
  const ranges: SegmentRange[] = [];
  const endTerm = offsets.length - 1;
  let from = firstTerm;
  for (let t = firstTerm; t < endTerm; t++) {
    if (offsets[t + 1]! - offsets[from]! >= SEGMENT_POSTINGS || t + 1 - from >= SEGMENT_TERMS) {
      ranges.push({ firstTerm: from, endTerm: t + 1, start: offsets[from]!, end: offsets[t + 1]! });
      from = t + 1;
    }
  }
  if (from < endTerm) ranges.push({ firstTerm: from, endTerm, start: offsets[from]!, end: offsets[endTerm]! });
  return ranges;
}

/** A range's offsets, counted from its own first posting. */
export function localOffsets(offsets: Int32Array, range: SegmentRange): Int32Array {
  const local = offsets.slice(range.firstTerm, range.endTerm + 1);
  for (let i = 0; i < local.length; i++) local[i] = local[i]! - range.start;
  return local;
}

/** Segments that view a term-ordered layout's arrays (no copy): `borrowed`, see {@link PostingSegment}. */
export function viewSegments(offsets: Int32Array, docs: Int32Array, impacts: Float32Array, fields: Uint8Array): PostingSegment[] {
  return segmentRanges(offsets).map((range) => ({
    firstTerm: range.firstTerm,
    offsets: localOffsets(offsets, range),
    docs: docs.subarray(range.start, range.end),
    impacts: impacts.subarray(range.start, range.end),
    fields: fields.subarray(range.start, range.end),
    borrowed: true,
  }));
}

/** Arrays for `postings` postings with room to grow (see {@link ROOM}). */
export function roomyArrays(postings: number): Pick<PostingSegment, 'docs' | 'impacts' | 'fields'> {
  const capacity = Math.ceil(postings * ROOM);
  return { docs: new Int32Array(capacity), impacts: new Float32Array(capacity), fields: new Uint8Array(capacity) };
}

/** The segment holding `termId` (binary search over segments in term order), or undefined. */
export function segmentOf(segments: readonly PostingSegment[], termId: number): PostingSegment | undefined {
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const segment = segments[mid]!;
    if (termId < segment.firstTerm) high = mid - 1;
    else if (termId >= segment.firstTerm + segment.offsets.length - 1) low = mid + 1;
    else return segment;
  }
  return undefined;
}
