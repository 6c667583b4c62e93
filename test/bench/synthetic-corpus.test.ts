import { describe, expect, it } from 'vitest';
import { applyTypo, generateQueries } from '../../bench/queries.ts';
import { createRng } from '../../bench/rng.ts';
import { generateCorpus, SYNTHETIC_CATEGORIES } from '../../bench/synthetic-corpus.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { PaperSchema, type Paper } from '../../src/corpus/paper.ts';
import { STOP_WORDS } from '../../src/index/tokenize.ts';
import { silentLogger } from '../../src/logger.ts';

const basis = loadBundledPapers(silentLogger);
const now = new Date('2025-06-01T00:00:00Z');
const corpus = generateCorpus({ size: 2000, seed: 7, basis, now });

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/** Edit distance with adjacent transpositions counting 1 (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[i]![j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Distinct words of the corpus's titles, abstracts and authors that the basis does not have. */
function coinedWords(papers: readonly Paper[]): number {
  const known = new Set(basis.flatMap((paper) => words(`${paper.title} ${paper.abstract}`)));
  const coined = new Set<string>();
  for (const paper of papers) {
    for (const word of words(`${paper.title} ${paper.abstract} ${paper.authors.join(' ')}`)) {
      if (!known.has(word)) coined.add(word);
    }
  }
  return coined.size;
}

function share(papers: readonly Paper[], test: (paper: Paper) => boolean): number {
  return papers.filter(test).length / papers.length;
}

describe('generateCorpus', () => {
  it('gives the same corpus for the same seed, and another for another seed', () => {
    const options = { size: 200, seed: 42, basis, now };
    expect(generateCorpus(options)).toEqual(generateCorpus(options));
    const other = generateCorpus({ ...options, seed: 43 });
    expect(other.map((paper) => paper.title)).not.toEqual(generateCorpus(options).map((paper) => paper.title));
  });

  it('makes papers that satisfy PaperSchema', () => {
    for (let i = 0; i < corpus.length; i += 10) {
      const paper = corpus[i]!;
      const result = PaperSchema.safeParse(paper);
      expect(result.success, `${paper.id}: ${result.error?.message}`).toBe(true);
      expect(paper.arxivId).toBe(paper.id);
      expect(paper.links.abs).toBe(`https://arxiv.org/abs/${paper.id}`);
      expect(paper.sources).toEqual(['import']);
      expect(paper.signals?.observedAt).toBe(now.toISOString());
    }
  });

  it('gives every paper a unique arXiv-style id and a unique title', () => {
    expect(new Set(corpus.map((paper) => paper.id)).size).toBe(corpus.length);
    expect(new Set(corpus.map((paper) => paper.title)).size).toBe(corpus.length);
    for (const paper of corpus) expect(paper.id).toMatch(/^\d{4}\.\d{5}$/);
  });

  it('keeps titles, abstracts, authors and keywords within their ranges', () => {
    const categories = new Set(SYNTHETIC_CATEGORIES.map(([category]) => category));
    const twoYearsAgo = now.getTime() - 2 * 366 * 24 * 3600 * 1000;
    for (const paper of corpus) {
      expect(wordCount(paper.title)).toBeGreaterThanOrEqual(8);
      expect(wordCount(paper.title)).toBeLessThanOrEqual(15);
      expect(wordCount(paper.abstract)).toBeGreaterThanOrEqual(150);
      expect(wordCount(paper.abstract)).toBeLessThanOrEqual(250);
      expect(paper.authors.length).toBeGreaterThanOrEqual(3);
      expect(paper.authors.length).toBeLessThanOrEqual(8);
      expect(paper.keywords.length).toBeLessThanOrEqual(6);
      expect(paper.categories.every((category) => categories.has(category))).toBe(true);
      const published = Date.parse(paper.publishedAt!);
      expect(published).toBeGreaterThanOrEqual(twoYearsAgo);
      expect(published).toBeLessThanOrEqual(now.getTime());
      expect(paper.signals!.upvotes).toBeLessThanOrEqual(500);
      expect(paper.signals!.comments).toBeLessThanOrEqual(30);
    }
    expect(share(corpus, (paper) => paper.aiSummary !== undefined)).toBeCloseTo(0.35, 1);
    expect(share(corpus, (paper) => paper.featuredOn !== undefined)).toBeCloseTo(0.5, 1);
    expect(share(corpus, (paper) => paper.signals?.githubStars !== undefined)).toBeCloseTo(0.5, 1);
    expect(share(corpus, (paper) => paper.keywords.length > 0)).toBeGreaterThan(0.7);
  });

  it('makes the field words about as common as in the real abstracts', () => {
    const documentShare = (papers: readonly { abstract: string }[], word: string): number =>
      papers.filter((paper) => words(paper.abstract).includes(word)).length / papers.length;
    for (const word of ['learning', 'model', 'training', 'neural', 'regularization']) {
      const real = documentShare(basis, word);
      expect(real).toBeGreaterThan(0.25);
      expect(Math.abs(documentShare(corpus, word) - real), word).toBeLessThan(0.15);
    }
  });

  it('grows its coined vocabulary with the corpus, but sublinearly (Heaps)', () => {
    const small = coinedWords(generateCorpus({ size: 1000, seed: 11, basis, now }));
    const large = coinedWords(generateCorpus({ size: 8000, seed: 11, basis, now }));
    expect(small).toBeGreaterThan(1000);
    expect(large / small).toBeGreaterThanOrEqual(1.8);
    expect(large / small).toBeLessThanOrEqual(8);
  });
});

