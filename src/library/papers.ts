import type { Paper } from '../corpus/paper.ts';
import type { RankedFacts, TrendingEntry, TrendingInputs, TrendingWindow } from '../ranking/trending.ts';

/** Which trending list. */
export interface TrendingOptions {
  window: TrendingWindow;
  /** Only papers matching this search. */
  topic?: string;
  limit?: number;
}

/** Orders a search can be sorted by. */
export const SEARCH_SORTS = ['relevance', 'trending', 'newest'] as const;
/** An order a search can be sorted by. */
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** A search as a user asks it. */
export interface PaperQuery {
  text: string;
  since?: Date;
  author?: string;
  minUpvotes?: number;
  sort?: SearchSort;
  offset?: number;
  limit?: number;
}

/** One page of search results. */
export interface PaperResults {
  papers: { paper: Paper; score: number }[];
  /** All matches, for paging. */
  total: number;
  /** Query words nothing matched, even allowing a typo. */
  unmatchedWords: string[];
  /** The query was an arXiv id or paper URL and was looked up exactly. */
  exactId: boolean;
}

/** What a paper reference (id, URL or title words) resolves to. */
export type PaperReference =
  | { kind: 'found'; paper: Paper }
  /** Several papers fit: the best of them, how many there are, and whether they fit by title. */
  | { kind: 'ambiguous'; candidates: Paper[]; total: number; inTitles: boolean }
  /** `byId`: an arXiv id or paper URL was looked up and is not in the corpus. */
  | { kind: 'not-found'; reason: string; byId?: boolean };

/** Counts `status` shows. */
export interface LibraryStats {
  papers: number;
  /** Distinct words in the search index. */
  terms: number;
  /** Papers with no date. */
  undated: number;
  /** Papers of the bundled trending page (title and abstract only: no date, authors, arXiv id or upvotes). */
  bundled: number;
}

/**
 * The papers as commands and the scheduler use them: search, lookup, related papers, trending, and the
 * word statistics answers and key terms need. Papers are read from the database when they are shown, so
 * everything that returns papers is async.
 */
export interface Papers {
  /** Full-text search; a query that is an arXiv id or paper URL returns exactly that paper. */
  search(query: PaperQuery): Promise<PaperResults>;
  /**
   * Resolves what a user typed to name a paper: an arXiv id (any version, old style), an arXiv or Hugging
   * Face URL, a bundled paper's id, or words of its title: found when one paper fits, ambiguous when several
   * do, not found when a word is in no paper.
   */
  resolve(reference: string): Promise<PaperReference>;
  get(id: string): Promise<Paper | undefined>;
  /** The papers with these ids that exist, in the order asked. */
  getMany(ids: readonly string[]): Promise<Paper[]>;
  /** Papers most like this one. */
  related(paper: Paper, limit?: number): Promise<Paper[]>;
  /**
   * The trending ranking of a window, optionally only papers matching a topic: facts and scores, no paper
   * text (cheap even for thousands of papers). {@link Papers.entriesOf} reads the papers of the ones shown.
   */
  rankTrending(options: TrendingOptions): RankedFacts[];
  /** Ranked facts with their papers (those that still exist), in the same order. */
  entriesOf(ranked: readonly RankedFacts[]): Promise<TrendingEntry[]>;
  /** {@link Papers.rankTrending} then {@link Papers.entriesOf}. */
  trending(options: TrendingOptions): Promise<TrendingEntry[]>;
  /** Why a paper ranks, now. */
  trendingInputs(paper: Paper): TrendingInputs;
  /** Key terms for a card: the source's keywords, else the paper's most informative words. */
  keyTerms(paper: Paper, max?: number): string[];
  /** The BM25 idf of a word in this corpus (0 when no paper has it). */
  idfOf(term: string): number;
  /** Ids among `ids` whose papers match a search (a subscription's topic), best first. */
  matchAmong(text: string, ids: readonly string[], filters?: { minUpvotes?: number }): string[];
  stats(): LibraryStats;
}
