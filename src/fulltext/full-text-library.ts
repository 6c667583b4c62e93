/*
 * Papers' full texts on demand: read from the database cache, else fetched from arXiv's HTML rendering
 * (through the arXiv HTTP client, so at arXiv's pace), parsed in slices and cached with the fetch time.
 * Concurrent askers of one paper share one fetch; a paper arXiv has no HTML for is asked again after a
 * week; a failed fetch is not cached but not retried for a few minutes either.
 */
import type { Clock } from '../clock.ts';
import type { Paper } from '../corpus/paper.ts';
import { SourceFetchError, type SourceHttpClient } from '../corpus/http/source-http.ts';
import type { Logger } from '../logger.ts';
import type { FullTextRecord, FullTextStore } from '../store/full-text-store.port.ts';
import { parseLatexmlInSlices } from './latexml.ts';
import type { PaperText } from './paper-text.ts';

/** A page fetched from arXiv: its HTML, or none when arXiv answered that it has no HTML for the paper. */
export interface FetchedPage {
  url: string;
  /** Undefined when arXiv has no HTML rendering of the paper (404, 410). */
  html?: string;
}

/** Fetches a paper's HTML page by arXiv id; throws when it cannot tell (network, 5xx after retries). */
export type FullTextFetcher = (arxivId: string) => Promise<FetchedPage>;

/** A missing or unusable page is asked for again after this long (arXiv renders some papers later). */
export const RETRY_MISSING_AFTER_MS = 7 * 86_400_000;
/** A found text is fetched again after this long (a new version of the paper may have appeared). */
export const REFRESH_FOUND_AFTER_MS = 30 * 86_400_000;
/** After a failed fetch, the paper is not asked for again for this long (answers use the abstract meanwhile). */
export const FAILURE_COOLDOWN_MS = 10 * 60_000;
/** Found texts kept in memory, most recently used first, so questions in busy threads skip the database. */
export const MEMORY_CACHE_PAPERS = 32;

/**
 * The fetcher of arXiv's HTML pages at `baseUrl` (`https://arxiv.org/html`), through `http`: the arXiv
 * client, whose queue spaces every request to arXiv (API, RSS and these pages) by its interval.
 */
export function createArxivHtmlFetcher(http: SourceHttpClient, baseUrl: string): FullTextFetcher {
  const base = baseUrl.replace(/\/+$/, '');
  return async (arxivId) => {
    const url = `${base}/${arxivId}`;
    try {
      const { body } = await http.getText(url, { isComplete: (html) => /<\/html>|<\/body>|<\/article>/i.test(html) });
      return { url, html: body };
    } catch (error) {
      if (error instanceof SourceFetchError && (error.status === 404 || error.status === 410)) return { url };
      throw error;
    }
  };
}

/** Where a paper's full text stands for a caller. */
export type FullTextOutcome =
  | { status: 'found'; record: FullTextRecord; text: PaperText }
  | { status: 'missing' | 'unusable' }
  /** The paper has no arXiv id (the bundled papers), or fetching is switched off and nothing is cached. */
  | { status: 'unavailable' }
  /** arXiv could not be reached just now. */
  | { status: 'failed' };

/** What {@link FullTextLibrary} needs. */
export interface FullTextLibraryOptions {
  store: FullTextStore;
  clock: Clock;
  log: Logger;
  /** Absent: nothing is fetched, only what the database already holds is used. */
  fetch?: FullTextFetcher;
}

/** Papers' full texts: cached in the database, fetched from arXiv when needed. */
export class FullTextLibrary {
  private readonly inFlight = new Map<string, Promise<FullTextOutcome>>();
  private readonly failedAt = new Map<string, number>();
  private readonly memory = new Map<string, FullTextRecord & { text: PaperText }>();

  constructor(private readonly options: FullTextLibraryOptions) {}

  /** Whether full texts can be fetched at all (else only the cache is read). */
  get fetching(): boolean {
    return this.options.fetch !== undefined;
  }

  /** The cached text, never fetching: for cards, which must stay quick. */
  async cached(paper: Paper): Promise<FullTextOutcome> {
    const remembered = this.memory.get(paper.id);
    if (remembered) return this.touch(remembered);
    const record = await this.options.store.get(paper.id);
    return record ? this.outcome(record) : { status: 'unavailable' };
  }

  /** The full text: from memory or the database when fresh, else fetched (once, however many ask at once). */
  async forPaper(paper: Paper): Promise<FullTextOutcome> {
    const remembered = this.memory.get(paper.id);
    if (remembered && !this.stale(remembered)) return this.touch(remembered);
    const running = this.inFlight.get(paper.id);
    if (running) return running;
    const work = this.load(paper).finally(() => this.inFlight.delete(paper.id));
    this.inFlight.set(paper.id, work);
    return work;
  }

  private async load(paper: Paper): Promise<FullTextOutcome> {
    const stored = await this.options.store.get(paper.id);
    if (stored && (!this.stale(stored) || !this.options.fetch || !paper.arxivId)) return this.outcome(stored);
    const fetch = this.options.fetch;
    if (!fetch || !paper.arxivId) return stored ? this.outcome(stored) : { status: 'unavailable' };
    const failed = this.failedAt.get(paper.id);
    const now = this.options.clock.now().getTime();
    if (failed !== undefined && now - failed < FAILURE_COOLDOWN_MS) return stored ? this.outcome(stored) : { status: 'failed' };
    let page: FetchedPage;
    try {
      page = await fetch(paper.arxivId);
    } catch (error) {
      this.failedAt.set(paper.id, now);
      this.options.log.warn({ paperId: paper.id, error: error instanceof Error ? error.message : String(error) }, 'could not fetch the full text');
      return stored ? this.outcome(stored) : { status: 'failed' };
    }
    this.failedAt.delete(paper.id);
    const fetchedAt = this.options.clock.now().toISOString();
    const text = page.html === undefined ? undefined : await parseLatexmlInSlices(page.html);
    const record: FullTextRecord = text
      ? { paperId: paper.id, url: page.url, fetchedAt, status: 'found', text }
      : { paperId: paper.id, url: page.url, fetchedAt, status: page.html === undefined ? 'missing' : 'unusable' };
    this.options.log.info(
      { paperId: paper.id, status: record.status, passages: text?.passages.length, truncated: text?.truncated },
      'fetched a full text',
    );
    await this.options.store.put(record);
    return this.outcome(record);
  }

  private stale(record: FullTextRecord): boolean {
    const age = this.options.clock.now().getTime() - Date.parse(record.fetchedAt);
    return age >= (record.status === 'found' ? REFRESH_FOUND_AFTER_MS : RETRY_MISSING_AFTER_MS);
  }

  private outcome(record: FullTextRecord): FullTextOutcome {
    if (record.status === 'found' && record.text) return this.touch({ ...record, text: record.text });
    return { status: record.status === 'found' ? 'unusable' : record.status };
  }

  /** Remembers a found text as the most recently used, forgetting the least recently used past the bound. */
  private touch(record: FullTextRecord & { text: PaperText }): FullTextOutcome {
    this.memory.delete(record.paperId);
    this.memory.set(record.paperId, record);
    while (this.memory.size > MEMORY_CACHE_PAPERS) this.memory.delete(this.memory.keys().next().value!);
    return { status: 'found', record, text: record.text };
  }
}
