import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import type { SourceHttpClient } from '../http/source-http.ts';
import type { AnnounceType, ParseOutcome } from '../paper.ts';
import { parseArxivAtom } from './arxiv-atom.ts';
import { parseArxivRss } from './arxiv-rss.ts';
import { mergeOutcomes } from './outcome.ts';

/** A query of the arXiv API (`/api/query`); at least one of `searchQuery` and `idList` is needed. */
export interface ArxivQuery {
  /** Fielded query, e.g. `cat:cs.LG AND ti:diffusion`. */
  searchQuery?: string;
  /** Ids, versioned or not, new or old style. With `searchQuery`, the query filters this list. */
  idList?: readonly string[];
  /** Results per request, 1–2000. Default 100. */
  pageSize?: number;
  /** Stop after this many results, at most 30 000. Default 1000. */
  maxResults?: number;
  /** arXiv's `sortBy`; arXiv's default is relevance. */
  sortBy?: 'relevance' | 'lastUpdatedDate' | 'submittedDate';
  /** arXiv's `sortOrder`. */
  sortOrder?: 'ascending' | 'descending';
}

/** Reads arXiv's API and RSS through one {@link SourceHttpClient}. */
export interface ArxivClient {
  /**
   * Runs a query, paging `start += pageSize` until `totalResults` or `maxResults` is reached, and
   * merges the pages. The 3-s pace between pages comes from the HTTP client's `minIntervalMs`.
   * Throws `ArxivApiError` for arXiv's Error feed and `SourceFetchError` when a page cannot be had.
   */
  query(query: ArxivQuery): Promise<ParseOutcome>;
  /** Today's RSS announcements of `categories` (joined with `+`), keeping `announceTypes`. */
  rss(categories: readonly string[], announceTypes?: readonly AnnounceType[]): Promise<ParseOutcome & { announcedOn?: string }>;
}

/** What {@link createArxivClient} needs. */
export interface ArxivClientDeps {
  /**
   * A client with `minIntervalMs` ≥ 3000. Its `baseUrl` serves `/api/query` (`https://export.arxiv.org`).
   * Sharing it for RSS keeps one queue for both, as arXiv's one-request-per-3-s rule asks.
   */
  http: SourceHttpClient;
  clock: Clock;
  log: Logger;
  /** Where `/rss/<cats>` lives. Default `https://rss.arxiv.org`. */
  rssBaseUrl?: string;
}

/** An API page is complete only when it is an Atom feed that states its total. */
const isCompleteFeed = (body: string): boolean => body.includes('<feed') && body.includes('opensearch:totalResults');
const isCompleteRss = (body: string): boolean => body.includes('<rss') && body.includes('</rss>');

const CATEGORY = /^[a-z-]+(\.[A-Za-z-]+)?$/;

function checkedInt(value: number, name: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

/** Creates the arXiv client. */
export function createArxivClient({ http, clock, log, rssBaseUrl = 'https://rss.arxiv.org' }: ArxivClientDeps): ArxivClient {
  return {
    async query(query) {
      const ids = query.idList?.map((id) => id.trim()).filter((id) => id !== '') ?? [];
      const search = query.searchQuery?.trim() ?? '';
      if (search === '' && ids.length === 0) throw new Error('an arXiv query needs a searchQuery or an idList');
      const pageSize = checkedInt(query.pageSize ?? 100, 'pageSize', 2000);
      const maxResults = checkedInt(query.maxResults ?? 1000, 'maxResults', 30_000);
      const pages: Array<{ outcome: ParseOutcome; offset: number }> = [];
      for (let start = 0; start < maxResults; start += pageSize) {
        const params = new URLSearchParams();
        if (search !== '') params.set('search_query', search);
        if (ids.length > 0) params.set('id_list', ids.join(','));
        params.set('start', String(start));
        params.set('max_results', String(Math.min(pageSize, maxResults - start)));
        if (query.sortBy) params.set('sortBy', query.sortBy);
        if (query.sortOrder) params.set('sortOrder', query.sortOrder);
        const { body } = await http.getText(`/api/query?${params}`, { isComplete: isCompleteFeed });
        const page = parseArxivAtom(body, { observedAt: clock.now(), log });
        pages.push({ outcome: page, offset: start });
        const received = page.papers.length + page.rejected.length;
        if (received === 0 || start + pageSize >= page.totalResults) break;
      }
      return mergeOutcomes(pages);
    },

    async rss(categories, announceTypes = ['new', 'cross']) {
      const bad = categories.find((c) => !CATEGORY.test(c));
      if (categories.length === 0 || bad !== undefined) {
        throw new Error(`RSS needs arXiv categories such as cs.LG, got ${JSON.stringify(categories)}`);
      }
      const url = `${rssBaseUrl.replace(/\/+$/, '')}/rss/${categories.join('+')}`;
      const { body } = await http.getText(url, { isComplete: isCompleteRss });
      return parseArxivRss(body, { observedAt: clock.now(), log, announceTypes });
    },
  };
}
