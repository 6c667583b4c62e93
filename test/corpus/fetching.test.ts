import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { parseRetryAfter, SourceFetchError, SourceHttpClient, type SourceHttpOptions } from '../../src/corpus/http/source-http.ts';
import { createArxivClient } from '../../src/corpus/sources/arxiv-client.ts';
import { MalformedResponseError } from '../../src/corpus/sources/errors.ts';
import { createHfDailyPapersClient } from '../../src/corpus/sources/hf-client.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';

const SECRET = 'hf_TopSecretToken123';

let server: FakeSourcesServer;
let clock: ManualClock;
let log: MemoryLogger;

beforeEach(async () => {
  clock = new ManualClock('2025-01-24T12:00:00Z');
  log = new MemoryLogger();
  server = await new FakeSourcesServer(clock).start();
});
afterEach(() => server.close());

/** An HTTP client on the fake; `random: () => 1` makes backoff the full 1000, 2000, … ms. */
function http(overrides: Partial<SourceHttpOptions> = {}): SourceHttpClient {
  return new SourceHttpClient({
    source: 'hf',
    baseUrl: server.url,
    userAgent: 'Paperboy-test/0 (mailto:test@example.invalid)',
    clock,
    log,
    random: () => 1,
    ...overrides,
  });
}

const hf = (overrides: Partial<SourceHttpOptions> = {}) => createHfDailyPapersClient({ http: http(overrides), clock, log });

function arxiv(overrides: Partial<SourceHttpOptions> = {}) {
  const client = http({ source: 'arxiv', minIntervalMs: 3000, maxAttempts: 5, ...overrides });
  return createArxivClient({ http: client, clock, log, rssBaseUrl: server.url });
}

const warnings = () => log.records.filter((r) => r.level === 'warn');

