import { runSteps, runStepsYielding, type Steps } from '../util/steps.ts';
import { tokenize } from './tokenize.ts';
import { topK } from './top-k.ts';
import { DeltaPostings } from './delta-postings.ts';
import { localOffsets, roomyArrays, SEGMENT_POSTINGS, SEGMENT_TERMS, segmentOf, segmentRanges, viewSegments, type PostingSegment, type SegmentRange } from './posting-segments.ts';
import { Vocabulary } from './vocabulary.ts';
import {
  FIELD_BOOSTS,
  FACETS,
  FieldBit,
  IndexBuilder,
  NO_COUNT,
  NO_TIME,
  facetValues,
  fieldBits,
  fieldTerms,
  idf,
  impactOf,
  type FacetColumns,
  type IndexSnapshot,
  type IndexableDoc,
  type PostingColumn,
  type SegmentedSnapshot,
  type StreamedSnapshot,
} from './postings.ts';

export { FIELD_BOOSTS, FieldBit, type IndexSnapshot, type IndexableDoc } from './postings.ts';

/** What ranking knows of a paper without reading it: its facets, as numbers (absent when unknown). */
export interface PaperFacts {
  id: string;
  /** When the paper entered the conversation (featured, else published), ms since the epoch. */
  referenceMs?: number;
  upvotes?: number;
  comments?: number;
  githubStars?: number;
  bundledRank?: number;
}

/** How a query's words are expanded before scoring. The defaults are the measured best (`npm run bench`). */
export interface QueryPlan {
  /** Words of a query beyond this are ignored; at most {@link MAX_SEARCH_WORDS}. */
  maxTerms: number;
  /** Typo tolerance starts at this word length (one edit), */
  fuzzyMinLength: number;
  /** and allows two edits from this length. */
  fuzzyTwoEditsLength: number;
  /** The most spelling variants one word may expand to (the closest, then the most frequent, win). */
  maxFuzzyExpansions: number;
  /** An exact term at most this frequent may itself be a typo, so its neighbours are searched too; a
   *  more common exact term is trusted as typed (exact first, fuzzy as the fallback). */
  rareExactDf: number;
  /** Prefix matching applies to the last word only (`last`: the user is still typing it) or to all. */
  prefixWords: 'last' | 'all';
  /** Prefix matching starts at this word length, */
  prefixMinLength: number;
  /** with at most this many completions (the most frequent win). */
  maxPrefixExpansions: number;
}

/** The query plan in use unless a bench run changes it. */
export const DEFAULT_QUERY_PLAN: Readonly<QueryPlan> = {
  maxTerms: 12,
  fuzzyMinLength: 4,
  fuzzyTwoEditsLength: 6,
  maxFuzzyExpansions: 8,
  rareExactDf: 2,
  prefixWords: 'last',
  prefixMinLength: 3,
  maxPrefixExpansions: 24,
};

/** At most this many postings are counted between pauses of a save's counting pass, */
const POSTINGS_PER_SLICE = 2_000_000;
/** and a slice ends sooner when it has taken this long (measured every few thousand postings). */
const SLICE_MS = 8;
const POSTINGS_PER_CLOCK_READ = 16_384;
/** Postings per piece when an index is written without compacting (a few milliseconds of work each). */
const PIECE_POSTINGS = 262_144;

/*
 * How much a query word's match counts, by how it matched: the word itself fully; a completion of the last
 * word (`quantiz` → quantization) three quarters, since the user may mean another completion; a spelling
 * variant by its edit distance (one edit 0.6, two 0.4; a swapped pair of letters counts as one edit), so an
 * exact match outranks a typo match of equal BM25 weight. Measured with `npm run bench` (relevance checks).
 */
const WEIGHT_EXACT = 1;
const WEIGHT_PREFIX = 0.75;
const WEIGHT_FUZZY = { 1: 0.6, 2: 0.4 } as const;
/** Query words a search scores at most: each is one bit of a document's match mask, a Uint32. */
export const MAX_SEARCH_WORDS = 32;

/** Filters applied to search results. */
export interface SearchFilters {
  /** Only papers published on or after this instant. */
  since?: Date;
  /** Only papers with an author whose name contains all of these words. */
  author?: string;
  /** Only papers with at least this many upvotes. */
  minUpvotes?: number;
  /** Only these papers (by id). */
  ids?: readonly string[];
}

/** How to order results: relevance, newest first, or by a caller-supplied key of a paper's facts (higher first). */
export type SearchOrder = { by: 'relevance' } | { by: 'newest' } | { by: 'key'; key: (facts: PaperFacts) => number };

/** One search request. */
export interface SearchRequest {
  text: string;
  filters?: SearchFilters;
  order?: SearchOrder;
  offset?: number;
  limit?: number;
}

/** One ranked result. */
export interface SearchHit {
  id: string;
  /** Relevance (BM25 over weighted fields, with typo and prefix matches discounted). */
  score: number;
  /** How many of the query's words this paper matched. */
  matchedWords: number;
}

