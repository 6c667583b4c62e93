import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createPaper, type Paper } from '../../src/corpus/paper.ts';
import { SourceHttpClient } from '../../src/corpus/http/source-http.ts';
import { createArxivClient } from '../../src/corpus/sources/arxiv-client.ts';
import {
  createArxivHtmlFetcher,
  FAILURE_COOLDOWN_MS,
  FullTextLibrary,
  RETRY_MISSING_AFTER_MS,
} from '../../src/fulltext/full-text-library.ts';
import { outline } from '../../src/fulltext/paper-text.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';
import { fixture } from '../helpers/library.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-fulltext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

let server: FakeSourcesServer;
let clock: ManualClock;
let log: MemoryLogger;
let stores: Stores;
let file: string;

beforeEach(async () => {
  clock = new ManualClock('2025-07-24T12:00:00Z');
  log = new MemoryLogger();
  server = await new FakeSourcesServer(clock).start();
  file = join(dir, `fulltext-${++files}.db`);
  stores = openSqliteStores(file);
});
afterEach(async () => {
  await stores.close();
  await server.close();
});

/** The arXiv client as main.ts builds it: one queue, 3 s apart, on the fake. */
function arxivHttp(): SourceHttpClient {
  return new SourceHttpClient({
    source: 'arxiv', baseUrl: server.url, minIntervalMs: 3000, maxAttempts: 2, backoffBaseMs: 100,
    userAgent: 'paperboy-test', clock, log, random: () => 1,
  });
}

function library(http = arxivHttp(), on: Stores = stores): FullTextLibrary {
  return new FullTextLibrary({ store: on.fullTexts, clock, log, fetch: createArxivHtmlFetcher(http, `${server.url}/html`) });
}

const paper = (arxivId?: string, title = 'A paper'): Paper =>
  createPaper({ ...(arxivId ? { arxivId } : {}), title, abstract: 'We study something.', source: arxivId ? 'arxiv-api' : 'bundled' });

