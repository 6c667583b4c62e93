import SearchableMap from 'minisearch/SearchableMap';
import { runSteps, type Steps } from '../util/steps.ts';

/** A term within `maxEdits` of a fuzzy query: its id and its Levenshtein distance to the query. */
export type FuzzyHit = [termId: number, distance: number];

/**
 * The terms of an index in sorted order, as flat arrays: persisted with the index, so a loaded index
 * neither sorts nor builds anything to look terms up.
 */
export interface SortedTerms {
  /** Term ids, ordered by term (UTF-16 code unit order, as `<` compares strings). */
  termOrder: Int32Array;
  /** The UTF-16 code units of the terms in that order, back to back. */
  termChars: Uint16Array;
  /** Where each term's code units start in `termChars`, plus one last entry: the end. */
  termStarts: Int32Array;
}

/** Terms sorted, or their code units copied, between pauses of {@link Vocabulary.sortSteps} (a few milliseconds). */
const TERMS_PER_PAUSE = 8192;
/** Terms merged between pauses of {@link Vocabulary.sortSteps}. */
const MERGED_PER_PAUSE = 32_768;

/** Longest common prefixes are counted up to this; longer ones only lose a little reuse. */
const MAX_SHARED = 255;

/**
 * The index's terms, for exact, prefix and typo-tolerant lookup, loadable in no time.
 *
 * The terms of the loaded (or last compacted) index are kept sorted, as flat arrays ({@link SortedTerms}).
 * Exact and prefix lookups are binary searches. Fuzzy search walks the sorted terms depth-first as it
 * would walk a trie: a term reuses the Levenshtein rows of the prefix it shares with the term before it,
 * and once a prefix is too far from the query, every term under it is skipped. The walk reads code units
 * from one array in order rather than strings scattered over the heap, which is what makes it faster
 * than a radix tree. Terms added since then live in a small radix tree (minisearch's `SearchableMap`)
 * until {@link Vocabulary.sorted} merges them in at the next compaction.
 *
 * Answers are those of minisearch's `SearchableMap` over the same terms, in another order.
 */
export class Vocabulary {
  private readonly order: Int32Array;
  private readonly chars: Uint16Array;
  private readonly starts: Int32Array;
  /** The sorted part's shared prefixes, for fuzzy search; made at the first one. */
  private neighbours: Neighbours | undefined;
  /** Terms added after the sorted part was made, as a tree for lookups and in order of arrival for the merge. */
  private readonly recent = new SearchableMap<number>();
  private readonly recentTerms: string[] = [];
  private readonly recentIds: number[] = [];

  /**
   * @param terms every term by id; the index appends to it, and the vocabulary only reads it.
   * @param sorted the terms with ids `0 … termOrder.length - 1`, sorted ({@link Vocabulary.sortSteps}). Terms
   *   with higher ids (added after the sorted part was made) are taken in as recent ones.
   */
  constructor(
    private readonly terms: readonly string[],
    sorted: SortedTerms,
  ) {
    this.order = sorted.termOrder;
    this.chars = sorted.termChars;
    this.starts = sorted.termStarts;
    for (let termId = this.order.length; termId < terms.length; termId++) this.add(terms[termId]!, termId);
  }

  /**
   * Sorts `terms` (whose ids are their positions) for a freshly built index, pausing every few thousand
   * terms (see {@link Steps}): a merge sort whose runs are sorted one at a time and then merged pairwise.
   */
  static *sortSteps(terms: readonly string[]): Steps<SortedTerms> {
    const order = yield* Vocabulary.orderSteps(terms);
    const count = terms.length;
    let length = 0;
    for (const term of terms) length += term.length;
    const termChars = new Uint16Array(length);
    const termStarts = new Int32Array(count + 1);
    let written = 0;
    for (let at = 0; at < count; at++) {
      termStarts[at] = written;
      written = putChars(terms[order[at]!]!, termChars, written);
      if (at % TERMS_PER_PAUSE === TERMS_PER_PAUSE - 1) yield;
    }
    termStarts[count] = written;
    return { termOrder: order, termChars, termStarts };
  }

  /** The positions of `terms` in sorted order, pausing as {@link sortSteps} does. */
  private static *orderSteps(terms: readonly string[]): Steps<Int32Array> {
    const count = terms.length;
    const byTerm = (a: number, b: number): number => compare(terms[a]!, terms[b]!);
    let order = new Int32Array(count);
    for (let termId = 0; termId < count; termId++) order[termId] = termId;
    for (let start = 0; start < count; start += TERMS_PER_PAUSE) {
      order.subarray(start, start + TERMS_PER_PAUSE).sort(byTerm);
      yield;
    }
    let merged = new Int32Array(count);
    for (let width = TERMS_PER_PAUSE; width < count; width *= 2) {
      let sincePause = 0;
      for (let lo = 0; lo < count; lo += 2 * width) {
        const middle = Math.min(lo + width, count);
        const hi = Math.min(lo + 2 * width, count);
        let left = lo;
        let right = middle;
        let written = lo;
        while (left < middle && right < hi) {
          merged[written++] = byTerm(order[right]!, order[left]!) < 0 ? order[right++]! : order[left++]!;
          if (++sincePause === MERGED_PER_PAUSE) {
            sincePause = 0;
            yield;
          }
        }
        merged.set(order.subarray(left, middle), written);
        merged.set(order.subarray(right, hi), written + middle - left);
      }
      [order, merged] = [merged, order];
      yield;
    }
    return order;
  }

