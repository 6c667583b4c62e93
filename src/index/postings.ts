import { runSteps, type Steps } from '../util/steps.ts';
import type { PostingSegment } from './posting-segments.ts';
import { tokenize } from './tokenize.ts';
import { Vocabulary, type SortedTerms } from './vocabulary.ts';

/** Postings laid out between pauses of {@link IndexBuilder.finishSteps} (a few milliseconds of work). */
const POSTINGS_PER_PAUSE = 300_000;

/*
 * The index's storage model and its construction: which fields are indexed and how they weigh, the
 * BM25 impact stored with each posting, and the builder that lays postings out term by term in
 * compact typed arrays. Querying lives in paper-index.ts.
 */

/** Bit per indexed field, stored with every posting. */
export const FieldBit = { title: 1, keywords: 2, abstract: 4, authors: 8 } as const;

/** How much a match in each field weighs: title > key terms > abstract, authors. */
export const FIELD_BOOSTS = { title: 3, keywords: 2, abstract: 1, authors: 1 } as const;

export const FIELDS = ['title', 'keywords', 'abstract', 'authors'] as const;
export type FieldName = (typeof FIELDS)[number];

/** BM25 parameters, per field length normalization. */
const BM25_K1 = 1.2;
const BM25_B: Record<FieldName, number> = { title: 0.5, keywords: 0.3, abstract: 0.75, authors: 0.3 };

/** The text and facets of one paper, as the index sees it. */
export interface IndexableDoc {
  id: string;
  title: string;
  keywords: readonly string[];
  abstract: string;
  authors: readonly string[];
  /** ISO date or datetime; enables the `since` filter and the newest sort. */
  publishedAt?: string | undefined;
  /** ISO instant the paper entered the conversation (featured, else published): trending's age and window. */
  referenceAt?: string | undefined;
  upvotes?: number | undefined;
  comments?: number | undefined;
  githubStars?: number | undefined;
  /** Position on the bundled trending page, for papers without signals. */
  bundledRank?: number | undefined;
}

/**
 * Per-paper numbers kept beside the postings (one typed-array column each, indexed by document number),
 * so filters, sorting and trending never need a paper's text or a paper object.
 */
export interface FacetColumns {
  publishedMinute: Int32Array;
  referenceMinute: Int32Array;
  upvotes: Int32Array;
  comments: Int32Array;
  githubStars: Int32Array;
  bundledRank: Int32Array;
}

/** The facet columns, in a fixed order. */
export const FACETS = ['publishedMinute', 'referenceMinute', 'upvotes', 'comments', 'githubStars', 'bundledRank'] as const satisfies readonly (keyof FacetColumns)[];

/** A document's value in each facet column, as stored (see {@link NO_TIME}, {@link NO_COUNT}). */
export function facetValues(doc: IndexableDoc): Record<keyof FacetColumns, number> {
  return {
    publishedMinute: minuteNumber(doc.publishedAt),
    referenceMinute: minuteNumber(doc.referenceAt),
    upvotes: doc.upvotes ?? NO_COUNT,
    comments: doc.comments ?? NO_COUNT,
    githubStars: doc.githubStars ?? NO_COUNT,
    bundledRank: doc.bundledRank ?? NO_COUNT,
  };
}

/**
 * The persisted form of an index: typed arrays and strings, no objects per document. The terms come twice:
 * by id, and sorted (so a loaded index needs no sorting nor tree to look terms up).
 */
export interface IndexSnapshot extends FacetColumns, SortedTerms {
  terms: string[];
  df: Int32Array;
  offsets: Int32Array;
  postingDocs: Int32Array;
  postingImpacts: Float32Array;
  postingFields: Uint8Array;
  docIds: string[];
  alive: Uint8Array;
  avgFieldLength: Float64Array;
}

/** The posting columns of an index file, in the order it stores them. */
export type PostingColumn = 'postingDocs' | 'postingImpacts' | 'postingFields';

/**
 * An index's persisted form with its postings not laid out in memory: everything else as in
 * {@link IndexSnapshot}, and each posting column produced in order, piece by piece, while the file is written.
 */
export interface StreamedSnapshot extends Omit<IndexSnapshot, PostingColumn> {
  /** How many postings each column holds. */
  postingCount: number;
  /**
   * A column's bytes in pieces. A piece's memory is reused for the next one: write it before asking for the
   * next. Throws when the index changed since the snapshot was taken.
   */
  postingPieces(column: PostingColumn): Iterable<Uint8Array>;
}

/** An index's persisted form as an index file is read: its postings cut into segments of their own. */
export interface SegmentedSnapshot extends Omit<IndexSnapshot, 'offsets' | PostingColumn> {
  segments: PostingSegment[];
}

/** Stored for a paper with no date. */
export const NO_TIME = -2147483648;
/** Stored for a paper with no count (upvotes, comments, stars) or no bundled rank. */
export const NO_COUNT = -1;

/** Minutes since the epoch fit an Int32 until the year 6053. */
export function minuteNumber(iso: string | undefined): number {
  if (!iso) return NO_TIME;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? NO_TIME : Math.floor(ms / 60_000);
}

/** Inverse document frequency (BM25's, always positive). */
export function idf(df: number, docs: number): number {
  return Math.log(1 + (docs - df + 0.5) / (df + 0.5));
}

/** Growable typed-array columns used while building. */
class Columns {
  length = 0;
  termIds = new Int32Array(1024);
  docs = new Int32Array(1024);
  tfs = new Uint32Array(1024);
  push(termId: number, doc: number, tf: number): void {
    if (this.length === this.termIds.length) {
      const grow = <T extends Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const next = make(a.length * 2);
        next.set(a);
        return next;
      };
      this.termIds = grow(this.termIds, (n) => new Int32Array(n));
      this.docs = grow(this.docs, (n) => new Int32Array(n));
      this.tfs = grow(this.tfs, (n) => new Uint32Array(n));
    }
    this.termIds[this.length] = termId;
    this.docs[this.length] = doc;
    this.tfs[this.length] = tf;
    this.length++;
  }
}

