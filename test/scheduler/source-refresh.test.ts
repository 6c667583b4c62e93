import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { createPaperSources } from '../../src/corpus/paper-sources.ts';
import { nextCronRun } from '../../src/scheduler/source-refresh.ts';
import { silentLogger } from '../../src/logger.ts';
import { testBot } from '../helpers/bot.ts';
import { testLibrary } from '../helpers/library.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';

const servers: FakeSourcesServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('polling the real source clients against local fake sources', () => {
  it('brings Hugging Face and arXiv papers into the corpus on their schedules, one paper per arXiv id', async () => {
    const server = await new FakeSourcesServer().start();
    servers.push(server);
    const config = readConfig({
      SOURCES: 'hf-daily,arxiv-rss,arxiv-api',
      HF_BASE_URL: server.url,
      ARXIV_API_URL: server.url,
      ARXIV_RSS_URL: server.url,
      ARXIV_CATEGORIES: 'cs.LG',
    });
    // The fake serves the Daily Papers fixture for 2025-01-24; the clock stands on that day.
    const library = await testLibrary({ now: '2025-01-24T10:00:00Z' });
    const sources = createPaperSources(config.sources, { clock: library.clock, log: silentLogger });
    expect(sources.map((s) => [s.name, s.schedule])).toEqual([
      ['hf-daily', '15 * * * *'],
      ['arxiv-rss', '30 5 * * *'],
      ['arxiv-api', '0 */6 * * *'],
    ]);
    const polled = await testBot({ library, sources });
    await polled.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    const states = await polled.stores.sources.all();
    expect(states.map((s) => [s.source, s.consecutiveFailures])).toEqual([['arxiv-api', 0], ['arxiv-rss', 0], ['hf-daily', 0]]);
    const papers = polled.library;
    expect((await papers.get('2501.14249'))?.sources).toEqual(['hf-daily']); // featured on 2025-01-24
    expect((await papers.get('2501.00663'))?.sources.sort()).toEqual(['arxiv-api', 'arxiv-rss']); // Titans: in both arXiv feeds
    expect(await papers.get('1412.6980')).toBeUndefined(); // RSS "replace" items are not new papers
    expect((await polled.exec('search humanity last exam')).reply.fallbackText).toContain("Humanity's Last Exam");
    // Hourly at :15: 10:00 (first fetch) and 10:15.
    expect(server.requests.filter((r) => r.path === '/api/daily_papers').length).toBeGreaterThanOrEqual(2);
  });
});

describe('cron schedules', () => {
  it('finds the next matching minute in UTC, strictly after the given instant', () => {
    expect(nextCronRun('15 * * * *', new Date('2025-01-24T10:15:00Z'))?.toISOString()).toBe('2025-01-24T11:15:00.000Z');
    expect(nextCronRun('30 5 * * 1-5', new Date('2025-01-24T06:00:00Z'))?.toISOString()).toBe('2025-01-27T05:30:00.000Z');
  });

  it('agrees with a minute-by-minute search by node-cron itself, rare schedules included', () => {
    const expressions = ['15 * * * *', '30 5 * * 1-5', '*/15 9-17 * * mon-fri', '0 0 1 1 *', '0 6 L * *', '5 4 29 2 *', '0 12 * * 0', '59 23 31 * *'];
    const starts = ['2025-01-24T10:15:00Z', '2025-02-28T23:59:30Z', '2025-12-31T23:58:00Z', '2024-02-27T04:05:00Z', '2025-03-30T00:59:59Z'];
    for (const expression of expressions) {
      const task = cron.createTask(expression, () => undefined, { timezone: 'UTC' });
      for (const start of starts) {
        const after = new Date(start);
        let expected: string | undefined;
        const first = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
        for (let minute = 0; minute < 8 * 24 * 60 && expected === undefined; minute++) {
          if (task.match(new Date(first + minute * 60_000))) expected = new Date(first + minute * 60_000).toISOString();
        }
        expect(nextCronRun(expression, after)?.toISOString(), `${expression} after ${start}`).toBe(expected);
      }
      task.destroy();
    }
  });

  it('parses each schedule once, however often the job loop asks (node-cron keeps every task it creates)', () => {
    nextCronRun('7 * * * *', new Date('2025-01-24T10:00:00Z'));
    const registered = cron.getTasks().size;
    for (let minute = 0; minute < 500; minute++) nextCronRun('7 * * * *', new Date(Date.UTC(2025, 0, 24, 10, minute)));
    expect(cron.getTasks().size).toBe(registered);
  });
});
