import { describe, expect, it } from 'vitest';
import { corpusSummary } from '../../commands/presenters/bundled.ts';
import { createPaper } from '../../src/corpus/paper.ts';
import { headingsOf, testBot, textOf } from '../helpers/bot.ts';
import { addPapers } from '../helpers/library.ts';

/** A paper a source brought today, with a date and upvotes. */
const dated = createPaper({
  arxivId: '2501.00007', title: 'Sparse Transport Maps for Diffusion', abstract: 'We learn sparse transport maps for diffusion models.',
  authors: ['Ada Lovelace'], featuredOn: '2025-01-24', publishedAt: '2025-01-23T00:00:00Z',
  signals: { upvotes: 12, observedAt: '2025-01-24T12:00:00Z' }, source: 'hf-daily',
});

describe('the bundled corpus says what it lacks', () => {
  it('says why today, this week and this month are one list when no paper has a date', async () => {
    const bot = await testBot();
    const lists = [];
    for (const window of ['today', 'week', 'month']) {
      const result = await bot.exec(`trending ${window}`);
      expect(textOf(result.reply)).toContain("These papers have no dates or upvotes, so today, this week and this month are the same list: the trending page's order. For real trending, connect a source with SOURCES=hf-daily in .env.");
      lists.push(headingsOf(result.reply));
    }
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
  });

  it('once a dated paper exists, trending is about dated papers; the bundled ones stay searchable', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' });
    await addPapers(bot, [dated]);
    const today = await bot.exec('trending today');
    expect(headingsOf(today.reply)).toEqual(['Sparse Transport Maps for Diffusion']);
    expect(textOf(today.reply)).not.toContain('no dates');
    expect(headingsOf((await bot.exec('trending month')).reply)).toEqual(['Sparse Transport Maps for Diffusion']);
    expect((await bot.exec('show monge gap')).outcome).toBe('ok');
    // Three days on, nothing is new today: this week instead, never the undated papers.
    bot.clock.advance(3 * 86_400_000);
    const later = await bot.exec('trending');
    expect(textOf(later.reply)).toContain('Nothing new today, so here is this week.');
    expect(headingsOf(later.reply)).toEqual(['Sparse Transport Maps for Diffusion']);
  });

  it('explains a filter or sort the bundled papers cannot match, and a lookup by arXiv id', async () => {
    const bot = await testBot();
    const since = await bot.exec('search diffusion since:7d');
    expect(since.outcome).toBe('user-error');
    expect(since.reply.fallbackText).toContain('The 74 papers here are the bundled ones, which have no dates (title and abstract only); connect a source with SOURCES=hf-daily in .env for papers that do.');
    expect((await bot.exec('search author:Hinton')).reply.fallbackText).toMatch(/^No papers by Hinton found\. The 74 papers here are the bundled ones, which have no authors/);
    expect((await bot.exec('search transport min-upvotes:5')).reply.fallbackText).toMatch(/which have no upvotes/);
    const newest = await bot.exec('search transport sort:newest');
    expect(newest.outcome).toBe('ok');
    expect(textOf(newest.reply)).toContain('which have no dates (title and abstract only)');
    expect((await bot.exec('show 2501.12948')).reply.fallbackText).toMatch(/^No paper 2501\.12948 in the corpus\. The 74 papers here are the bundled ones, which have no arXiv ids/);
  });

  it('says nothing about bundled papers where the papers that matter have what was asked', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' });
    await addPapers(bot, [dated]);
    const result = await bot.exec('search transport since:7d');
    expect(headingsOf(result.reply)).toEqual(['Sparse Transport Maps for Diffusion']);
    expect(textOf(result.reply)).not.toContain('bundled');
  });

  it('says the sources configured will bring what the bundled papers lack', async () => {
    const bot = await testBot();
    expect(corpusSummary(bot.library.stats(), [])).toMatch(/\(connect a source with SOURCES=hf-daily in \.env for those\)$/);
    expect(corpusSummary(bot.library.stats(), ['hf-daily', 'arxiv-rss'])).toBe(
      '74 papers, all bundled so far: titles and abstracts of the trending page, without dates, authors, arXiv ids or upvotes (hf-daily or arxiv-rss will bring papers that have them)',
    );
  });

  it('reports in status what the corpus is', async () => {
    const status = (await (await testBot()).exec('status')).reply.fallbackText;
    expect(status).toContain('Papers: 74 papers, all bundled: titles and abstracts of the trending page, without dates, authors, arXiv ids or upvotes');
    const mixed = await testBot({ now: '2025-01-24T12:00:00Z' });
    await addPapers(mixed, [dated]);
    expect((await mixed.exec('status')).reply.fallbackText).toContain('Papers: 75 papers (74 of them bundled: title and abstract only)');
  });
});

describe('words', () => {
  it('says "the one paper" when a daily post has nothing new and one paper was trending', async () => {
    const bot = await testBot({ now: '2025-01-24T08:00:00Z' });
    await addPapers(bot, [dated]);
    await bot.exec('daily on 09:00 UTC');
    await bot.jobs.runUntil(new Date('2025-01-25T10:00:00Z'));
    const [first, second] = bot.platform.postsTo('C1');
    expect(headingsOf(first!.message)).toEqual(['Sparse Transport Maps for Diffusion']);
    expect(second!.message.fallbackText).toBe('Nothing new for Saturday 25 January: the one paper trending this week was posted here already.');
  });

  it('says when daily on keeps choices from the earlier setting, and when it drops a topic', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' });
    await bot.exec('daily on 07:15 Europe/Berlin top:3 topic:"optimal transport"');
    expect((await bot.exec('daily on weekdays')).reply.fallbackText).toBe(
      'Daily post on: every weekday at 07:15 Europe/Berlin, top 3. Next: Mon 2025-01-27 07:15 Europe/Berlin (in 2 d 18 h 15 min).'
      + ' Kept from the earlier setting: time 07:15, zone Europe/Berlin, top:3. The topic "optimal transport" is dropped; add topic:"optimal transport" to keep it.',
    );
  });

  it('cites a title with a superscript outside math mode as text LaTeX can set', async () => {
    const bot = await testBot();
    const bibtex = (await bot.exec('cite SP^2OT imbalanced clustering')).reply.fallbackText;
    expect(bibtex).toContain('title = {{SP\\textasciicircum{}2OT: Semantic-Regularized');
    expect(bibtex.replace(/\\textasciicircum\{\}/g, '')).not.toContain('^');
  });
});