/** A page of results, with the total so callers can page on. */
export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** Query words that were searched (after stop words). */
  words: string[];
  /** Query words that matched nothing, not even with a typo allowance. */
  unmatchedWords: string[];
  /** How many postings were scanned: the work the query cost. */
  postingsScanned: number;
}

interface Expansion {
  termId: number;
  weight: number;
}

/**
 * A full-text index over papers, built for 100k+ documents: one posting list per term with a
 * precomputed, field-weighted BM25 impact per document (compact typed arrays), a sorted vocabulary for
 * typo and prefix expansion (loaded as saved: see {@link Vocabulary}), and score-at-a-time evaluation
 * into dense accumulators. Updates go to a small delta segment; `compact()` folds it in.
 */
export class PaperIndex {
  private vocabulary: Vocabulary;
  private terms: string[];
  private df: Int32Array;
  /** The main postings, in term order (see {@link PostingSegment}). */
  private segments: PostingSegment[];
  /** Postings added since the last compaction (compaction folds them into the segments). */
  private delta = new DeltaPostings();
  private docIds: string[];
  private docNoById = new Map<string, number>();
  private alive: Uint8Array;
  private facets: FacetColumns;
  private avgFieldLength: Float64Array;
  private liveCount = 0;
  private expansionCache = new Map<string, Expansion[]>();
  /** Bumped by every change, so work that paused (writing the index) can tell whether it is still current. */
  private version = 0;
  private plan: QueryPlan = { ...DEFAULT_QUERY_PLAN };
  // Scratch space for queries, sized to the document capacity.
  private accumulator = new Float64Array(0);
  private groupBest = new Float64Array(0);
  private matchMask = new Uint32Array(0);
  private stamp = new Uint32Array(0);
  private epoch = 0;
  private groupTouched = new Int32Array(0);
  private allTouched = new Int32Array(0);

  private constructor(snapshot: IndexSnapshot | SegmentedSnapshot) {
    this.terms = snapshot.terms;
    this.df = snapshot.df;
    this.segments = 'segments' in snapshot
      ? snapshot.segments
      : viewSegments(snapshot.offsets, snapshot.postingDocs, snapshot.postingImpacts, snapshot.postingFields);
    this.docIds = snapshot.docIds;
    this.alive = snapshot.alive;
    this.facets = {
      publishedMinute: snapshot.publishedMinute,
      referenceMinute: snapshot.referenceMinute,
      upvotes: snapshot.upvotes,
      comments: snapshot.comments,
      githubStars: snapshot.githubStars,
      bundledRank: snapshot.bundledRank,
    };
    this.avgFieldLength = snapshot.avgFieldLength;
    this.vocabulary = new Vocabulary(this.terms, snapshot);
    for (let d = 0; d < this.docIds.length; d++) {
      if (this.alive[d]) {
        this.docNoById.set(this.docIds[d]!, d);
        this.liveCount++;
      }
    }
    this.ensureScratch(this.docIds.length);
  }

  /** Builds an index over `docs` in one go (blocks; see {@link PaperIndex.buildAsync}). */
  static build(docs: Iterable<IndexableDoc>): PaperIndex {
    const builder = new IndexBuilder();
    for (const doc of docs) builder.add(doc);
    return new PaperIndex(builder.finish());
  }

  /**
   * Builds an index without stalling the event loop: yields every `chunk` documents so a running bot
   * keeps answering while a large corpus is indexed.
   */
  static async buildAsync(docs: readonly IndexableDoc[], chunk = 250): Promise<PaperIndex> {
    const builder = new IndexBuilder();
    function* steps(): Steps<PaperIndex> {
      for (let i = 0; i < docs.length; i++) {
        builder.add(docs[i]!);
        if (i % chunk === chunk - 1) yield;
      }
      return new PaperIndex(builder.finish());
    }
    return runStepsYielding(steps());
  }

  /** Restores an index from its persisted form (its postings as one layout, or cut into segments). */
  static fromSnapshot(snapshot: IndexSnapshot | SegmentedSnapshot): PaperIndex {
    return new PaperIndex(snapshot);
  }

  /** Number of documents currently searchable. */
  get size(): number {
    return this.liveCount;
  }

  /**
   * Postings added since the last compaction: the work a compaction would fold in. (After a compaction that
   * postings arrived during, until the next one, it also counts those already folded in.)
   */
  get pendingPostings(): number {
    return this.delta.count;
  }

  /** Postings in the main segments, removed papers' included until a compaction drops them. */
  get mainPostings(): number {
    let postings = 0;
    for (const segment of this.segments) postings += segment.offsets[segment.offsets.length - 1]!;
    return postings;
  }

  /** Number of distinct terms. */
  get termCount(): number {
    return this.terms.length;
  }

  /** Whether a document with this id is indexed. */
  has(id: string): boolean {
    return this.docNoById.has(id);
  }

  /** Ids of all searchable documents, in indexing order. */
  ids(): string[] {
    return [...this.docNoById.keys()];
  }