  /** How many terms there are. */
  get size(): number {
    return this.order.length + this.recentTerms.length;
  }

  /** The id of `term`, if it is one. */
  get(term: string): number | undefined {
    if (this.recentTerms.length > 0) {
      const termId = this.recent.get(term);
      if (termId !== undefined) return termId;
    }
    const at = this.lowerBound(term);
    return at < this.order.length && this.compareAt(at, term) === 0 ? this.order[at] : undefined;
  }

  /** Every term that starts with `prefix` (the prefix itself included), with its id. */
  atPrefix(prefix: string): [term: string, termId: number][] {
    const found: [string, number][] = [];
    for (let at = this.lowerBound(prefix); at < this.order.length && this.startsWith(at, prefix); at++) {
      const termId = this.order[at]!;
      found.push([this.terms[termId]!, termId]);
    }
    if (this.recentTerms.length > 0) for (const entry of this.recent.atPrefix(prefix)) found.push(entry);
    return found;
  }

  /** Every term within `maxEdits` Levenshtein edits of `query`, with its id and distance. */
  fuzzyGet(query: string, maxEdits: number): Map<string, FuzzyHit> {
    const found = new Map<string, FuzzyHit>();
    this.fuzzySorted(query, maxEdits, found);
    if (this.recentTerms.length > 0) for (const [term, hit] of this.recent.fuzzyGet(query, maxEdits)) found.set(term, hit);
    return found;
  }

  /** Takes in a new term (one that {@link get} does not know). */
  add(term: string, termId: number): void {
    this.recent.set(term, termId);
    this.recentTerms.push(term);
    this.recentIds.push(termId);
  }

  /**
   * All terms sorted, recent ones merged in: the sorted terms of a compacted index. A merge of the sorted
   * part with the few recent terms (sorted on their own) that copies runs of the flat arrays, not a sort.
   */
  sorted(): SortedTerms {
    return runSteps(this.sortedSteps());
  }

  /**
   * {@link sorted}, pausing while the recent terms are sorted and every {@link MERGED_PER_PAUSE} terms of the
   * merge (at 100k papers, a refresh's 13k new terms made it one 30–36 ms block in the index save).
   */
  *sortedSteps(): Steps<SortedTerms> {
    const { order, chars, starts } = this;
    // Terms added while this pauses are not part of it (a vocabulary made from the result takes them as recent).
    const recentTerms = this.recentTerms.slice();
    const recentIds = this.recentIds.slice();
    if (recentTerms.length === 0) return { termOrder: order, termChars: chars, termStarts: starts };
    const recent = yield* Vocabulary.orderSteps(recentTerms);
    let extraChars = 0;
    for (const term of recentTerms) extraChars += term.length;
    const count = order.length + recent.length;
    const termOrder = new Int32Array(count);
    const termChars = new Uint16Array(chars.length + extraChars);
    const termStarts = new Int32Array(count + 1);
    let from = 0;
    let written = 0;
    let charsWritten = 0;
    const copyUpTo = (end: number): void => {
      termOrder.set(order.subarray(from, end), written);
      termChars.set(chars.subarray(starts[from]!, starts[end]!), charsWritten);
      const shift = charsWritten - starts[from]!;
      for (let at = from; at < end; at++) termStarts[written++] = starts[at]! + shift;
      charsWritten += starts[end]! - starts[from]!;
      from = end;
    };
    let sincePause = 0;
    for (const r of recent) {
      const term = recentTerms[r]!;
      const end = this.lowerBound(term, from);
      sincePause += end - from + 1;
      copyUpTo(end);
      termOrder[written] = recentIds[r]!;
      termStarts[written++] = charsWritten;
      charsWritten = putChars(term, termChars, charsWritten);
      if (sincePause >= MERGED_PER_PAUSE) {
        sincePause = 0;
        yield;
      }
    }
    copyUpTo(order.length);
    termStarts[count] = charsWritten;
    return { termOrder, termChars, termStarts };
  }

  /** The sign of (the sorted term at `at`) − `term`, in code unit order. */
  private compareAt(at: number, term: string): number {
    const start = this.starts[at]!;
    const length = this.starts[at + 1]! - start;
    const common = Math.min(length, term.length);
    for (let i = 0; i < common; i++) {
      const difference = this.chars[start + i]! - term.charCodeAt(i);
      if (difference !== 0) return difference;
    }
    return length - term.length;
  }

