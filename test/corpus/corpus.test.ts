import { describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus/corpus.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { createPaper, titleId } from '../../src/corpus/paper.ts';
import { silentLogger } from '../../src/logger.ts';
import { arxivPapers, hfDailyPapers } from '../helpers/library.ts';

const day1 = new Date('2025-01-24T08:00:00Z');
const day2 = new Date('2025-01-25T08:00:00Z');

describe('bundled corpus', () => {
  const papers = loadBundledPapers(silentLogger);

  it('holds the 74 papers of the trending page, in page order, with ids derived from titles', () => {
    expect(papers).toHaveLength(74);
    expect(papers[0]!.title).toBe('Sparsity-Constrained Optimal Transport');
    expect(papers.at(-1)!.title).toBe('Language-Guided Music Recommendation for Video via Prompt Analogies');
    expect(papers.map((p) => p.bundledRank)).toEqual(papers.map((_, i) => i + 1));
    for (const p of papers) expect(p.id).toBe(titleId(p.title));
    expect(new Set(papers.map((p) => p.id)).size).toBe(74);
  });

  it('gives a title the same id however its whitespace, case or entities are written', () => {
    expect(titleId('Sparsity-Constrained  Optimal\nTransport')).toBe(titleId('sparsity constrained optimal transport'));
    expect(titleId('Ensembles of Compact, Region-specific &amp; Regularized')).toBe(titleId('Ensembles of Compact, Region-specific & Regularized'));
    expect(titleId('Optimal Transport')).not.toBe(titleId('Optimal Transports'));
  });
});

describe('merging sources', () => {
  it('keeps one paper per arXiv id across Hugging Face and arXiv, with arXiv categories and HF signals', () => {
    const corpus = new Corpus();
    corpus.upsert(hfDailyPapers(day1));
    const report = corpus.upsert(arxivPapers(day1));
    // Titans (2501.00663) is only in the arXiv fixture; the other four arXiv entries are new too.
    expect(report.added.map((p) => p.id)).toContain('2501.00663');
    const rss = createPaper({
      arxivId: 'oai:arXiv.org:2501.12948v2',
      title: 'DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning',
      abstract: 'We introduce our first-generation reasoning models.',
      categories: ['cs.CL', 'cs.AI'],
      source: 'arxiv-rss',
    });
    const second = corpus.upsert([rss]);
    expect(second.added).toHaveLength(0);
    expect(second.updated).toHaveLength(1);
    const merged = corpus.get('2501.12948')!;
    expect(merged.sources).toEqual(['hf-daily', 'arxiv-rss']);
    expect(merged.version).toBe(2);
    expect(merged.categories).toEqual(['cs.CL', 'cs.AI']);
    expect(merged.signals?.upvotes).toBe(372);
    expect(merged.signals?.githubStars).toBe(91240);
    expect(corpus.size).toBe(13);
  });

  it('lets the newest signals win, whatever order they arrive in, and keeps every observation', () => {
    const corpus = new Corpus();
    const at = (observedAt: string, upvotes: number) =>
      createPaper({ arxivId: '2501.12948', title: 'DeepSeek-R1', abstract: 'x', source: 'hf-daily', signals: { upvotes, comments: 1, observedAt } });
    corpus.upsert([at('2025-01-24T10:00:00Z', 100)]);
    corpus.upsert([at('2025-01-25T10:00:00Z', 250)]);
    corpus.upsert([at('2025-01-24T22:00:00Z', 180)]); // late, older observation
    expect(corpus.get('2501.12948')!.signals?.upvotes).toBe(250);
    expect(corpus.snapshotsOf('2501.12948').map((s) => s.upvotes)).toEqual([100, 180, 250]);
    expect(corpus.upvotesGained('2501.12948', new Date('2025-01-25T10:00:00Z'), 24 * 3_600_000)).toEqual({ gained: 150, hours: 24 });
    expect(corpus.upvotesGained('2501.12948', new Date('2025-01-25T10:00:00Z'), 12 * 3_600_000)).toEqual({ gained: 70, hours: 12 });
  });

  it('does not count a refresh with the same signals as a change, but does count new upvotes', () => {
    const corpus = new Corpus();
    corpus.upsert(hfDailyPapers(day1));
    const same = corpus.upsert(hfDailyPapers(day1));
    expect(same).toMatchObject({ added: [], updated: [], unchanged: 8 });
    const later = corpus.upsert(hfDailyPapers(day2));
    expect(later.updated).toHaveLength(8);
    expect(later.updated.every((change) => !change.textChanged)).toBe(true);
    expect(corpus.snapshotsOf('2501.14249')).toHaveLength(2);
  });

  it('matches a bundled title-only paper to its arXiv id when a source brings the same title', () => {
    const corpus = new Corpus(loadBundledPapers(silentLogger));
    const bundledId = titleId('The Monge Gap: A Regularizer to Learn All Transport Maps');
    const fromArxiv = createPaper({
      arxivId: '2302.04953v2',
      title: 'The Monge Gap: A Regularizer to Learn All Transport Maps',
      abstract: 'Optimal transport (OT) theory has been been used in machine learning.',
      authors: ['Théo Uscidda', 'Marco Cuturi'],
      source: 'arxiv-api',
    });
    const report = corpus.upsert([fromArxiv]);
    expect(report.updated).toHaveLength(1);
    expect(report.updated[0]).toMatchObject({ previousId: bundledId, textChanged: true });
    expect(corpus.get(bundledId)).toBeUndefined();
    const paper = corpus.get('2302.04953')!;
    expect(paper.bundledRank).toBe(3);
    expect(paper.authors).toEqual(['Théo Uscidda', 'Marco Cuturi']);
    expect(paper.links.abs).toBe('https://arxiv.org/abs/2302.04953');
    expect(corpus.size).toBe(74);
  });

  it('keeps two different arXiv papers that happen to share a title apart', () => {
    const corpus = new Corpus();
    const make = (arxivId: string) => createPaper({ arxivId, title: 'Attention Is All You Need', abstract: 'a', source: 'arxiv-api' });
    corpus.upsert([make('1706.03762'), make('2401.00001')]);
    expect(corpus.size).toBe(2);
  });
});