  /**
   * Adds a document or replaces the one with the same id. When only the facets changed (upvotes, date),
   * the postings stay; when the text changed, the old version is tombstoned and the new one appended.
   */
  upsert(doc: IndexableDoc, textChanged = true): void {
    this.version++;
    const existing = this.docNoById.get(doc.id);
    if (existing !== undefined && !textChanged) {
      this.setFacets(existing, doc);
      return;
    }
    if (existing !== undefined) this.remove(doc.id);
    const docNo = this.docIds.length;
    this.docIds.push(doc.id);
    this.ensureScratch(docNo + 1);
    this.alive[docNo] = 1;
    this.setFacets(docNo, doc);
    this.docNoById.set(doc.id, docNo);
    this.liveCount++;
    const { packed, lengths } = fieldTerms(doc);
    for (const [term, tfs] of packed) {
      let termId = this.vocabulary.get(term);
      if (termId === undefined) {
        termId = this.terms.length;
        this.terms.push(term);
        this.vocabulary.add(term, termId);
        this.expansionCache.clear();
      }
      if (termId >= this.df.length) this.df = grown(this.df, termId + 1);
      this.df[termId]!++;
      this.delta.add(termId, docNo, impactOf(tfs, lengths, this.avgFieldLength), fieldBits(tfs));
    }
  }

  /**
   * Removes a document; its postings are skipped from now on and dropped by the next compaction. Document
   * frequencies (and so idf) still count it until then, or until the next save: a few removals barely move
   * scores.
   */
  remove(id: string): boolean {
    const docNo = this.docNoById.get(id);
    if (docNo === undefined) return false;
    this.version++;
    this.alive[docNo] = 0;
    this.docNoById.delete(id);
    this.liveCount--;
    return true;
  }

  /** Folds the delta into the main postings and drops removed documents' postings (blocks; see {@link compactYielding}). */
  compact(): void {
    runSteps(this.compactSteps());
  }

  /**
   * {@link compact} while searches go on: one segment at a time, each in one short turn and in place when its
   * new postings fit, so neither a copy of the whole index nor a long pause is ever made. Changes made during
   * a pause are safe: a segment already rewritten keeps finding its newer postings in the delta.
   */
  compactYielding(): Promise<void> {
    return runStepsYielding(this.compactSteps());
  }

  private *compactSteps(): Steps<void> {
    const deltaAtStart = this.delta.count;
    const scratch: Scratch = {};
    // One segment a turn (a few milliseconds each).
    for (let s = 0; s < this.segments.length; s++) {
      const rewritten = this.compactSegment(this.segments[s]!, scratch);
      this.segments.splice(s, 1, ...rewritten);
      s += rewritten.length - 1;
      yield;
    }
    // Terms newer than every segment have postings only in the delta: the last segment takes them in while it is
    // small, else they become segments of their own.
    const last = this.segments.at(-1);
    const firstNew = last ? last.firstTerm + last.offsets.length - 1 : 0;
    const newTerms = this.terms.length - firstNew;
    if (newTerms > 0 && last && last.offsets[last.offsets.length - 1]! < SEGMENT_POSTINGS && last.offsets.length - 1 + newTerms <= 2 * SEGMENT_TERMS) {
      const offsets = new Int32Array(last.offsets.length + newTerms);
      offsets.set(last.offsets);
      offsets.fill(last.offsets[last.offsets.length - 1]!, last.offsets.length);
      this.segments.splice(-1, 1, ...this.compactSegment({ ...last, offsets }, scratch));
    } else if (newTerms > 0) {
      const empty: PostingSegment = { firstTerm: firstNew, offsets: new Int32Array(newTerms + 1), ...roomyArrays(0), borrowed: false };
      this.segments.push(...this.compactSegment(empty, scratch));
    }
    yield;
    const sorted = yield* this.vocabulary.sortedSteps();
    this.vocabulary = new Vocabulary(this.terms, sorted);
    this.expansionCache.clear();
    // Every chain was emptied as its segment was rewritten, unless postings arrived during a pause.
    if (this.delta.count === deltaAtStart) this.delta.clear();
  }

