import { describe, expect, it } from 'vitest';
import { createPaper, titleId } from '../../src/corpus/paper.ts';
import { PaperIndex } from '../../src/index/paper-index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addPapers, testLibrary } from '../helpers/library.ts';

const titles = (results: { papers: { paper: { title: string } }[] }) => results.papers.map((r) => r.paper.title);

const bundled = await testLibrary();
const withSources = await testLibrary({ withSources: true });

describe('search on the bundled corpus', () => {
  const search = bundled.library;

  it('finds a paper by its title words, best match first', async () => {
    expect(titles(await search.search({ text: 'monge gap' }))[0]).toBe('The Monge Gap: A Regularizer to Learn All Transport Maps');
    expect(titles(await search.search({ text: 'sparsity constrained optimal transport' }))[0]).toBe('Sparsity-Constrained Optimal Transport');
  });

  it('still finds the paper when a title word has a one-letter typo', async () => {
    const cases: [string, string][] = [
      ['sparsty constrained optimal transport', 'Sparsity-Constrained Optimal Transport'], // deletion
      ['disentanglenent via latent quantization', 'Disentanglement via Latent Quantization'], // substitution
      ['weight compandder', 'Weight Compander: A Simple Weight Reparameterization for Regularization'], // insertion
      ['kinetic optiaml probability paths', 'On Kinetic Optimal Probability Paths for Generative Models'], // transposition
      ['mnoge gap regularizer', 'The Monge Gap: A Regularizer to Learn All Transport Maps'], // swapped letters in a 5-letter word
    ];
    for (const [query, expected] of cases) expect(titles(await search.search({ text: query }))[0], query).toBe(expected);
  });

  it('matches a prefix of the last word', async () => {
    expect(titles(await search.search({ text: 'latent quantiz' }))[0]).toBe('Disentanglement via Latent Quantization');
    expect((await search.search({ text: 'diffus' })).total).toBeGreaterThan(3);
  });

  it('ranks papers matching every word above papers matching some', async () => {
    const results = await search.search({ text: 'test-time adaptation entropy', limit: 10 });
    for (const { paper } of results.papers) {
      const text = `${paper.title} ${paper.abstract}`.toLowerCase();
      expect(text).toContain('entropy');
      expect(text).toMatch(/test-time|test time/);
    }
  });

  it('says which words matched nothing, and returns nothing for nonsense', async () => {
    const nonsense = await search.search({ text: 'xyzzyq' });
    expect(nonsense.total).toBe(0);
    expect(nonsense.unmatchedWords).toEqual(['xyzzyq']);
    const partly = await search.search({ text: 'monge qwxzv' });
    expect(titles(partly)[0]).toContain('Monge');
    expect(partly.unmatchedWords).toEqual(['qwxzv']);
  });

  it('pages through results without repeating or skipping any', async () => {
    const all = await search.search({ text: 'transport', limit: 100 });
    expect(all.total).toBeGreaterThan(6);
    const seen: string[] = [];
    for (let offset = 0; offset < all.total; offset += 3) {
      const page = await search.search({ text: 'transport', offset, limit: 3 });
      expect(page.total).toBe(all.total);
      seen.push(...page.papers.map((r) => r.paper.id));
    }
    expect(seen).toEqual(all.papers.map((r) => r.paper.id));
    expect((await search.search({ text: 'transport', offset: all.total, limit: 3 })).papers).toEqual([]);
  });

  it('finds related papers by shared rare terms, never the paper itself', async () => {
    const paper = await search.resolve('Continual Test-Time Domain Adaptation');
    if (paper.kind !== 'found') throw new Error('expected to find the paper');
    const related = await search.related(paper.paper, 5);
    expect(related.length).toBeGreaterThanOrEqual(3);
    expect(related.map((p) => p.id)).not.toContain(paper.paper.id);
    expect(related.filter((p) => /test-time/i.test(p.title)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('search with sources (ids, filters, sorts)', () => {
  const search = withSources.library;

  it('finds exactly the paper an arXiv id or URL names, in any form', async () => {
    for (const query of ['2501.12948', '2501.12948v2', 'arXiv:2501.12948', 'https://arxiv.org/abs/2501.12948v1', 'https://arxiv.org/pdf/2501.12948.pdf', 'https://huggingface.co/papers/2501.12948']) {
      const results = await search.search({ text: query });
      expect(results.exactId, query).toBe(true);
      expect(results.papers.map((r) => r.paper.id), query).toEqual(['2501.12948']);
    }
    expect((await search.search({ text: 'hep-th/9711200v3' })).papers[0]?.paper.title).toBe('The Large N Limit of Superconformal Field Theories and Supergravity');
    expect(await search.search({ text: '2501.99999' })).toMatchObject({ total: 0, exactId: true });
  });

  it('filters by date, author and upvotes', async () => {
    const since = await search.search({ text: 'llm', since: new Date('2025-01-20T00:00:00Z'), limit: 20 });
    expect(since.papers.length).toBeGreaterThan(0);
    for (const { paper } of since.papers) expect(Date.parse(paper.publishedAt!)).toBeGreaterThanOrEqual(Date.parse('2025-01-20'));
    expect((await search.search({ text: 'llm', limit: 20 })).total).toBeGreaterThan(since.total);

    const byAuthor = await search.search({ text: 'transformer', author: 'Vaswani', limit: 20 });
    expect(titles(byAuthor)).toEqual(['Attention Is All You Need']);
    expect(titles(await search.search({ text: 'attention', author: 'vasw' }))).toEqual(['Attention Is All You Need']);

    const popular = await search.search({ text: 'llm', minUpvotes: 100, limit: 20 });
    expect(popular.papers.length).toBeGreaterThan(0);
    for (const { paper } of popular.papers) expect(paper.signals!.upvotes!).toBeGreaterThanOrEqual(100);
  });

  it('lists an author\'s papers when the query is only a filter', async () => {
    expect(titles(await search.search({ text: '', author: 'Hendrycks' }))).toEqual(["Humanity's Last Exam"]);
  });

  it('sorts by newest and by trending', async () => {
    const newest = (await search.search({ text: 'llm', sort: 'newest', limit: 10 })).papers.map((r) => Date.parse(r.paper.publishedAt!));
    expect(newest.length).toBeGreaterThan(2);
    expect([...newest].sort((a, b) => b - a)).toEqual(newest);

    const trending = (await search.search({ text: 'reasoning', sort: 'trending', limit: 10 })).papers.map((r) => r.paper.id);
    expect(trending[0]).toBe('2501.12948'); // 372 upvotes, 9 comments, 91k stars
  });
});

describe('resolving a paper reference', () => {
  const search = withSources.library;

  it('takes ids, URLs, bundled ids and exact titles', async () => {
    expect(await search.resolve('https://huggingface.co/papers/2501.12948')).toMatchObject({ kind: 'found', paper: { id: '2501.12948' } });
    const bundledId = titleId('Disentanglement via Latent Quantization');
    expect(await search.resolve(bundledId)).toMatchObject({ kind: 'found', paper: { id: bundledId } });
    expect(await search.resolve('sparsity-constrained optimal transport')).toMatchObject({ kind: 'found', paper: { title: 'Sparsity-Constrained Optimal Transport' } });
  });

  it('asks which one when two titles match about equally', async () => {
    const result = await search.resolve('test-time adaptation');
    expect(result.kind).toBe('ambiguous');
    if (result.kind === 'ambiguous') expect(result.candidates.length).toBeGreaterThanOrEqual(2);
  });

  it('says plainly when nothing matches', async () => {
    expect(await search.resolve('2501.99999')).toMatchObject({ kind: 'not-found' });
    expect(await search.resolve('qwxzv plorkt')).toMatchObject({ kind: 'not-found' });
  });
});

describe('keeping the index in step with the corpus', () => {
  it('re-indexes a paper whose text changed and forgets the old text', async () => {
    const lib = await testLibrary();
    const search = lib.library;
    const before = createPaper({ arxivId: '2601.00001', title: 'Quokka Networks for Ranking', abstract: 'We study marsupial heuristics.', source: 'arxiv-api' });
    await addPapers(lib, [before]);
    expect(titles(await search.search({ text: 'marsupial' }))).toEqual(['Quokka Networks for Ranking']);
    await addPapers(lib, [{ ...before, abstract: 'We study wombat heuristics.', abstractDisplay: 'We study wombat heuristics.' }]);
    expect((await search.search({ text: 'marsupial' })).total).toBe(0);
    expect(titles(await search.search({ text: 'wombat' }))).toEqual(['Quokka Networks for Ranking']);
    await search.save(join(mkdtempSync(join(tmpdir(), 'paperboy-search-')), 'index.bin')); // compacts
    expect(titles(await search.search({ text: 'wombat' }))).toEqual(['Quokka Networks for Ranking']);
    expect((await search.search({ text: 'marsupial' })).total).toBe(0);
  });

  it('scores up to 32 query words (one bit each of a Uint32 mask), and refuses a plan for more', () => {
    // 32 words at least four edits apart from each other, so no typo allowance joins two of them.
    const letter = (n: number) => String.fromCharCode(97 + (n % 26));
    const words = Array.from({ length: 32 }, (_, i) => `${letter(i).repeat(4)}${letter(i < 26 ? i : i + 3).repeat(4)}`);
    const index = PaperIndex.build([
      { id: 'all', title: words.join(' '), keywords: [], abstract: '', authors: [] },
      { id: 'most', title: words.slice(0, 31).join(' '), keywords: [], abstract: '', authors: [] },
    ]);
    index.configureQueries({ maxTerms: 32 });
    const page = index.search({ text: words.join(' ') });
    // The 32nd word (the sign bit) counts: only the paper with every word is an all-words match.
    expect(page.hits.map((h) => [h.id, h.matchedWords])).toEqual([['all', 32]]);
    expect(() => index.configureQueries({ maxTerms: 33 })).toThrow(RangeError);
  });

  it('updates upvotes for filters without re-indexing text', async () => {
    const index = PaperIndex.build([{ id: 'a', title: 'graph kernels', keywords: [], abstract: '', authors: [], upvotes: 1 }]);
    expect(index.search({ text: 'graph', filters: { minUpvotes: 10 } }).total).toBe(0);
    index.upsert({ id: 'a', title: 'graph kernels', keywords: [], abstract: '', authors: [], upvotes: 12 }, false);
    expect(index.search({ text: 'graph', filters: { minUpvotes: 10 } }).total).toBe(1);
  });
});