describe('parseRetryAfter', () => {
  const now = new Date('2025-01-24T12:00:00Z');

  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Fri, 24 Jan 2025 12:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Fri, 24 Jan 2025 11:00:00 GMT' }), now)).toBe(0);
  });

  it('reads the HF RateLimit header only when no requests remain', () => {
    expect(parseRetryAfter(new Headers({ ratelimit: '"api";r=0;t=42' }), now)).toBe(42_000);
    expect(parseRetryAfter(new Headers({ ratelimit: '"api";r=12;t=42' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': '3', ratelimit: '"api";r=0;t=42' }), now)).toBe(3000);
  });

  it('ignores absent or unreadable headers', () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('SourceHttpClient retries', () => {
  it('waits exactly the Retry-After after a 429, then returns one batch', async () => {
    server.script('/api/daily_papers', [{ status: 429, headers: { 'retry-after': '7' } }]);
    const outcome = await hf().dailyPapers({ date: '2025-01-23' });
    expect(clock.sleeps).toEqual([7000]);
    expect(outcome.papers.map((p) => p.arxivId).sort()).toEqual(['2501.06252', '2501.12948', '2501.13106']);
    expect(server.requestsTo('/api/daily_papers')).toHaveLength(2);
    expect(warnings()).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ source: 'hf', status: 429, attempt: 1, waitMs: 7000 }) }),
    ]);
  });

  it('honours the HF RateLimit reset on a 429 and after a success that used the last request', async () => {
    server.script('/api/papers', [
      { status: 429, headers: { ratelimit: '"api";r=0;t=42' } },
      { headers: { ratelimit: '"api";r=0;t=5' } },
    ]);
    const client = http();
    await client.getText('/api/papers/2501.12948');
    expect(clock.sleeps).toEqual([42_000]);
    await client.getText('/api/papers/2501.12948');
    expect(clock.sleeps).toEqual([42_000, 5000]);
  });

  it('caps a huge server-requested wait and logs it', async () => {
    server.script('/api/papers', [{ status: 503, headers: { 'retry-after': '86400' } }]);
    await http({ maxServerWaitMs: 60_000 }).getText('/api/papers/2501.12948');
    expect(clock.sleeps).toEqual([60_000]);
    expect(warnings()[0]?.fields).toMatchObject({ status: 503, waitMs: 60_000, serverWaitMs: 86_400_000, capped: true });
  });

  it('recovers from 500, 500 with exponential backoff', async () => {
    server.script('/api/papers', [{ status: 500 }, { status: 500 }]);
    const response = await http().getText('/api/papers/2501.12948');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ id: '2501.12948' });
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(warnings().map((w) => w.fields.attempt)).toEqual([1, 2]);
  });

  it('jitters the backoff between half and all of the exponential step', async () => {
    server.script('/api/papers', [{ status: 502 }, { status: 502 }]);
    await http({ random: () => 0 }).getText('/api/papers/2501.12948');
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('throws SourceFetchError with the attempt count when 500 persists', async () => {
    server.script('/api/papers', Array.from({ length: 3 }, () => ({ status: 500 })));
    const error = await http().getText('/api/papers/2501.12948').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceFetchError);
    expect(error).toMatchObject({ source: 'hf', path: '/api/papers/2501.12948', status: 500, attempts: 3 });
    expect((error as Error).message).toMatch(/hf: GET \/api\/papers\/2501\.12948 failed after 3 attempts \(HTTP 500\)/);
    expect(server.requestsTo('/api/papers')).toHaveLength(3);
    expect(warnings()).toHaveLength(2);
  });

  it('retries a response slower than timeoutMs, then succeeds', async () => {
    server.script('/api/papers', [{ delayMs: 1500 }]);
    const startedAt = Date.now();
    const response = await http({ timeoutMs: 150 }).getText('/api/papers/2501.12948');
    expect(response.status).toBe(200);
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(server.requestsTo('/api/papers')).toHaveLength(2);
    expect(warnings()[0]?.fields).toMatchObject({ reason: 'timed out after 150 ms', attempt: 1 });
  });

  it('retries network errors and reports them when they persist', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await http({ baseUrl: `http://127.0.0.1:${port}` }).getText('/api/papers/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SourceFetchError', attempts: 3, status: undefined });
    expect((error as SourceFetchError).reason).toMatch(/^network error/);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('fails at once on a 400 for bad parameters, with the server message', async () => {
    const error = await http().getText('/api/daily_papers?limit=101').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SourceFetchError', status: 400, attempts: 1 });
    expect((error as Error).message).toContain('between 1 and 100');
    expect(server.requestsTo('/api/daily_papers')).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(warnings()).toEqual([]);
  });

  it('sends the token and User-Agent but never logs the token', async () => {
    server.script('/api/daily_papers', [{ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }, { status: 500 }]);
    const error = await hf({ headers: { authorization: `Bearer ${SECRET}` } })
      .dailyPapers({ date: '2025-01-23' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceFetchError);
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${SECRET}`,
      'user-agent': 'Paperboy-test/0 (mailto:test@example.invalid)',
    });
    expect(warnings()).toHaveLength(2);
    expect(JSON.stringify(log.records)).not.toContain(SECRET);
    expect(String(error)).not.toContain(SECRET);
  });

  it('serializes concurrent requests and spaces their starts by minIntervalMs', async () => {
    const client = http({ minIntervalMs: 3000 });
    server.script('/api/papers', [{ delayMs: 100 }]);
    await Promise.all([1, 2, 3].map(() => client.getText('/api/papers/2501.12948')));
    const times = server.requestsTo('/api/papers').map((r) => r.at);
    expect(times).toEqual([times[0], times[0]! + 3000, times[0]! + 6000]);
    expect(clock.sleeps).toEqual([3000, 3000]);
  });
});

describe('Hugging Face client', () => {
  it('walks p=0,1,… and stops on a short page', async () => {
    const outcome = await hf().dailyPapers({}, { limit: 3 });
    expect(server.requestsTo('/api/daily_papers').map((r) => [r.query.get('p'), r.query.get('limit')])).toEqual([
      ['0', '3'],
      ['1', '3'],
      ['2', '3'],
    ]);
    expect(outcome.papers).toHaveLength(8);
    expect(new Set(outcome.papers.map((p) => p.id)).size).toBe(8);
    expect(outcome.papers[0]?.signals?.observedAt).toBe('2025-01-24T12:00:00.000Z');
  });

  it('stops at maxPages', async () => {
    const outcome = await hf().dailyPapers({}, { limit: 2, maxPages: 2 });
    expect(server.requestsTo('/api/daily_papers')).toHaveLength(2);
    expect(outcome.papers).toHaveLength(4);
    expect(warnings()[0]?.message).toMatch(/maxPages/);
  });

  it('rejects malformed windows and paging before any request', async () => {
    const client = hf();
    await expect(client.dailyPapers({ date: '2025-13-40' })).rejects.toThrow(/date must be YYYY-MM-DD/);
    await expect(client.dailyPapers({ date: '2025-02-30' })).rejects.toThrow(/date/);
    await expect(client.dailyPapers({ week: '2025-W53' })).rejects.toThrow(/W01 to W52/);
    await expect(client.dailyPapers({ month: '2025-1' })).rejects.toThrow(/month must be YYYY-MM/);
    await expect(client.dailyPapers({}, { limit: 101 })).rejects.toThrow(/limit/);
    await expect(client.paper('../../etc')).rejects.toThrow(/not an arXiv id/);
    expect(server.requests).toEqual([]);
  });

  it('passes a valid window through', async () => {
    await hf().dailyPapers({ week: '2025-W04' });
    await hf().dailyPapers({ month: '2025-01' });
    expect(server.requests.map((r) => [r.query.get('week'), r.query.get('month')])).toEqual([
      ['2025-W04', null],
      [null, '2025-01'],
    ]);
  });

  it('turns a malformed JSON body into a clear error, not a partial batch', async () => {
    server.script('/api/daily_papers', [{}, { body: '{not json' }]);
    const error = await hf().dailyPapers({}, { limit: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/\/api\/daily_papers\?p=1&limit=3 returned a body that is not JSON/);
    expect(server.requestsTo('/api/daily_papers')).toHaveLength(2);
  });

  it('reads one paper detail, and a 404 for an unknown one', async () => {
    const client = hf();
    const outcome = await client.paper('arXiv:2501.12948v2');
    expect(outcome.papers.map((p) => p.arxivId)).toEqual(['2501.12948']);
    expect(server.requests[0]?.path).toBe('/api/papers/2501.12948');
    await expect(client.paper('1234.56789')).rejects.toMatchObject({ name: 'SourceFetchError', status: 404, attempts: 1 });
  });
});

describe('arXiv client', () => {
  it('retries an empty body, then parses the feed', async () => {
    server.script('/api/query', [{ body: '' }]);
    const outcome = await arxiv().query({ idList: ['1706.03762', '2203.02155', '2410.24164v3', '2501.00663', 'hep-th/9711200'] });
    expect(outcome.papers).toHaveLength(5);
    expect(server.requestsTo('/api/query')).toHaveLength(2);
    expect(warnings()[0]?.fields).toMatchObject({ source: 'arxiv', reason: 'incomplete body', attempt: 1, waitMs: 3000 });
  });

  it('pages start += pageSize with ≥ 3 s between requests', async () => {
    const outcome = await arxiv().query({ searchQuery: 'cat:cs.LG', pageSize: 2 });
    const requests = server.requestsTo('/api/query');
    expect(requests.map((r) => [r.query.get('start'), r.query.get('max_results')])).toEqual([
      ['0', '2'],
      ['2', '2'],
      ['4', '2'],
    ]);
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.at - requests[i - 1]!.at).toBeGreaterThanOrEqual(3000);
    expect(clock.sleeps).toEqual([3000, 3000]);
    expect(new Set(outcome.papers.map((p) => p.id)).size).toBe(5);
  });

  it('stops at maxResults', async () => {
    const outcome = await arxiv().query({ searchQuery: 'cat:cs.LG', pageSize: 2, maxResults: 3 });
    expect(server.requestsTo('/api/query').map((r) => r.query.get('max_results'))).toEqual(['2', '1']);
    expect(outcome.papers).toHaveLength(3);
  });

  it('needs a query or ids', async () => {
    await expect(arxiv().query({})).rejects.toThrow(/searchQuery or an idList/);
    expect(server.requests).toEqual([]);
  });

  it('reads RSS for joined categories, keeping new and cross by default', async () => {
    const outcome = await arxiv().rss(['cs.LG', 'cs.AI']);
    expect(server.requests.map((r) => r.path)).toEqual(['/rss/cs.LG+cs.AI']);
    expect(outcome.papers.map((p) => p.announceType)).toEqual(['new', 'cross']);
  });
});