  /**
   * A segment's live postings, main then delta, term by term: rewritten in place when they fit its arrays,
   * else in new roomy arrays (cut in two or more segments when they have grown past twice the usual size). The
   * terms' delta chains are emptied and their document frequencies become their live counts. One pass, one turn.
   */
  private compactSegment(segment: PostingSegment, scratch: Scratch): PostingSegment[] {
    const termCount = segment.offsets.length - 1;
    const delta = this.delta;
    // At most this many: postings of removed papers are left out as they are met.
    let most = segment.offsets[termCount]!;
    for (let local = 0; local < termCount; local++) most += delta.length(segment.firstTerm + local);
    const inPlace = !segment.borrowed && most <= segment.docs.length && most <= 2 * SEGMENT_POSTINGS && termCount <= 2 * SEGMENT_TERMS;
    const target = inPlace ? scratchOf(scratch, most) : roomyArrays(most);
    const offsets = new Int32Array(termCount + 1);
    let w = 0;
    for (let local = 0; local < termCount; local++) {
      const t = segment.firstTerm + local;
      for (let i = segment.offsets[local]!; i < segment.offsets[local + 1]!; i++) {
        const d = segment.docs[i]!;
        if (!this.alive[d]) continue;
        target.docs[w] = d; target.impacts[w] = segment.impacts[i]!; target.fields[w] = segment.fields[i]!; w++;
      }
      for (let p = delta.first(t); p !== -1; p = delta.next[p]!) {
        const d = delta.docs[p]!;
        if (!this.alive[d]) continue;
        target.docs[w] = d; target.impacts[w] = delta.impacts[p]!; target.fields[w] = delta.fields[p]!; w++;
      }
      delta.forget(t);
      offsets[local + 1] = w;
      if (t < this.df.length) this.df[t] = w - offsets[local]!;
    }
    if (inPlace) {
      segment.docs.set(target.docs.subarray(0, w));
      segment.impacts.set(target.impacts.subarray(0, w));
      segment.fields.set(target.fields.subarray(0, w));
      segment.offsets = offsets;
      return [segment];
    }
    if ((w <= 2 * SEGMENT_POSTINGS && termCount <= 2 * SEGMENT_TERMS) || termCount === 1) return [{ firstTerm: segment.firstTerm, offsets, ...target, borrowed: false }];
    return segmentRanges(offsets).map((range) => ({
      firstTerm: segment.firstTerm + range.firstTerm,
      offsets: localOffsets(offsets, range),
      ...copyRange(target, range),
      borrowed: false,
    }));
  }

  /** The persisted form: every live posting in one term-ordered layout (blocks; for tools and tests). */
  snapshot(): IndexSnapshot {
    const { postingCount, postingPieces, ...rest } = runSteps(this.streamedSnapshotSteps());
    const collect = <T extends Int32Array | Float32Array | Uint8Array>(column: PostingColumn, array: T): T => {
      const bytes = new Uint8Array(array.buffer);
      let at = 0;
      for (const piece of postingPieces(column)) {
        bytes.set(piece, at);
        at += piece.byteLength;
      }
      return array;
    };
    return {
      ...rest,
      postingDocs: collect('postingDocs', new Int32Array(postingCount)),
      postingImpacts: collect('postingImpacts', new Float32Array(postingCount)),
      postingFields: collect('postingFields', new Uint8Array(postingCount)),
    };
  }

  /**
   * The persisted form without compacting: what {@link snapshot} would give, but the postings are produced
   * column by column in pieces of `piecePostings` while the file is written (main segment and delta merged
   * term by term, removed documents left out), so no second copy of every posting is ever made and the index
   * keeps its delta; its document frequencies become the live counts and its new terms are sorted in, as a
   * compaction does. Pauses while it counts postings. The postings must stay unchanged until their last piece
   * is written: a piece asked for after a change throws. (The per-document columns are copies, a few bytes a
   * paper.)
   */
  *streamedSnapshotSteps(piecePostings = PIECE_POSTINGS): Steps<StreamedSnapshot> {
    const version = this.version;
    const counts = yield* this.liveCountsSteps();
    this.assertUnchanged(version);
    // As after a compaction, removed papers stop counting in document frequencies (and so in idf).
    this.df = counts.slice();
    this.expansionCache.clear();
    const offsets = offsetsOf(counts);
    const sorted = yield* this.vocabulary.sortedSteps();
    // The terms added since the last save move from the vocabulary's tree into its sorted arrays.
    this.vocabulary = new Vocabulary(this.terms, sorted);
    const documents = this.docIds.length;
    const postingCount = offsets[counts.length]!;
    const pieces = (column: PostingColumn): Iterable<Uint8Array> => this.postingPieces(column, counts.length, Math.min(piecePostings, postingCount), version);
    return {
      terms: this.terms,
      ...sorted,
      df: counts,
      offsets,
      postingCount,
      postingPieces: pieces,
      docIds: this.docIds,
      alive: this.alive.slice(0, documents),
      publishedMinute: this.facets.publishedMinute.slice(0, documents),
      referenceMinute: this.facets.referenceMinute.slice(0, documents),
      upvotes: this.facets.upvotes.slice(0, documents),
      comments: this.facets.comments.slice(0, documents),
      githubStars: this.facets.githubStars.slice(0, documents),
      bundledRank: this.facets.bundledRank.slice(0, documents),
      avgFieldLength: this.avgFieldLength,
    };
  }