/** Term frequencies of one document per field, packed 8 bits a field. */
export function fieldTerms(doc: IndexableDoc): { packed: Map<string, number>; lengths: number[] } {
  const packed = new Map<string, number>();
  const lengths: number[] = [];
  FIELDS.forEach((field, f) => {
    const text = field === 'title' ? doc.title : field === 'abstract' ? doc.abstract : doc[field].join(' ; ');
    const terms = tokenize(text);
    lengths.push(terms.length);
    for (const term of terms) {
      const current = packed.get(term) ?? 0;
      const tf = (current >>> (8 * f)) & 0xff;
      if (tf < 0xff) packed.set(term, current + (1 << (8 * f)) >>> 0);
    }
  });
  return { packed, lengths };
}

export function fieldBits(packedTfs: number): number {
  let bits = 0;
  for (let f = 0; f < FIELDS.length; f++) if ((packedTfs >>> (8 * f)) & 0xff) bits |= 1 << f;
  return bits;
}

/** Field-weighted BM25 term-frequency part (the idf is applied at query time). */
export function impactOf(packedTfs: number, lengths: readonly number[], avg: Float64Array): number {
  let impact = 0;
  for (let f = 0; f < FIELDS.length; f++) {
    const tf = (packedTfs >>> (8 * f)) & 0xff;
    if (tf === 0) continue;
    const field = FIELDS[f]!;
    const norm = 1 - BM25_B[field] + (BM25_B[field] * lengths[f]!) / Math.max(avg[f]!, 1);
    impact += (FIELD_BOOSTS[field] * (tf * (BM25_K1 + 1))) / (tf + BM25_K1 * norm);
  }
  return impact;
}

/** Collects postings for a fresh build, then lays them out term by term. */
export class IndexBuilder {
  private termIds = new Map<string, number>();
  private terms: string[] = [];
  private columns = new Columns();
  private docIds: string[] = [];
  private seen = new Set<string>();
  private facets: Record<keyof FacetColumns, number[]> = Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as Record<keyof FacetColumns, number[]>;
  private lengths: number[][] = FIELDS.map(() => []);

  add(doc: IndexableDoc): void {
    if (this.seen.has(doc.id)) throw new Error(`duplicate document id ${doc.id}`);
    this.seen.add(doc.id);
    const docNo = this.docIds.length;
    this.docIds.push(doc.id);
    const values = facetValues(doc);
    for (const facet of FACETS) this.facets[facet].push(values[facet]);
    const { packed, lengths } = fieldTerms(doc);
    lengths.forEach((length, f) => this.lengths[f]!.push(length));
    for (const [term, tfs] of packed) {
      let termId = this.termIds.get(term);
      if (termId === undefined) {
        termId = this.terms.length;
        this.termIds.set(term, termId);
        this.terms.push(term);
      }
      this.columns.push(termId, docNo, tfs);
    }
  }

  /** The postings laid out term by term (blocks; see {@link IndexBuilder.finishSteps}). */
  finish(): IndexSnapshot {
    return runSteps(this.finishSteps());
  }

  /** {@link IndexBuilder.finish}, pausing every few hundred thousand postings (see {@link Steps}). */
  *finishSteps(): Steps<IndexSnapshot> {
    const docCount = this.docIds.length;
    const avgFieldLength = new Float64Array(FIELDS.length);
    this.lengths.forEach((lengths, f) => {
      avgFieldLength[f] = lengths.reduce((sum, n) => sum + n, 0) / Math.max(1, docCount);
    });
    const termCount = this.terms.length;
    const { termIds, docs, tfs, length } = this.columns;
    const df = new Int32Array(termCount);
    for (let i = 0; i < length; i++) df[termIds[i]!]!++;
    yield;
    const offsets = new Int32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) offsets[t + 1] = offsets[t]! + df[t]!;
    const cursor = offsets.slice(0, termCount);
    const postingDocs = new Int32Array(length);
    const postingImpacts = new Float32Array(length);
    const postingFields = new Uint8Array(length);
    const docLengths = [0, 0, 0, 0];
    for (let i = 0; i < length; i++) {
      const doc = docs[i]!;
      for (let f = 0; f < FIELDS.length; f++) docLengths[f] = this.lengths[f]![doc]!;
      const at = cursor[termIds[i]!]!++;
      postingDocs[at] = doc;
      postingImpacts[at] = impactOf(tfs[i]!, docLengths, avgFieldLength);
      postingFields[at] = fieldBits(tfs[i]!);
      if (i % POSTINGS_PER_PAUSE === POSTINGS_PER_PAUSE - 1) yield;
    }
    const sortedTerms = yield* Vocabulary.sortSteps(this.terms);
    return {
      terms: this.terms,
      ...sortedTerms,
      df,
      offsets,
      postingDocs,
      postingImpacts,
      postingFields,
      docIds: this.docIds,
      alive: new Uint8Array(docCount).fill(1),
      publishedMinute: Int32Array.from(this.facets.publishedMinute),
      referenceMinute: Int32Array.from(this.facets.referenceMinute),
      upvotes: Int32Array.from(this.facets.upvotes),
      comments: Int32Array.from(this.facets.comments),
      githubStars: Int32Array.from(this.facets.githubStars),
      bundledRank: Int32Array.from(this.facets.bundledRank),
      avgFieldLength,
    };
  }
}
