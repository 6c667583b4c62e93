import type { Clock } from '../clock.ts';
import type { Corpus, UpsertReport } from '../corpus/corpus.ts';
import { normalizeArxivId } from '../corpus/normalize.ts';
import { titleKey, type Paper } from '../corpus/paper.ts';
import { rankTrending, trendingInputs, trendingScore, WINDOW_DAYS, type TrendingEntry, type TrendingWindow } from '../ranking/trending.ts';
import { PaperIndex, type IndexableDoc, type SearchOrder } from './paper-index.ts';

const DAY_MS = 86_400_000;

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
  | { kind: 'ambiguous'; candidates: Paper[] }
  | { kind: 'not-found'; reason: string };

/** Two title matches whose scores are within this ratio are "close": the user is asked which one. */
export const AMBIGUITY_RATIO = 0.9;

/** Input shaped like an id (digits.digits, archive/digits) that did not parse as one. */
const LOOKS_LIKE_AN_ID = /^(\d{3,}\.\d+\w*|[a-z-]+(\.[A-Z]{2})?\/\d+\w*)$/;

const HF_OR_ARXIV_URL = /^(https?:\/\/)?((export\.)?arxiv\.org|(www\.)?(huggingface|hf)\.co)\//i;

/** What the index needs of a paper. */
export function toIndexDoc(paper: Paper): IndexableDoc {
  return {
    id: paper.id,
    title: paper.titleDisplay,
    keywords: paper.keywords,
    abstract: paper.abstractDisplay,
    authors: paper.authors,
    publishedAt: paper.publishedAt ?? (paper.featuredOn ? `${paper.featuredOn}T00:00:00Z` : undefined),
    upvotes: paper.signals?.upvotes,
  };
}

/**
 * The corpus and its index together: search, paper lookup by reference, related papers, trending, and
 * ingestion that keeps the index in step with the corpus.
 */
export class PaperSearch {
  constructor(
    readonly corpus: Corpus,
    readonly index: PaperIndex,
    private readonly clock: Clock,
  ) {}

  /** Builds the index for a corpus (blocking; fine for the bundled corpus and tests). */
  static fromCorpus(corpus: Corpus, clock: Clock): PaperSearch {
    return new PaperSearch(corpus, PaperIndex.build([...corpus.papers()].map(toIndexDoc)), clock);
  }

  /** Full-text search; a query that is an arXiv id or paper URL returns exactly that paper. */
  search(query: PaperQuery): PaperResults {
    const exact = this.exactReference(query.text);
    if (exact !== undefined) {
      const paper = exact && this.corpus.get(exact);
      return { papers: paper ? [{ paper, score: 1 }] : [], total: paper ? 1 : 0, unmatchedWords: [], exactId: true };
    }
    const page = this.index.search({
      text: query.text,
      filters: {
        ...(query.since ? { since: query.since } : {}),
        ...(query.author ? { author: query.author } : {}),
        ...(query.minUpvotes !== undefined ? { minUpvotes: query.minUpvotes } : {}),
      },
      order: this.order(query.sort ?? 'relevance'),
      offset: query.offset ?? 0,
      limit: query.limit ?? 5,
    });
    return {
      papers: page.hits.flatMap((hit) => {
        const paper = this.corpus.get(hit.id);
        return paper ? [{ paper, score: hit.score }] : [];
      }),
      total: page.total,
      unmatchedWords: page.unmatchedWords,
      exactId: false,
    };
  }

  /**
   * Resolves what a user typed to name a paper: an arXiv id (any version, old style), an arXiv or
   * Hugging Face URL, a bundled paper's id, or words of its title. Two close title matches → ambiguous.
   */
  resolve(reference: string): PaperReference {
    const text = reference.trim();
    const exact = this.exactReference(text);
    if (exact !== undefined) {
      const paper = exact && this.corpus.get(exact);
      return paper ? { kind: 'found', paper } : { kind: 'not-found', reason: `No paper ${exact || text} in the corpus.` };
    }
    const byId = this.corpus.get(text);
    if (byId) return { kind: 'found', paper: byId };
    if (LOOKS_LIKE_AN_ID.test(text)) {
      return { kind: 'not-found', reason: `"${text}" is not an arXiv id: they look like 2501.12948, 2501.12948v2 or hep-th/9711200.` };
    }
    const key = titleKey(text);
    const hits = this.search({ text, limit: 5 }).papers;
    const exactTitle = hits.find((hit) => titleKey(hit.paper.title) === key);
    if (exactTitle) return { kind: 'found', paper: exactTitle.paper };
    const [first] = hits;
    if (!first) return { kind: 'not-found', reason: `No paper matches "${text}".` };
    const close = hits.filter((hit) => hit.score >= first.score * AMBIGUITY_RATIO);
    if (close.length > 1) return { kind: 'ambiguous', candidates: close.map((hit) => hit.paper) };
    return { kind: 'found', paper: first.paper };
  }