  /** One posting column of the first `termCount` terms' live postings, in pieces of one reused array. */
  private *postingPieces(column: PostingColumn, termCount: number, pieceLength: number, version: number): Generator<Uint8Array, void, void> {
    const columnOf = (arrays: Pick<PostingSegment, 'docs' | 'impacts' | 'fields'>): Int32Array | Float32Array | Uint8Array =>
      column === 'postingDocs' ? arrays.docs : column === 'postingImpacts' ? arrays.impacts : arrays.fields;
    const extra = columnOf(this.delta);
    const piece = new (columnOf(this.delta).constructor as new (length: number) => Int32Array | Float32Array | Uint8Array)(pieceLength);
    const bytes = (length: number): Uint8Array => new Uint8Array(piece.buffer, 0, length * piece.BYTES_PER_ELEMENT);
    const delta = this.delta;
    let filled = 0;
    this.assertUnchanged(version);
    for (let t = 0; t < termCount; t++) {
      // Runs of rare terms fill a piece slowly: a piece also ends every SEGMENT_TERMS terms.
      if (t % SEGMENT_TERMS === SEGMENT_TERMS - 1 && filled > 0) { yield bytes(filled); this.assertUnchanged(version); filled = 0; }
      const segment = segmentOf(this.segments, t);
      if (segment) {
        const main = columnOf(segment);
        const local = t - segment.firstTerm;
        for (let i = segment.offsets[local]!; i < segment.offsets[local + 1]!; i++) {
          if (!this.alive[segment.docs[i]!]) continue;
          piece[filled++] = main[i]!;
          if (filled === pieceLength) { yield bytes(filled); this.assertUnchanged(version); filled = 0; }
        }
      }
      for (let p = delta.first(t); p !== -1; p = delta.next[p]!) {
        if (!this.alive[delta.docs[p]!]) continue;
        piece[filled++] = extra[p]!;
        if (filled === pieceLength) { yield bytes(filled); this.assertUnchanged(version); filled = 0; }
      }
    }
    if (filled > 0) yield bytes(filled);
  }

  private assertUnchanged(version: number): void {
    if (this.version !== version) throw new Error('the index changed while it was being written');
  }

  /** How many live postings each term has, main segment and delta: the document frequencies once compacted. */
  private *liveCountsSteps(): Steps<Int32Array> {
    const slices = new PostingSlices();
    const counts = new Int32Array(this.terms.length);
    const delta = this.delta;
    for (let t = 0; t < counts.length; t++) {
      const segment = segmentOf(this.segments, t);
      let count = 0;
      let main = 0;
      if (segment) {
        const local = t - segment.firstTerm;
        for (let i = segment.offsets[local]!; i < segment.offsets[local + 1]!; i++, main++) if (this.alive[segment.docs[i]!]) count++;
      }
      let extra = 0;
      for (let p = delta.first(t); p !== -1; p = delta.next[p]!, extra++) if (this.alive[delta.docs[p]!]) count++;
      counts[t] = count;
      // A term costs a little even without postings: counted as one more.
      if (slices.due(main + extra + 1)) yield;
    }
    return counts;
  }

  /**
   * The facts of every searchable paper that entered the conversation at or after `fromMs`, and of every
   * undated one: what a trending window ranks, read from the facet columns (a scan of typed arrays).
   */
  factsSince(fromMs: number): { dated: PaperFacts[]; undated: PaperFacts[] } {
    const fromMinute = Math.floor(fromMs / 60_000);
    const dated: PaperFacts[] = [];
    const undated: PaperFacts[] = [];
    const reference = this.facets.referenceMinute;
    for (let d = 0; d < this.docIds.length; d++) {
      if (!this.alive[d]) continue;
      const minute = reference[d]!;
      if (minute === NO_TIME) undated.push(this.factsOf(d));
      else if (minute >= fromMinute) dated.push(this.factsOf(d));
    }
    return { dated, undated };
  }

  /** The facts of one searchable paper. */
  facts(id: string): PaperFacts | undefined {
    const docNo = this.docNoById.get(id);
    return docNo === undefined ? undefined : this.factsOf(docNo);
  }

  private factsOf(doc: number): PaperFacts {
    const f = this.facets;
    const facts: PaperFacts = { id: this.docIds[doc]! };
    if (f.referenceMinute[doc] !== NO_TIME) facts.referenceMs = f.referenceMinute[doc]! * 60_000;
    if (f.upvotes[doc] !== NO_COUNT) facts.upvotes = f.upvotes[doc]!;
    if (f.comments[doc] !== NO_COUNT) facts.comments = f.comments[doc]!;
    if (f.githubStars[doc] !== NO_COUNT) facts.githubStars = f.githubStars[doc]!;
    if (f.bundledRank[doc] !== NO_COUNT) facts.bundledRank = f.bundledRank[doc]!;
    return facts;
  }

  private setFacets(docNo: number, doc: IndexableDoc): void {
    const values = facetValues(doc);
    for (const facet of FACETS) this.facets[facet][docNo] = values[facet];
  }

  /** Changes how queries are expanded (for benchmarking alternatives); clears the expansion cache. */
  configureQueries(plan: Partial<QueryPlan>): void {
    if (plan.maxTerms !== undefined && (plan.maxTerms < 1 || plan.maxTerms > MAX_SEARCH_WORDS)) throw new RangeError(`maxTerms must be 1 to ${MAX_SEARCH_WORDS}`);
    this.plan = { ...DEFAULT_QUERY_PLAN, ...plan };
    this.expansionCache.clear();
  }

