import { describe, expect, it } from 'vitest';
import { createPaper, titleId } from '../../src/corpus/paper.ts';
import { PaperIndex } from '../../src/index/paper-index.ts';
import { testLibrary } from '../helpers/library.ts';

const titles = (results: { papers: { paper: { title: string } }[] }) => results.papers.map((r) => r.paper.title);

describe('search on the bundled corpus', () => {
  const { search } = testLibrary();

  it('finds a paper by its title words, best match first', () => {
    expect(titles(search.search({ text: 'monge gap' }))[0]).toBe('The Monge Gap: A Regularizer to Learn All Transport Maps');
    expect(titles(search.search({ text: 'sparsity constrained optimal transport' }))[0]).toBe('Sparsity-Constrained Optimal Transport');
  });

  it('still finds the paper when a title word has a one-letter typo', () => {
    const cases: [string, string][] = [
      ['sparsty constrained optimal transport', 'Sparsity-Constrained Optimal Transport'], // deletion
      ['disentanglenent via latent quantization', 'Disentanglement via Latent Quantization'], // substitution
      ['weight compandder', 'Weight Compander: A Simple Weight Reparameterization for Regularization'], // insertion
      ['kinetic optiaml probability paths', 'On Kinetic Optimal Probability Paths for Generative Models'], // transposition
      ['mnoge gap regularizer', 'The Monge Gap: A Regularizer to Learn All Transport Maps'], // swapped letters in a 5-letter word
    ];
    for (const [query, expected] of cases) expect(titles(search.search({ text: query }))[0], query).toBe(expected);
  });

  it('matches a prefix of the last word', () => {
    expect(titles(search.search({ text: 'latent quantiz' }))[0]).toBe('Disentanglement via Latent Quantization');
    expect(search.search({ text: 'diffus' }).total).toBeGreaterThan(3);
  });

  it('ranks papers matching every word above papers matching some', () => {
    const results = search.search({ text: 'test-time adaptation entropy', limit: 10 });
    for (const { paper } of results.papers) {
      const text = `${paper.title} ${paper.abstract}`.toLowerCase();
      expect(text).toContain('entropy');
      expect(text).toMatch(/test-time|test time/);
    }
  });

  it('says which words matched nothing, and returns nothing for nonsense', () => {
    const nonsense = search.search({ text: 'xyzzyq' });
    expect(nonsense.total).toBe(0);
    expect(nonsense.unmatchedWords).toEqual(['xyzzyq']);
    const partly = search.search({ text: 'monge qwxzv' });
    expect(titles(partly)[0]).toContain('Monge');
    expect(partly.unmatchedWords).toEqual(['qwxzv']);
  });

  it('pages through results without repeating or skipping any', () => {
    const all = search.search({ text: 'transport', limit: 100 });
    expect(all.total).toBeGreaterThan(6);
    const seen: string[] = [];
    for (let offset = 0; offset < all.total; offset += 3) {
      const page = search.search({ text: 'transport', offset, limit: 3 });
      expect(page.total).toBe(all.total);
      seen.push(...page.papers.map((r) => r.paper.id));
    }
    expect(seen).toEqual(all.papers.map((r) => r.paper.id));
    expect(search.search({ text: 'transport', offset: all.total, limit: 3 }).papers).toEqual([]);
  });

  it('finds related papers by shared rare terms, never the paper itself', () => {
    const paper = search.resolve('Continual Test-Time Domain Adaptation');
    if (paper.kind !== 'found') throw new Error('expected to find the paper');
    const related = search.related(paper.paper, 5);
    expect(related.length).toBeGreaterThanOrEqual(3);
    expect(related.map((p) => p.id)).not.toContain(paper.paper.id);
    expect(related.filter((p) => /test-time/i.test(p.title)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('search with sources (ids, filters, sorts)', () => {
  const { search } = testLibrary({ withSources: true });

  it('finds exactly the paper an arXiv id or URL names, in any form', () => {
    for (const query of ['2501.12948', '2501.12948v2', 'arXiv:2501.12948', 'https://arxiv.org/abs/2501.12948v1', 'https://arxiv.org/pdf/2501.12948.pdf', 'https://huggingface.co/papers/2501.12948']) {
      const results = search.search({ text: query });
      expect(results.exactId, query).toBe(true);
      expect(results.papers.map((r) => r.paper.id), query).toEqual(['2501.12948']);
    }
    expect(search.search({ text: 'hep-th/9711200v3' }).papers[0]?.paper.title).toBe('The Large N Limit of Superconformal Field Theories and Supergravity');
    expect(search.search({ text: '2501.99999' })).toMatchObject({ total: 0, exactId: true });
  });

  it('filters by date, author and upvotes', () => {
    const since = search.search({ text: 'llm', since: new Date('2025-01-20T00:00:00Z'), limit: 20 });
    expect(since.papers.length).toBeGreaterThan(0);
    for (const { paper } of since.papers) expect(Date.parse(paper.publishedAt!)).toBeGreaterThanOrEqual(Date.parse('2025-01-20'));
    expect(search.search({ text: 'llm', limit: 20 }).total).toBeGreaterThan(since.total);

    const byAuthor = search.search({ text: 'transformer', author: 'Vaswani', limit: 20 });
    expect(titles(byAuthor)).toEqual(['Attention Is All You Need']);
    expect(titles(search.search({ text: 'attention', author: 'vasw' }))).toEqual(['Attention Is All You Need']);

    const popular = search.search({ text: 'llm', minUpvotes: 100, limit: 20 });
    expect(popular.papers.length).toBeGreaterThan(0);
    for (const { paper } of popular.papers) expect(paper.signals!.upvotes!).toBeGreaterThanOrEqual(100);
  });

  it('lists an author\'s papers when the query is only a filter', () => {
    expect(titles(search.search({ text: '', author: 'Hendrycks' }))).toEqual(["Humanity's Last Exam"]);
  });

  it('sorts by newest and by trending', () => {
    const newest = search.search({ text: 'llm', sort: 'newest', limit: 10 }).papers.map((r) => Date.parse(r.paper.publishedAt!));
    expect(newest.length).toBeGreaterThan(2);
    expect([...newest].sort((a, b) => b - a)).toEqual(newest);

    const trending = search.search({ text: 'reasoning', sort: 'trending', limit: 10 }).papers.map((r) => r.paper.id);
    expect(trending[0]).toBe('2501.12948'); // 372 upvotes, 9 comments, 91k stars
  });
});

describe('resolving a paper reference', () => {
  const { search } = testLibrary({ withSources: true });

  it('takes ids, URLs, bundled ids and exact titles', () => {
    expect(search.resolve('https://huggingface.co/papers/2501.12948')).toMatchObject({ kind: 'found', paper: { id: '2501.12948' } });
    const bundledId = titleId('Disentanglement via Latent Quantization');
    expect(search.resolve(bundledId)).toMatchObject({ kind: 'found', paper: { id: bundledId } });
    expect(search.resolve('sparsity-constrained optimal transport')).toMatchObject({ kind: 'found', paper: { title: 'Sparsity-Constrained Optimal Transport' } });
  });

  it('asks which one when two titles match about equally', () => {
    const result = search.resolve('test-time adaptation');
    expect(result.kind).toBe('ambiguous');
    if (result.kind === 'ambiguous') expect(result.candidates.length).toBeGreaterThanOrEqual(2);
  });

  it('says plainly when nothing matches', () => {
    expect(search.resolve('2501.99999')).toMatchObject({ kind: 'not-found' });
    expect(search.resolve('qwxzv plorkt')).toMatchObject({ kind: 'not-found' });
  });
});

describe('keeping the index in step with the corpus', () => {
  it('re-indexes a paper whose text changed and forgets the old text', () => {
    const { search } = testLibrary();
    const before = createPaper({ arxivId: '2601.00001', title: 'Quokka Networks for Ranking', abstract: 'We study marsupial heuristics.', source: 'arxiv-api' });
    search.ingest([before]);
    expect(titles(search.search({ text: 'marsupial' }))).toEqual(['Quokka Networks for Ranking']);
    search.ingest([{ ...before, abstract: 'We study wombat heuristics.', abstractDisplay: 'We study wombat heuristics.' }]);
    expect(search.search({ text: 'marsupial' }).total).toBe(0);
    expect(titles(search.search({ text: 'wombat' }))).toEqual(['Quokka Networks for Ranking']);
    search.index.compact();
    expect(titles(search.search({ text: 'wombat' }))).toEqual(['Quokka Networks for Ranking']);
    expect(search.search({ text: 'marsupial' }).total).toBe(0);
  });

  it('updates upvotes for filters without re-indexing text', () => {
    const index = PaperIndex.build([{ id: 'a', title: 'graph kernels', keywords: [], abstract: '', authors: [], upvotes: 1 }]);
    expect(index.search({ text: 'graph', filters: { minUpvotes: 10 } }).total).toBe(0);
    index.upsert({ id: 'a', title: 'graph kernels', keywords: [], abstract: '', authors: [], upvotes: 12 }, false);
    expect(index.search({ text: 'graph', filters: { minUpvotes: 10 } }).total).toBe(1);
  });
});