describe('generateQueries', () => {
  const queries = generateQueries({ corpus, count: 500, seed: 3 });
  const byId = new Map(corpus.map((paper) => [paper.id, paper]));

  it('is deterministic and mixes the kinds, about a quarter with typos', () => {
    expect(queries).toHaveLength(500);
    expect(generateQueries({ corpus, count: 500, seed: 3 })).toEqual(queries);
    const kinds = new Map<string, number>();
    for (const query of queries) kinds.set(query.kind, (kinds.get(query.kind) ?? 0) + 1);
    for (const kind of ['topic', 'title-typo', 'prefix', 'author', 'method', 'title-exact']) {
      expect(kinds.get(kind), kind).toBeGreaterThan(10);
    }
    expect(kinds.get('title-typo')! / queries.length).toBeCloseTo(0.25, 1);
    for (const query of queries) {
      if (query.targetId !== undefined) expect(byId.has(query.targetId), query.text).toBe(true);
    }
  });

  it('makes topic queries of 1–3 words that are not stop words', () => {
    for (const query of queries.filter((q) => q.kind === 'topic')) {
      const parts = query.text.split(' ');
      expect(parts.length).toBeGreaterThanOrEqual(1);
      expect(parts.length).toBeLessThanOrEqual(3);
      for (const part of parts) expect(STOP_WORDS.has(part), query.text).toBe(false);
    }
  });

  it('puts a typo of at most two edits in a word of the target title', () => {
    const typos = queries.filter((q) => q.kind === 'title-typo');
    expect(typos.length).toBeGreaterThan(0);
    for (const query of typos) {
      const titleWords = words(byId.get(query.targetId!)!.title);
      const misspelled = words(query.text).filter((word) => !titleWords.includes(word));
      expect(misspelled, query.text).toHaveLength(1);
      const closest = Math.min(...titleWords.map((word) => editDistance(misspelled[0]!, word)));
      expect(closest, query.text).toBeGreaterThanOrEqual(1);
      expect(closest, query.text).toBeLessThanOrEqual(2);
    }
  });

  it('cuts the last word of prefix queries to 3–6 letters', () => {
    for (const query of queries.filter((q) => q.kind === 'prefix')) {
      const last = query.text.split(' ').at(-1)!;
      expect(last.length, query.text).toBeGreaterThanOrEqual(3);
      expect(last.length, query.text).toBeLessThanOrEqual(6);
      if (query.targetId !== undefined) {
        expect(words(byId.get(query.targetId)!.title).some((word) => word.startsWith(last) && word !== last)).toBe(true);
      }
    }
  });
});

describe('applyTypo', () => {
  it('changes a word by one or two edits and keeps its first letter', () => {
    const rng = createRng(5);
    const samples = [...new Set(corpus.flatMap((paper) => words(paper.title)).filter((word) => /^\p{L}{5,}$/u.test(word)))];
    let twoEdits = 0;
    for (const word of samples.slice(0, 2000)) {
      const typo = applyTypo(word, rng);
      const distance = editDistance(typo, word);
      expect(distance, `${word} → ${typo}`).toBeGreaterThanOrEqual(1);
      expect(distance, `${word} → ${typo}`).toBeLessThanOrEqual(2);
      expect(typo[0]).toBe(word[0]);
      if (distance === 2) twoEdits++;
    }
    expect(twoEdits).toBeGreaterThan(0);
  });
});