describe('the full-text library', () => {
  it('fetches a paper’s HTML once, parses it, and caches it in the database with its fetch time', async () => {
    const sparse = paper('2507.04211');
    const first = await library().forPaper(sparse);
    expect(first.status).toBe('found');
    if (first.status !== 'found') return;
    expect(outline(first.text)).toContain('4 Experiments');
    expect(first.record).toMatchObject({ paperId: '2507.04211', url: `${server.url}/html/2507.04211`, fetchedAt: '2025-07-24T12:00:00.000Z', status: 'found' });
    expect(server.requestsTo('/html/')).toHaveLength(1);
    expect(server.requestsTo('/html/')[0]!.headers['user-agent']).toBe('paperboy-test');

    // A restarted bot reads the cache: no second request to arXiv.
    const again = await library().forPaper(sparse);
    expect(again).toEqual(first);
    expect(server.requestsTo('/html/')).toHaveLength(1);
    expect((await stores.fullTexts.get('2507.04211'))?.text).toEqual(first.text);
  });

  it('shares one fetch among everyone asking at once', async () => {
    const lib = library();
    const release = server.hold('/html/');
    const asks = [lib.forPaper(paper('2507.05832')), lib.forPaper(paper('2507.05832')), lib.forPaper(paper('2507.05832'))];
    await expect.poll(() => server.requestsTo('/html/').length).toBe(1);
    release();
    const outcomes = await Promise.all(asks);
    expect(outcomes.map((o) => o.status)).toEqual(['found', 'found', 'found']);
    expect(server.requestsTo('/html/')).toHaveLength(1);
  });

  it('records a 404 as missing (abstract only) and asks arXiv again only after a week', async () => {
    const lib = library();
    const unrendered = paper('2507.00404');
    expect(await lib.forPaper(unrendered)).toEqual({ status: 'missing' });
    expect(await stores.fullTexts.get('2507.00404')).toMatchObject({ status: 'missing', fetchedAt: '2025-07-24T12:00:00.000Z' });
    expect(await lib.forPaper(unrendered)).toEqual({ status: 'missing' });
    expect(server.requestsTo('/html/')).toHaveLength(1);
    clock.advance(RETRY_MISSING_AFTER_MS);
    expect(await lib.forPaper(unrendered)).toEqual({ status: 'missing' });
    expect(server.requestsTo('/html/')).toHaveLength(2);
  });

  it('records a page that is not a LaTeXML paper as unusable', async () => {
    server.script('/html/2507.04211', [{ status: 200, body: '<html><body><p>Conversion to HTML had a fatal error.</p></body></html>' }]);
    expect(await library().forPaper(paper('2507.04211'))).toEqual({ status: 'unusable' });
    expect(await stores.fullTexts.get('2507.04211')).toMatchObject({ status: 'unusable' });
    server.script('/html/2507.05832', [{ status: 200, body: `${fixture('fulltext/malformed.html')}</body></html>` }]);
    expect(await library().forPaper(paper('2507.05832'))).toEqual({ status: 'unusable' });
  });

  it('retries a page cut short instead of caching half a paper', async () => {
    server.script('/html/2507.06120', [{ status: 200, body: fixture('fulltext/2507.06120.html').slice(0, 3000) }]);
    const outcome = await library().forPaper(paper('2507.06120'));
    expect(outcome.status).toBe('found');
    expect(server.requestsTo('/html/')).toHaveLength(2);
    if (outcome.status === 'found') expect(outline(outcome.text)).toContain('A Hyperparameters');
  });

  it('does not cache a failed fetch, and waits a while before asking arXiv again', async () => {
    const lib = library();
    server.script('/html/', [{ status: 503 }, { status: 503 }]);
    expect(await lib.forPaper(paper('2507.06120'))).toEqual({ status: 'failed' });
    expect(await stores.fullTexts.get('2507.06120')).toBeUndefined();
    expect(log.records.some((r) => r.level === 'warn' && r.message === 'could not fetch the full text')).toBe(true);
    const asked = server.requestsTo('/html/').length;
    expect(await lib.forPaper(paper('2507.06120'))).toEqual({ status: 'failed' });
    expect(server.requestsTo('/html/')).toHaveLength(asked);
    clock.advance(FAILURE_COOLDOWN_MS);
    expect((await lib.forPaper(paper('2507.06120'))).status).toBe('found');
  });

  it('never fetches for a paper without an arXiv id, nor without a fetcher', async () => {
    expect(await library().forPaper(paper(undefined, 'A bundled paper'))).toEqual({ status: 'unavailable' });
    const offline = new FullTextLibrary({ store: stores.fullTexts, clock, log });
    expect(await offline.forPaper(paper('2507.04211'))).toEqual({ status: 'unavailable' });
    expect(server.requests).toEqual([]);
  });

  it('keeps arXiv’s pace across the API and the HTML pages: one queue, 3 s apart', async () => {
    const http = arxivHttp();
    const api = createArxivClient({ http, clock, log, rssBaseUrl: server.url });
    const lib = library(http);
    await Promise.all([
      api.query({ searchQuery: 'cat:cs.LG', maxResults: 2, pageSize: 2 }),
      lib.forPaper(paper('2507.07345')),
      lib.forPaper(paper('2507.08019')),
    ]);
    const times = server.requests.map((r) => r.at);
    expect(server.requests.map((r) => r.path)).toEqual(['/api/query', '/html/2507.07345', '/html/2507.08019']);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(3000);
  });

  it('only reads the cache when asked for what is cached (cards never wait for arXiv)', async () => {
    const lib = library();
    expect(await lib.cached(paper('2507.09264'))).toEqual({ status: 'unavailable' });
    expect(server.requests).toEqual([]);
    await lib.forPaper(paper('2507.09264'));
    expect((await library().cached(paper('2507.09264'))).status).toBe('found');
  });
});