  /** Full-text search with typo tolerance, prefix matching on the last word, filters, order and paging. */
  search(request: SearchRequest): SearchPage {
    const words = [...new Set(tokenize(request.text))].slice(0, this.plan.maxTerms);
    const groups: Expansion[][] = [];
    const unmatchedWords: string[] = [];
    words.forEach((word, i) => {
      const expansions = this.expand(word, i === words.length - 1);
      if (expansions.length === 0) unmatchedWords.push(word);
      else groups.push(expansions);
    });
    const allowed = this.filterFn(request.filters ?? {});
    const offset = Math.max(0, request.offset ?? 0);
    const limit = Math.max(0, request.limit ?? 10);
    const order = request.order ?? { by: 'relevance' };

    if (words.length === 0) return this.browse(allowed, order, offset, limit);
    if (groups.length === 0) return { hits: [], total: 0, words, unmatchedWords, postingsScanned: 0 };

    const epoch = this.nextEpoch();
    let touched = 0;
    let scanned = 0;
    groups.forEach((expansions, g) => {
      let groupTouched = 0;
      for (const { termId, weight } of expansions) {
        const w = weight * idf(this.df[termId]!, this.liveCount);
        // A word's score in a document is its best-matching expansion's, not their sum.
        scanned += this.forEachPosting(termId, (doc, impact) => {
          const c = w * impact;
          const best = this.groupBest[doc]!;
          if (best === 0) this.groupTouched[groupTouched++] = doc;
          if (c > best) this.groupBest[doc] = c;
        });
      }
      const bit = 1 << g;
      for (let j = 0; j < groupTouched; j++) {
        const doc = this.groupTouched[j]!;
        if (this.stamp[doc] !== epoch) {
          this.stamp[doc] = epoch;
          this.accumulator[doc] = 0;
          this.matchMask[doc] = 0;
          this.allTouched[touched++] = doc;
        }
        this.accumulator[doc]! += this.groupBest[doc]!;
        this.matchMask[doc]! |= bit;
        this.groupBest[doc] = 0;
      }
    });

    // AND first: keep the documents that matched the most query words; everything else ranks below.
    let bestMatch = 0;
    let kept = 0;
    const candidates = this.groupTouched; // reuse as output buffer
    for (let j = 0; j < touched; j++) {
      const doc = this.allTouched[j]!;
      if (!this.alive[doc] || !allowed(doc)) continue;
      const matched = popcount(this.matchMask[doc]!);
      if (matched < bestMatch) continue;
      if (matched > bestMatch) { bestMatch = matched; kept = 0; }
      candidates[kept++] = doc;
    }
    const relevance = (doc: number): number => this.accumulator[doc]!;
    const primary = this.orderKey(order) ?? relevance;
    const chosen = topK(candidates, kept, offset + limit, primary, relevance).slice(offset);
    return {
      hits: chosen.map((doc) => ({ id: this.docIds[doc]!, score: this.accumulator[doc]!, matchedWords: bestMatch })),
      total: kept,
      words,
      unmatchedWords,
      postingsScanned: scanned,
    };
  }

  /**
   * Papers most like the given text ("more like this"): its rarest informative terms, chosen by tf·idf
   * and bounded in number, scored with the same impacts. Very common terms never drive the candidates.
   */
  related(doc: Pick<IndexableDoc, 'id' | 'title' | 'keywords' | 'abstract'>, limit = 5, maxTerms = 14): SearchHit[] {
    // A term only this paper has cannot lead to another paper.
    const chosen = this.weightedTerms(doc, maxTerms, 2);
    const self = this.docNoById.get(doc.id);
    const epoch = this.nextEpoch();
    let touched = 0;
    for (const [termId, weight] of chosen) {
      this.forEachPosting(termId, (d, impact) => {
        if (this.stamp[d] !== epoch) {
          this.stamp[d] = epoch;
          this.accumulator[d] = 0;
          this.matchMask[d] = 0;
          this.allTouched[touched++] = d;
        }
        this.accumulator[d]! += weight * impact;
        this.matchMask[d]!++;
      });
    }
    // A paper sharing a single term is not "related": require two shared terms when there are candidates with two.
    let kept = 0;
    const candidates = this.groupTouched;
    for (let j = 0; j < touched; j++) {
      const d = this.allTouched[j]!;
      if (d === self || !this.alive[d] || this.matchMask[d]! < 2) continue;
      candidates[kept++] = d;
    }
    const score = (d: number): number => this.accumulator[d]!;
    return topK(candidates, kept, limit, score, () => 0).map((d) => ({
      id: this.docIds[d]!,
      score: this.accumulator[d]!,
      matchedWords: this.matchMask[d]!,
    }));
  }

  /** The BM25 idf of a term in this corpus (0 when no paper has it); lets other rankers weigh words alike. */
  idfOf(term: string): number {
    const termId = this.vocabulary.get(term);
    return termId === undefined || this.df[termId] === 0 ? 0 : idf(this.df[termId]!, this.liveCount);
  }

  /**
   * The terms that best characterize a paper: tf·idf over its title (×3), key terms (×2) and abstract,
   * leaving out terms in more than 8% of papers and terms in fewer than `minDf`. Highest weight first.
   */
  informativeTerms(doc: Pick<IndexableDoc, 'title' | 'keywords' | 'abstract'>, max: number, minDf = 1): string[] {
    return this.weightedTerms(doc, max, minDf).map(([termId]) => this.terms[termId]!);
  }

