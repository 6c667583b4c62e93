import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/logger.ts';
import type { Paper, ParseContext } from '../../src/corpus/paper.ts';
import { parseArxivAtom } from '../../src/corpus/sources/arxiv-atom.ts';
import { parseArxivRss } from '../../src/corpus/sources/arxiv-rss.ts';
import { ArxivApiError, MalformedResponseError } from '../../src/corpus/sources/errors.ts';
import { parseHfDailyPapers } from '../../src/corpus/sources/hf-daily.ts';
import { parseHfPaperDetail } from '../../src/corpus/sources/hf-paper.ts';
import { HfUserSchema } from '../../src/corpus/sources/hf-schema.ts';

const observedAt = new Date('2025-01-24T12:00:00Z');

function context(): ParseContext & { log: MemoryLogger } {
  return { observedAt, log: new MemoryLogger() };
}

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** A fresh copy of the Daily Papers fixture, safe to mutate. */
function dailyItems(): Array<{ paper: Record<string, unknown> } & Record<string, unknown>> {
  return JSON.parse(fixture('hf-daily-papers.json'));
}

function byId(papers: Paper[], id: string): Paper {
  const paper = papers.find((p) => p.id === id);
  if (!paper) throw new Error(`no paper ${id} in [${papers.map((p) => p.id).join(', ')}]`);
  return paper;
}

