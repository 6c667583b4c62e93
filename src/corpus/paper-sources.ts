import type { Clock } from '../clock.ts';
import type { SourcesConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { PaperSource } from '../scheduler/source-refresh.ts';
import { SourceHttpClient } from './http/source-http.ts';
import type { ParseOutcome } from './paper.ts';
import { createArxivClient } from './sources/arxiv-client.ts';
import { createHfDailyPapersClient } from './sources/hf-client.ts';

/** How far back Daily Papers is searched for the latest non-empty day (weekends, mornings before featuring). */
const HF_LOOKBACK_DAYS = 3;

/**
 * The HTTP client for everything asked of arXiv (API, RSS, HTML full texts): one queue, so arXiv's one request
 * per `arxivMinIntervalMs` holds across all of them.
 */
export function createArxivHttp(config: SourcesConfig, deps: { clock: Clock; log: Logger }): SourceHttpClient {
  return new SourceHttpClient({
    source: 'arxiv',
    baseUrl: config.arxivApiUrl,
    timeoutMs: config.httpTimeoutMs,
    minIntervalMs: config.arxivMinIntervalMs,
    maxAttempts: 4,
    userAgent: config.userAgent,
    clock: deps.clock,
    log: deps.log,
  });
}

/** The configured sources, each with its fetch and schedule; arXiv's share `arxivHttp` when given. */
export function createPaperSources(config: SourcesConfig, deps: { clock: Clock; log: Logger; arxivHttp?: SourceHttpClient }): PaperSource[] {
  const { clock, log } = deps;
  const sources: PaperSource[] = [];
  if (config.enabled.includes('hf-daily')) {
    const http = new SourceHttpClient({
      source: 'hf-daily',
      baseUrl: config.hfBaseUrl,
      timeoutMs: config.httpTimeoutMs,
      userAgent: config.userAgent,
      ...(config.hfToken ? { headers: { authorization: `Bearer ${config.hfToken}` } } : {}),
      clock,
      log,
    });
    const hf = createHfDailyPapersClient({ http, clock, log });
    sources.push({
      name: 'hf-daily',
      schedule: config.schedules.hfDaily,
      fetch: async () => {
        // Today's featured papers, or the latest day that has some.
        for (let back = 0; back <= HF_LOOKBACK_DAYS; back++) {
          const date = new Date(clock.now().getTime() - back * 86_400_000).toISOString().slice(0, 10);
          const outcome = await hf.dailyPapers({ date });
          if (outcome.papers.length > 0 || back === HF_LOOKBACK_DAYS) return outcome;
        }
        return { papers: [], rejected: [] } satisfies ParseOutcome;
      },
    });
  }
  if (config.enabled.includes('arxiv-api') || config.enabled.includes('arxiv-rss')) {
    // One client for both: arXiv's one-request-per-3-seconds rule covers the API and RSS together.
    const http = deps.arxivHttp ?? createArxivHttp(config, deps);
    const arxiv = createArxivClient({ http, clock, log, rssBaseUrl: config.arxivRssUrl });
    if (config.enabled.includes('arxiv-rss')) {
      sources.push({ name: 'arxiv-rss', schedule: config.schedules.arxivRss, fetch: () => arxiv.rss(config.arxivCategories) });
    }
    if (config.enabled.includes('arxiv-api')) {
      const searchQuery = config.arxivQuery ?? config.arxivCategories.map((c) => `cat:${c}`).join(' OR ');
      sources.push({
        name: 'arxiv-api',
        schedule: config.schedules.arxivApi,
        fetch: () => arxiv.query({ searchQuery, sortBy: 'submittedDate', sortOrder: 'descending', maxResults: 200 }),
      });
    }
  }
  return sources;
}