  private weightedTerms(doc: Pick<IndexableDoc, 'title' | 'keywords' | 'abstract'>, max: number, minDf: number): [number, number][] {
    const weights = new Map<number, number>();
    const add = (text: string, boost: number): void => {
      for (const term of tokenize(text)) {
        const termId = this.vocabulary.get(term);
        if (termId === undefined) continue;
        const df = this.df[termId]!;
        if (df < minDf || df > Math.max(2, this.liveCount * 0.08)) continue;
        weights.set(termId, (weights.get(termId) ?? 0) + boost * idf(df, this.liveCount));
      }
    };
    add(doc.title, FIELD_BOOSTS.title);
    add(doc.keywords.join(' '), FIELD_BOOSTS.keywords);
    add(doc.abstract, FIELD_BOOSTS.abstract);
    return [...weights].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, max);
  }

  /** The exact, prefix and typo-tolerant terms one query word stands for (cached per vocabulary). */
  private expand(word: string, isLast: boolean): Expansion[] {
    const cacheKey = `${isLast ? '>' : '='}${word}`;
    const cached = this.expansionCache.get(cacheKey);
    if (cached) return cached;
    const best = new Map<number, number>();
    const offer = (termId: number, weight: number): void => {
      if ((best.get(termId) ?? 0) < weight) best.set(termId, weight);
    };
    const exact = this.vocabulary.get(word);
    if (exact !== undefined) offer(exact, WEIGHT_EXACT);
    if ((isLast || this.plan.prefixWords === 'all') && word.length >= this.plan.prefixMinLength) {
      const completions: [number, number][] = [];
      for (const [term, termId] of this.vocabulary.atPrefix(word)) {
        if (term !== word) completions.push([termId, this.df[termId]!]);
      }
      // Ties go to the older term, so the vocabulary's internal order never decides.
      completions.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      for (const [termId] of completions.slice(0, this.plan.maxPrefixExpansions)) offer(termId, WEIGHT_PREFIX);
    }
    const exactIsRare = exact === undefined || this.df[exact]! <= this.plan.rareExactDf;
    if (word.length >= this.plan.fuzzyMinLength && exactIsRare && !/^\d+$/.test(word)) {
      const edits = word.length >= this.plan.fuzzyTwoEditsLength ? 2 : 1;
      const variants = [...this.vocabulary.fuzzyGet(word, edits)]
        .filter(([term]) => term !== word)
        .map(([, [termId, distance]]) => ({ termId, distance }))
        .sort((a, b) => a.distance - b.distance || this.df[b.termId]! - this.df[a.termId]! || a.termId - b.termId)
        .slice(0, this.plan.maxFuzzyExpansions);
      // Variants are at most `edits` (≤ 2) away and never the word itself: distance is 1 or 2.
      for (const { termId, distance } of variants) offer(termId, WEIGHT_FUZZY[distance as 1 | 2]);
      // Swapped neighbours ("cahce") are one slip of the fingers but two Levenshtein edits: look them up too.
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === word[i + 1]) continue;
        const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
        const termId = this.vocabulary.get(swapped);
        if (termId !== undefined) offer(termId, WEIGHT_FUZZY[1]);
      }
    }
    const expansions = [...best].map(([termId, weight]) => ({ termId, weight }));
    if (this.expansionCache.size > 20_000) this.expansionCache.clear();
    this.expansionCache.set(cacheKey, expansions);
    return expansions;
  }

  /** Results without query words (filters only): all allowed papers, newest first unless ordered otherwise. */
  private browse(allowed: (doc: number) => boolean, order: SearchOrder, offset: number, limit: number): SearchPage {
    const candidates = this.groupTouched;
    let kept = 0;
    for (let d = 0; d < this.docIds.length; d++) if (this.alive[d] && allowed(d)) candidates[kept++] = d;
    const primary = this.orderKey(order.by === 'relevance' ? { by: 'newest' } : order)!;
    const chosen = topK(candidates, kept, offset + limit, primary, (d) => -d).slice(offset);
    return {
      hits: chosen.map((d) => ({ id: this.docIds[d]!, score: 0, matchedWords: 0 })),
      total: kept,
      words: [],
      unmatchedWords: [],
      postingsScanned: 0,
    };
  }

  private orderKey(order: SearchOrder): ((doc: number) => number) | undefined {
    if (order.by === 'newest') return (doc) => this.facets.publishedMinute[doc]!;
    if (order.by === 'key') return (doc) => order.key(this.factsOf(doc));
    return undefined;
  }

  private filterFn(filters: SearchFilters): (doc: number) => boolean {
    const checks: ((doc: number) => boolean)[] = [];
    if (filters.since) {
      const minute = Math.floor(filters.since.getTime() / 60_000);
      checks.push((doc) => this.facets.publishedMinute[doc] !== NO_TIME && this.facets.publishedMinute[doc]! >= minute);
    }
    if (filters.minUpvotes !== undefined) {
      const min = filters.minUpvotes;
      checks.push((doc) => this.facets.upvotes[doc]! >= min);
    }
    if (filters.ids !== undefined) {
      const docs = new Set(filters.ids.flatMap((id) => this.docNoById.get(id) ?? []));
      checks.push((doc) => docs.has(doc));
    }
    if (filters.author !== undefined) {
      const authorDocs = this.authorDocs(filters.author);
      checks.push((doc) => authorDocs.has(doc));
    }
    return (doc) => checks.every((check) => check(doc));
  }

  /** Documents whose authors field holds every word of `name` (a surname prefix works: `hint` → Hinton). */
  private authorDocs(name: string): Set<number> {
    let result: Set<number> | undefined;
    const words = tokenize(name);
    words.forEach((word, i) => {
      const termIds: number[] = [];
      const exact = this.vocabulary.get(word);
      if (exact !== undefined) termIds.push(exact);
      if (i === words.length - 1 && word.length >= DEFAULT_QUERY_PLAN.prefixMinLength) {
        for (const [term, termId] of this.vocabulary.atPrefix(word)) if (term !== word) termIds.push(termId);
      }
      const docs = new Set<number>();
      for (const termId of termIds) {
        this.forEachPosting(termId, (doc, _impact, fields) => {
          if (fields & FieldBit.authors) docs.add(doc);
        });
      }
      result = result ? new Set([...result].filter((d) => docs.has(d))) : docs;
    });
    return result ?? new Set();
  }

  /** Calls `visit` for every posting of a term, main segment then delta; returns how many there were. */
  private forEachPosting(termId: number, visit: (doc: number, impact: number, fields: number) => void): number {
    const segment = segmentOf(this.segments, termId);
    let start = 0;
    let end = 0;
    if (segment) {
      start = segment.offsets[termId - segment.firstTerm]!;
      end = segment.offsets[termId - segment.firstTerm + 1]!;
      const { docs, impacts, fields } = segment;
      for (let i = start; i < end; i++) visit(docs[i]!, impacts[i]!, fields[i]!);
    }
    const delta = this.delta;
    let extra = 0;
    for (let p = delta.first(termId); p !== -1; p = delta.next[p]!, extra++) visit(delta.docs[p]!, delta.impacts[p]!, delta.fields[p]!);
    return end - start + extra;
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  private ensureScratch(docCapacity: number): void {
    if (this.accumulator.length >= docCapacity && this.alive.length >= docCapacity) return;
    const capacity = Math.max(docCapacity, Math.ceil(this.accumulator.length * 1.5), 64);
    this.accumulator = new Float64Array(capacity);
    this.groupBest = new Float64Array(capacity);
    this.matchMask = new Uint32Array(capacity);
    this.stamp = new Uint32Array(capacity);
    this.epoch = 0;
    this.groupTouched = new Int32Array(capacity);
    this.allTouched = new Int32Array(capacity);
    if (this.alive.length < capacity) {
      this.alive = grown(this.alive, capacity);
      for (const facet of FACETS) this.facets[facet] = grown(this.facets[facet], capacity);
    }
  }

}