describe('parseHfDailyPapers', () => {
  const { papers, rejected } = parseHfDailyPapers(JSON.parse(fixture('hf-daily-papers.json')), context());

  it('parses every fixture item', () => {
    expect(rejected).toEqual([]);
    expect(papers.map((p) => p.id)).toEqual([
      '2501.14249', '2501.13926', '2501.14342', '2501.12948', '2501.13106', '2501.06252', '2501.12599', '2501.09891',
    ]);
    expect(papers.every((p) => p.sources.join() === 'hf-daily')).toBe(true);
  });

  it('puts upvotes (from paper), comments (from the item) and stars in signals, stamped observedAt', () => {
    const r1 = byId(papers, '2501.12948');
    expect(r1.signals).toEqual({ upvotes: 372, comments: 9, githubStars: 91240, observedAt: '2025-01-24T12:00:00.000Z' });
    expect(r1.featuredOn).toBe('2025-01-23');
    expect(r1.publishedAt).toBe('2025-01-22T15:19:35.000Z');
    expect(r1.links.github).toBe('https://github.com/deepseek-ai/DeepSeek-R1');
  });

  it('shows a TeX title readably and keeps the raw one', () => {
    const paper = byId(papers, '2501.06252');
    expect(paper.title).toBe('$\\text{Transformer}^2$: Self-adaptive LLMs');
    expect(paper.titleDisplay).toBe('Transformer²: Self-adaptive LLMs');
    expect(paper.abstractDisplay).toContain('We introduce implname, a novel');
  });

  it('parses items without githubRepo or ai_summary', () => {
    const noRepo = byId(papers, '2501.14342');
    expect(noRepo.links.github).toBeUndefined();
    expect(noRepo.signals).toEqual({ upvotes: 7, comments: 0, observedAt: '2025-01-24T12:00:00.000Z' });
    const noSummary = byId(papers, '2501.13926');
    expect(noSummary.aiSummary).toBeUndefined();
    expect(noSummary.keywords).toEqual([]);
  });

  it('keeps the AI summary, keywords, project page and display abstract when present', () => {
    const hle = byId(papers, '2501.14249');
    expect(hle.aiSummary).toMatch(/^Humanity's Last Exam is a 3,000-question/);
    expect(hle.keywords).toContain('multi-modal benchmark');
    expect(hle.links.project).toBe('https://lastexam.ai');
    expect(hle.abstractDisplay).toContain('over 90% accuracy');
  });

  it('makes a summary with stray newlines one paragraph', () => {
    expect(byId(papers, '2501.13106').abstract).toContain('understanding. Instead of preparing');
  });

  it('accepts a submittedOnDailyBy that has only `user`, and resolves its relative avatar', () => {
    const submitter = dailyItems().find((item) => item.paper['id'] === '2501.06252')!.paper['submittedOnDailyBy'];
    expect(submitter).not.toHaveProperty('name');
    expect(HfUserSchema.parse(submitter)).toMatchObject({
      username: 'QiSun',
      avatarUrl: 'https://huggingface.co/avatars/5c0b8c2b1f4e9a7d3e6f1a2b4c8d9e0f.svg',
    });
  });

  it('drops hidden authors and rejects withdrawn papers', () => {
    const items = dailyItems().slice(0, 2);
    const authors = items[0]!.paper['authors'] as Array<{ name: string; hidden: boolean }>;
    authors[0]!.hidden = true;
    items[1]!.paper['withdrawnAt'] = '2025-01-25T00:00:00.000Z';
    const outcome = parseHfDailyPapers(items, context());
    expect(outcome.papers.map((p) => p.id)).toEqual(['2501.14249']);
    expect(outcome.papers[0]!.authors).not.toContain('Long Phan');
    expect(outcome.papers[0]!.authors[0]).toBe('Alice Gatti');
    expect(outcome.rejected).toEqual([{ index: 1, id: '2501.13926', reason: 'withdrawn' }]);
  });

  it('skips and logs an item with a malformed date and one without a title; the rest survive', () => {
    const items = dailyItems();
    items[1]!.paper['publishedAt'] = 'last Tuesday';
    delete items[2]!.paper['title'];
    const ctx = context();
    const outcome = parseHfDailyPapers(items, ctx);
    expect(outcome.papers).toHaveLength(6);
    expect(outcome.papers.map((p) => p.id)).not.toContain('2501.13926');
    expect(outcome.rejected).toEqual([
      { index: 1, id: '2501.13926', reason: expect.stringContaining('paper.publishedAt') },
      { index: 2, id: '2501.14342', reason: expect.stringContaining('paper.title') },
    ]);
    expect(ctx.log.records).toEqual([
      {
        level: 'warn',
        message: 'skipped an invalid item',
        fields: { source: 'hf-daily', index: 1, id: '2501.13926', reason: outcome.rejected[0]!.reason },
      },
      {
        level: 'warn',
        message: 'skipped an invalid item',
        fields: { source: 'hf-daily', index: 2, id: '2501.14342', reason: outcome.rejected[1]!.reason },
      },
    ]);
  });

  it('throws MalformedResponseError when the body is not an array', () => {
    expect(() => parseHfDailyPapers({ error: 'Invalid date' }, context())).toThrow(MalformedResponseError);
    expect(() => parseHfDailyPapers('<html>', context())).toThrow(MalformedResponseError);
  });
});

describe('parseHfPaperDetail', () => {
  it('parses the flat paper detail, without a comment count', () => {
    const { papers, rejected } = parseHfPaperDetail(JSON.parse(fixture('hf-paper.json')), context());
    expect(rejected).toEqual([]);
    expect(papers).toHaveLength(1);
    const paper = papers[0]!;
    expect(paper).toMatchObject({ id: '2501.12948', sources: ['hf-paper'], featuredOn: '2025-01-23' });
    expect(paper.authors).toHaveLength(11);
    expect(paper.signals).toEqual({ upvotes: 372, githubStars: 91240, observedAt: '2025-01-24T12:00:00.000Z' });
  });

  it('rejects and logs an invalid body', () => {
    const ctx = context();
    const outcome = parseHfPaperDetail({ error: 'Not Found' }, ctx);
    expect(outcome.papers).toEqual([]);
    expect(outcome.rejected).toHaveLength(1);
    expect(outcome.rejected[0]!.reason).toContain('title');
    expect(ctx.log.records[0]).toMatchObject({ level: 'warn', message: 'skipped an invalid item', fields: { source: 'hf-paper' } });
  });

  it('throws MalformedResponseError when the body is not an object', () => {
    expect(() => parseHfPaperDetail([], context())).toThrow(MalformedResponseError);
    expect(() => parseHfPaperDetail(null, context())).toThrow(MalformedResponseError);
  });
});

/** An arXiv API feed around the given entries. */
function atomFeed(entries: string, total = 1): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <opensearch:totalResults>${total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>10</opensearch:itemsPerPage>
  ${entries}
</feed>`;
}

function atomEntry(id: string, title: string, extra = ''): string {
  return `<entry>
    <id>http://arxiv.org/abs/${id}</id>
    <title>${title}</title>
    <updated>2025-01-02T00:00:00Z</updated>
    <published>2025-01-01T00:00:00Z</published>
    <summary>An abstract.</summary>
    <author><name>Ann Lee</name></author>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <arxiv:primary_category term="cs.LG"/>
    ${extra}
  </entry>`;
}

describe('parseArxivAtom', () => {
  const outcome = parseArxivAtom(fixture('arxiv-query.atom.xml'), context());
  const { papers } = outcome;

  it('reads the paging numbers and all five entries', () => {
    expect(outcome).toMatchObject({ totalResults: 5, startIndex: 0, itemsPerPage: 10, rejected: [] });
    expect(papers.map((p) => p.id)).toEqual(['1706.03762', '2203.02155', '2410.24164', '2501.00663', 'hep-th/9711200']);
    expect(papers.every((p) => p.sources.join() === 'arxiv-api')).toBe(true);
  });

  it('keeps the version apart and links to the unversioned paper', () => {
    const attention = byId(papers, '1706.03762');
    expect(attention.version).toBe(7);
    expect(attention.links).toEqual({
      abs: 'https://arxiv.org/abs/1706.03762',
      pdf: 'https://arxiv.org/pdf/1706.03762',
      hf: 'https://huggingface.co/papers/1706.03762',
    });
    expect(attention).toMatchObject({
      publishedAt: '2017-06-12T17:57:34.000Z',
      updatedAt: '2023-08-02T00:41:18.000Z',
      comment: '15 pages, 5 figures',
      primaryCategory: 'cs.CL',
      categories: ['cs.CL', 'cs.LG'],
    });
  });

  it('collapses a title that breaks across lines, and unwraps the abstract', () => {
    const instructGpt = byId(papers, '2203.02155');
    expect(instructGpt.title).toBe('Training language models to follow instructions with human feedback');
    expect(instructGpt.abstract).toMatch(/^Making language models bigger does not inherently make them better at following/);
    expect(instructGpt.abstract).not.toContain('\n');
    expect(instructGpt.comment).toBeUndefined();
  });

  it('shows the π₀ title, and does not take a non-GitHub comment URL as code', () => {
    const pi0 = byId(papers, '2410.24164');
    expect(pi0.titleDisplay).toBe('π₀: A Vision-Language-Action Flow Model for General Robot Control');
    expect(pi0.version).toBe(3);
    expect(pi0.links.github).toBeUndefined();
  });

  it('parses the old-style hep-th entry: id, version, author, journal ref, DOI, & decoded once', () => {
    const maldacena = byId(papers, 'hep-th/9711200');
    expect(maldacena).toMatchObject({
      arxivId: 'hep-th/9711200',
      version: 3,
      authors: ['Juan M. Maldacena'],
      journalRef: 'Adv.Theor.Math.Phys.2:231-252,1998',
      doi: '10.1023/A:1026654312961',
      primaryCategory: 'hep-th',
      comment: '20 pages, harvmac, v2: section on AdS_2 corrected, references added, v3: More references added',
    });
    expect(maldacena.abstract).toMatch(/\$AdS_5 \\times S\^5\$ & string theory\.$/);
    expect(maldacena.abstractDisplay).toMatch(/the “extra” supersymmetries/);
    expect(maldacena.abstractDisplay).toMatch(/its relation to AdS₅ × S⁵ & string theory\.$/);
  });

  it('decodes a double-escaped entity exactly once more', () => {
    const xml = atomFeed(atomEntry('2501.00001v1', 'Q&amp;amp;A for x &amp;lt; y &amp; z'));
    expect(parseArxivAtom(xml, context()).papers[0]!.title).toBe('Q&A for x < y & z');
  });

  it('takes a GitHub repository out of the author comment', () => {
    const comment = '<arxiv:comment>Code: https://github.com/acme/widget/tree/main.</arxiv:comment>';
    const xml = atomFeed(atomEntry('2501.00001v2', 'Widgets', comment));
    expect(parseArxivAtom(xml, context()).papers[0]!.links.github).toBe('https://github.com/acme/widget');
  });

  it('skips and logs an entry whose id is not an arXiv id; the rest survive', () => {
    const ctx = context();
    const xml = atomFeed(atomEntry('not-an-id', 'Broken') + atomEntry('2501.00002v1', 'Fine'), 2);
    const { papers: parsed, rejected } = parseArxivAtom(xml, ctx);
    expect(parsed.map((p) => p.id)).toEqual(['2501.00002']);
    expect(rejected).toEqual([{ index: 0, id: 'http://arxiv.org/abs/not-an-id', reason: expect.stringContaining('not an arXiv id') }]);
    expect(ctx.log.records).toMatchObject([{ level: 'warn', fields: { source: 'arxiv-api', index: 0 } }]);
  });

  it('throws ArxivApiError for the Error entry', () => {
    const xml = atomFeed(`<entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <updated>2025-01-24T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>`);
    expect(() => parseArxivAtom(xml, context())).toThrow(ArxivApiError);
    expect(() => parseArxivAtom(xml, context())).toThrow(/^incorrect id format for 1234\.12345$/);
  });

  it.each([
    ['an empty body', ''],
    ['plain text', 'Rate exceeded.'],
    ['JSON', '{"error":"nope"}'],
    ['truncated XML', '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'],
    ['another XML document', '<html><body>Service unavailable</body></html>'],
    ['a feed without totalResults', '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'],
  ])('throws MalformedResponseError for %s', (_label, body) => {
    expect(() => parseArxivAtom(body, context())).toThrow(MalformedResponseError);
  });
});

/** An arXiv RSS feed around the given items. */
function rssFeed(items: string, pubDate = 'Thu, 23 Jan 2025 00:00:00 -0500'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel><title>cs.LG updates on arXiv.org</title><pubDate>${pubDate}</pubDate>${items}</channel>
</rss>`;
}

describe('parseArxivRss', () => {
  const outcome = parseArxivRss(fixture('arxiv-rss-cs-LG.xml'), context());
  const { papers } = outcome;

  it('parses all four items and the announcement day', () => {
    expect(outcome.rejected).toEqual([]);
    expect(outcome.announcedOn).toBe('2025-01-23');
    expect(papers.map((p) => [p.id, p.version, p.announceType])).toEqual([
      ['2501.00663', 1, 'new'],
      ['2501.12948', 1, 'cross'],
      ['1412.6980', 9, 'replace'],
      ['2106.09685', 2, 'replace-cross'],
    ]);
  });

  it('takes the abstract after the description header, and the first category as primary', () => {
    const deepseek = byId(papers, '2501.12948');
    expect(deepseek.abstract).toMatch(/^We introduce our first-generation reasoning models/);
    expect(deepseek.primaryCategory).toBe('cs.CL');
    expect(deepseek.categories).toEqual(['cs.CL', 'cs.AI', 'cs.LG']);
    expect(deepseek.authors).toHaveLength(11);
    expect(deepseek.authors[0]).toBe('DeepSeek-AI');
  });

  it('dates first announcements as published and replacements as updated', () => {
    expect(byId(papers, '2501.00663').publishedAt).toBe('2025-01-23T05:00:00.000Z');
    const adam = byId(papers, '1412.6980');
    expect(adam.publishedAt).toBeUndefined();
    expect(adam.updatedAt).toBe('2025-01-23T05:00:00.000Z');
  });

  it('reads arxiv:journal_reference and arxiv:DOI', () => {
    expect(byId(papers, '1412.6980').journalRef).toMatch(/^Published as a conference paper at the 3rd International/);
    expect(byId(papers, '2106.09685').doi).toBe('10.48550/arXiv.2106.09685');
  });

  it('keeps only new and cross announcements when asked, without rejecting the others', () => {
    const filtered = parseArxivRss(fixture('arxiv-rss-cs-LG.xml'), { ...context(), announceTypes: ['new', 'cross'] });
    expect(filtered.papers.map((p) => p.id)).toEqual(['2501.00663', '2501.12948']);
    expect(filtered.rejected).toEqual([]);
  });

  it('splits creators on commas outside parentheses and drops affiliations', () => {
    const xml = rssFeed(`<item>
      <title>A Paper</title>
      <link>https://arxiv.org/abs/2501.00001</link>
      <description>arXiv:2501.00001v1 Announce Type: new 
Abstract: Short.</description>
      <guid isPermaLink="false">oai:arXiv.org:2501.00001v1</guid>
      <category>cs.LG</category>
      <arxiv:announce_type>new</arxiv:announce_type>
      <dc:creator>Ann Lee (MIT, Cambridge, USA), Bo Chen, Carla Díaz (ETH Z\\"urich)</dc:creator>
    </item>`);
    expect(parseArxivRss(xml, context()).papers[0]!.authors).toEqual(['Ann Lee', 'Bo Chen', 'Carla Díaz']);
  });

  it('falls back to the description for the id, and keeps an unrecognised description whole', () => {
    const xml = rssFeed(`<item>
      <title>No Guid</title>
      <link>https://arxiv.org/abs/2501.00002</link>
      <description>arXiv:2501.00002v4 Announce Type: replace 
Abstract: The abstract.</description>
      <category>cs.LG</category>
      <dc:creator>Ann Lee</dc:creator>
    </item>
    <item>
      <title>Odd Description</title>
      <link>https://arxiv.org/abs/2501.00003</link>
      <description>Just an abstract, no header.</description>
      <category>cs.LG</category>
      <dc:creator>Bo Chen</dc:creator>
    </item>`);
    const { papers: parsed } = parseArxivRss(xml, context());
    expect(parsed.map((p) => [p.id, p.version, p.announceType, p.abstract])).toEqual([
      ['2501.00002', 4, 'replace', 'The abstract.'],
      ['2501.00003', undefined, undefined, 'Just an abstract, no header.'],
    ]);
  });

  it('takes the announcement day as written in Eastern time, not after UTC conversion', () => {
    expect(parseArxivRss(rssFeed('', 'Thu, 23 Jan 2025 23:30:00 -0500'), context()).announcedOn).toBe('2025-01-23');
  });

  it.each([
    ['an empty body', ''],
    ['an Atom feed', fixture('arxiv-query.atom.xml')],
    ['HTML', '<html><body>Service unavailable</body></html>'],
  ])('throws MalformedResponseError for %s', (_label, body) => {
    expect(() => parseArxivRss(body, context())).toThrow(MalformedResponseError);
  });
});
