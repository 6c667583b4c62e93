import type { PaperText } from '../fulltext/paper-text.ts';

/**
 * What arXiv gave for a paper's HTML: `found` (parsed text), `missing` (404: arXiv has no HTML rendering,
 * abstract only) or `unusable` (a page that is not a LaTeXML paper, e.g. a failed conversion).
 */
export type FullTextStatus = 'found' | 'missing' | 'unusable';

/** A paper's full text as fetched, cached in the database. */
export interface FullTextRecord {
  paperId: string;
  /** The URL asked. */
  url: string;
  /** When it was fetched (ISO-8601 UTC); `missing` and `unusable` are asked again after a while. */
  fetchedAt: string;
  status: FullTextStatus;
  /** Present exactly when `status` is `found`. */
  text?: PaperText;
}

/** Parsed full texts, one per paper; a put replaces the paper's previous record. */
export interface FullTextStore {
  get(paperId: string): Promise<FullTextRecord | undefined>;
  put(record: FullTextRecord): Promise<void>;
}