/** The posting arrays of one segment or of the scratch space a compaction merges into. */
type PostingArrays = Pick<PostingSegment, 'docs' | 'impacts' | 'fields'>;

/** Where a compaction merges a segment that is then copied back in place; grown as needed, reused across segments. */
type Scratch = { arrays?: PostingArrays };

function scratchOf(scratch: Scratch, postings: number): PostingArrays {
  if (!scratch.arrays || scratch.arrays.docs.length < postings) {
    scratch.arrays = { docs: new Int32Array(postings), impacts: new Float32Array(postings), fields: new Uint8Array(postings) };
  }
  return scratch.arrays;
}

/** A range of merged postings, copied into roomy arrays of its own. */
function copyRange(arrays: PostingArrays, range: SegmentRange): PostingArrays {
  const copy = roomyArrays(range.end - range.start);
  copy.docs.set(arrays.docs.subarray(range.start, range.end));
  copy.impacts.set(arrays.impacts.subarray(range.start, range.end));
  copy.fields.set(arrays.fields.subarray(range.start, range.end));
  return copy;
}

/**
 * When a pass over the postings should pause: after {@link POSTINGS_PER_SLICE} postings or {@link SLICE_MS},
 * whichever comes first (the clock is read every few thousand postings, so a slice takes about SLICE_MS
 * whatever the machine).
 */
class PostingSlices {
  private sinceYield = 0;
  private sliceStart = performance.now();

  /** Counts `postings` more as done; true when the pass should pause now. */
  due(postings: number): boolean {
    this.sinceYield += postings;
    if (this.sinceYield < POSTINGS_PER_SLICE && (this.sinceYield < POSTINGS_PER_CLOCK_READ || performance.now() - this.sliceStart < SLICE_MS)) return false;
    this.sinceYield = 0;
    this.sliceStart = performance.now();
    return true;
  }
}

/** Where each term's postings start, from how many each has (one more entry: the end). */
function offsetsOf(counts: Int32Array): Int32Array {
  const offsets = new Int32Array(counts.length + 1);
  for (let t = 0; t < counts.length; t++) offsets[t + 1] = offsets[t]! + counts[t]!;
  return offsets;
}

function grown<T extends Int32Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2));
  next.set(array);
  return next;
}

function popcount(mask: number): number {
  let n = mask - ((mask >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

