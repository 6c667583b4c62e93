import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import type { SourceHttpClient } from '../http/source-http.ts';
import { normalizeArxivId } from '../normalize.ts';
import type { ParseOutcome } from '../paper.ts';
import { mergeOutcomes } from './outcome.ts';
import { MalformedResponseError } from './errors.ts';
import { parseHfDailyPapers } from './hf-daily.ts';
import { parseHfPaperDetail } from './hf-paper.ts';

/**
 * Which Daily Papers to list: papers featured on one UTC day (`YYYY-MM-DD`), in one ISO week
 * (`YYYY-Www`, W01–W52), in one month (`YYYY-MM`), or the latest (`{}`).
 */
export type DailyPapersWindow =
  | { date: string; week?: never; month?: never }
  | { week: string; date?: never; month?: never }
  | { month: string; date?: never; week?: never }
  | { date?: never; week?: never; month?: never };

/** Paging of {@link HfDailyPapersClient.dailyPapers}. */
export interface DailyPapersPaging {
  /** Items per page, 1–100. Default 100. */
  limit?: number;
  /** At most this many pages are fetched. Default 10. */
  maxPages?: number;
}

/** Reads Hugging Face's paper endpoints through one {@link SourceHttpClient}. */
export interface HfDailyPapersClient {
  /**
   * Lists Daily Papers in `window`, following `p` from 0 until a page is short, and merges the pages
   * (a paper seen twice keeps its first record). Throws before any request when the window or paging
   * is malformed; throws `SourceFetchError` or `MalformedResponseError` rather than returning part
   * of the pages.
   */
  dailyPapers(window?: DailyPapersWindow, paging?: DailyPapersPaging): Promise<ParseOutcome>;
  /**
   * The Hub's detail of one paper (`/api/papers/{id}`; any arXiv id form, the version dropped). Throws
   * before any request for a non-id; a paper the Hub lacks is a `SourceFetchError` with status 404.
   */
  paper(arxivId: string): Promise<ParseOutcome>;
}

/** What {@link createHfDailyPapersClient} needs. */
export interface HfClientDeps {
  /** A client whose `baseUrl` is `https://huggingface.co`. */
  http: SourceHttpClient;
  clock: Clock;
  log: Logger;
}

const WINDOW_FORMATS = {
  date: { pattern: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, shape: 'YYYY-MM-DD' },
  week: { pattern: /^\d{4}-W(0[1-9]|[1-4]\d|5[0-2])$/, shape: 'YYYY-Www with a week from W01 to W52' },
  month: { pattern: /^\d{4}-(0[1-9]|1[0-2])$/, shape: 'YYYY-MM' },
} as const;

/** True when a well-formed `YYYY-MM-DD` names a day that exists (not `2025-02-30`). */
function isCalendarDay(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Checks the window and returns its one query parameter, or throws a readable Error. */
function windowParam(window: DailyPapersWindow): [string, string] | undefined {
  const keys = (Object.keys(WINDOW_FORMATS) as Array<keyof typeof WINDOW_FORMATS>).filter((k) => window[k] !== undefined);
  if (keys.length > 1) throw new Error(`Daily Papers window takes one of date, week or month, not ${keys.join(' and ')}`);
  const key = keys[0];
  if (key === undefined) return undefined;
  const value = String(window[key]);
  const { pattern, shape } = WINDOW_FORMATS[key];
  const valid = pattern.test(value) && (key !== 'date' || isCalendarDay(value));
  if (!valid) throw new Error(`Daily Papers ${key} must be ${shape}, got ${JSON.stringify(value)}`);
  return [key, value];
}

function positiveInt(value: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

function parseJson(body: string, path: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new MalformedResponseError(`hf: GET ${path} returned a body that is not JSON (${(error as Error).message})`);
  }
}

/** Creates the Hugging Face paper client. */
export function createHfDailyPapersClient({ http, clock, log }: HfClientDeps): HfDailyPapersClient {
  return {
    async dailyPapers(window = {}, paging = {}) {
      const param = windowParam(window);
      const limit = positiveInt(paging.limit ?? 100, 'limit', 100);
      const maxPages = positiveInt(paging.maxPages ?? 10, 'maxPages');
      const pages: Array<{ outcome: ParseOutcome; offset: number }> = [];
      for (let p = 0; p < maxPages; p++) {
        const query = new URLSearchParams(param ? [param] : []);
        query.set('p', String(p));
        query.set('limit', String(limit));
        const path = `/api/daily_papers?${query}`;
        const { body } = await http.getText(path);
        const items = parseJson(body, path);
        pages.push({ outcome: parseHfDailyPapers(items, { observedAt: clock.now(), log }), offset: p * limit });
        if (!Array.isArray(items) || items.length < limit) return mergeOutcomes(pages);
      }
      log.warn({ source: 'hf', maxPages, limit, ...(param ? { [param[0]]: param[1] } : {}) }, 'Daily Papers stopped at maxPages; the list may go on');
      return mergeOutcomes(pages);
    },

    async paper(arxivId) {
      const id = normalizeArxivId(arxivId)?.base;
      if (id === undefined) throw new Error(`not an arXiv id: ${JSON.stringify(arxivId)}`);
      const path = `/api/papers/${id}`;
      const { body } = await http.getText(path);
      return parseHfPaperDetail(parseJson(body, path), { observedAt: clock.now(), log });
    },
  };
}
