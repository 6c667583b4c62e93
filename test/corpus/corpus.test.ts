import { describe, expect, it } from 'vitest';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { titleId } from '../../src/corpus/paper.ts';
import { silentLogger } from '../../src/logger.ts';

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