  /** Papers most like this one. */
  related(paper: Paper, limit = 5): Paper[] {
    return this.index
      .related(toIndexDoc(paper), limit)
      .flatMap((hit) => this.corpus.get(hit.id) ?? []);
  }

  /**
   * Key terms for a card: the source's keywords when it has them, else the paper's most informative
   * words, written as they appear in its text.
   */
  keyTerms(paper: Paper, max = 5): string[] {
    if (paper.keywords.length > 0) return paper.keywords.slice(0, max);
    const surface = new Map<string, string>();
    for (const word of `${paper.titleDisplay} ${paper.abstractDisplay}`.split(/[^\p{L}\p{N}]+/u)) {
      const folded = word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
      if (!surface.has(folded)) surface.set(folded, word);
    }
    const chosen: string[] = [];
    const stems = new Set<string>();
    for (const term of this.index.informativeTerms(toIndexDoc(paper), max * 3)) {
      const stem = term.replace(/s$/, '');
      if (term.length < 3 || /^\d+$/.test(term) || stems.has(stem)) continue;
      stems.add(stem);
      chosen.push(surface.get(term) ?? term);
      if (chosen.length === max) break;
    }
    return chosen;
  }

  /** The trending list of a window, optionally only papers matching a topic. */
  trending(options: { window: TrendingWindow; topic?: string; limit?: number }): TrendingEntry[] {
    const now = this.clock.now();
    const velocity = this.corpus.upvotesGained.bind(this.corpus);
    // Only papers that entered the conversation within the window (and undated ones) can rank in it.
    const { dated, undated } = this.corpus.papersSince(now.getTime() - WINDOW_DAYS[options.window] * DAY_MS);
    let papers: Iterable<Paper> = [...dated, ...undated];
    if (options.topic && options.topic.trim() !== '') {
      papers = this.index
        .search({ text: options.topic, limit: 1000 })
        .hits.flatMap((hit) => this.corpus.get(hit.id) ?? []);
    }
    return rankTrending(papers, { window: options.window, now, velocity, ...(options.limit ? { limit: options.limit } : {}) });
  }

  /** Adds or refreshes papers in the corpus and keeps the index in step. */
  ingest(papers: Iterable<Paper>): UpsertReport {
    const report = this.corpus.upsert(papers);
    for (const paper of report.added) this.index.upsert(toIndexDoc(paper));
    for (const change of report.updated) {
      if (change.previousId) this.index.remove(change.previousId);
      this.index.upsert(toIndexDoc(change.paper), change.textChanged);
    }
    return report;
  }

  /** The arXiv base id a query names exactly, '' when it looks like a paper URL that names none, else undefined. */
  private exactReference(text: string): string | undefined {
    const trimmed = text.trim();
    const parsed = normalizeArxivId(trimmed);
    if (parsed) return parsed.base;
    return HF_OR_ARXIV_URL.test(trimmed) ? '' : undefined;
  }

  private order(sort: SearchSort): SearchOrder {
    if (sort === 'newest') return { by: 'newest' };
    if (sort === 'relevance') return { by: 'relevance' };
    const now = this.clock.now();
    const velocity = this.corpus.upvotesGained.bind(this.corpus);
    return {
      by: 'key',
      key: (id) => {
        const paper = this.corpus.get(id);
        return paper ? trendingScore(trendingInputs(paper, now, velocity), 'month') - (paper.bundledRank ?? 0) * 1e-6 : 0;
      },
    };
  }
}