  private startsWith(at: number, prefix: string): boolean {
    const start = this.starts[at]!;
    if (this.starts[at + 1]! - start < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (this.chars[start + i] !== prefix.charCodeAt(i)) return false;
    return true;
  }

  /** The first position in the sorted part whose term is not below `term`, if none before `from` is. */
  private lowerBound(term: string, from = 0): number {
    let lo = from;
    let hi = this.order.length;
    // Galloping from `from`: in a merge, the next term's place is usually near the last one's.
    for (let step = 1; from > 0; step *= 2) {
      const probe = from + step - 1;
      if (probe >= hi) break;
      if (this.compareAt(probe, term) >= 0) {
        hi = probe;
        break;
      }
      lo = probe + 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, term) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** {@link Neighbours} of the sorted part: one pass over its code units and one over `shared` (~10 ms at 160k terms). */
  private sortedNeighbours(): Neighbours {
    if (this.neighbours) return this.neighbours;
    const { chars, starts } = this;
    const count = this.order.length;
    const shared = new Uint8Array(count);
    for (let at = 1; at < count; at++) {
      const before = starts[at - 1]!;
      const start = starts[at]!;
      const limit = Math.min(start - before, starts[at + 1]! - start, MAX_SHARED);
      let n = 0;
      while (n < limit && chars[before + n] === chars[start + n]) n++;
      shared[at] = n;
    }
    const nextShorter = new Int32Array(count);
    const pending = new Int32Array(count);
    let top = 0;
    for (let at = count - 1; at >= 0; at--) {
      while (top > 0 && shared[pending[top - 1]!]! >= shared[at]!) top--;
      nextShorter[at] = top > 0 ? pending[top - 1]! : count;
      pending[top++] = at;
    }
    return (this.neighbours = { shared, nextShorter });
  }

  /**
   * Fuzzy search over the sorted part: a trie walk without a trie. `rows` is the Levenshtein matrix of the
   * current term's prefix against the query, one row per code unit of the term. Only the band of cells
   * within `maxEdits` of the diagonal is computed and cells hold at most `maxEdits + 1`, as in minisearch:
   * within the bound, the distances are exact. When a row's minimum exceeds `maxEdits`, no term under that
   * prefix can match, and the walk skips them all.
   */
  private fuzzySorted(query: string, maxEdits: number, found: Map<string, FuzzyHit>): void {
    const { order, chars, starts } = this;
    const { shared, nextShorter } = this.sortedNeighbours();
    const columns = query.length + 1;
    const tooFar = maxEdits + 1;
    // No term longer than this is within reach.
    const deepest = query.length + maxEdits;
    const codes = new Uint16Array(query.length);
    putChars(query, codes, 0);
    const rows = new Uint8Array((deepest + 1) * columns).fill(tooFar);
    for (let c = 0; c < columns; c++) rows[c] = Math.min(c, tooFar);
    for (let depth = 1; depth <= deepest; depth++) rows[depth * columns] = Math.min(depth, tooFar);

    // Rows 0 … `valid` belong to the first `valid` code units of the term visited last.
    let valid = 0;
    let at = 0;
    while (at < order.length) {
      const start = starts[at]!;
      const length = starts[at + 1]! - start;
      let depth = Math.min(shared[at]!, valid);
      let dead = false;
      while (depth < length) {
        if (depth === deepest) {
          dead = true;
          break;
        }
        depth++;
        const row = depth * columns;
        const above = row - columns;
        const char = chars[start + depth - 1]!;
        let least = rows[row]!;
        const last = Math.min(columns - 1, depth + maxEdits);
        for (let c = Math.max(1, depth - maxEdits); c <= last; c++) {
          const replace = rows[above + c - 1]! + (char === codes[c - 1] ? 0 : 1);
          const remove = rows[above + c]! + 1;
          const insert = rows[row + c - 1]! + 1;
          let cell = replace < remove ? replace : remove;
          if (insert < cell) cell = insert;
          if (cell > tooFar) cell = tooFar;
          rows[row + c] = cell;
          if (cell < least) least = cell;
        }
        if (least > maxEdits) {
          dead = true;
          break;
        }
      }
      valid = depth;
      if (dead) {
        // Every later term under these `depth` code units is out of reach too: as far off, or longer than
        // `deepest` (the prefix itself, if a term, sorts before the terms it begins). The terms between a
        // position and its `nextShorter` share at least as much, so they are skipped in a few jumps.
        at++;
        while (at < order.length && shared[at]! >= depth) at = nextShorter[at]!;
        continue;
      }
      const distance = rows[depth * columns + columns - 1]!;
      if (distance <= maxEdits) {
        const termId = order[at]!;
        found.set(this.terms[termId]!, [termId, distance]);
      }
      at++;
    }
  }
}

/** How neighbouring sorted terms share prefixes, which lets a fuzzy search skip all terms under a prefix. */
interface Neighbours {
  /** `shared[i]`: how many code units term `i` shares with term `i - 1` (at most {@link MAX_SHARED}). */
  shared: Uint8Array;
  /** `nextShorter[i]`: the first position after `i` that shares less than `shared[i]` with its predecessor. */
  nextShorter: Int32Array;
}

/** Orders strings by UTF-16 code unit, as `<` does and as minisearch's tree does. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes the code units of `text` into `into` from `at`; returns the position after them. */
function putChars(text: string, into: Uint16Array, at: number): number {
  for (let i = 0; i < text.length; i++) into[at++] = text.charCodeAt(i);
  return at;
}
