import SearchableMap from 'minisearch/SearchableMap';
import { describe, expect, it } from 'vitest';
import { applyTypo } from '../../bench/queries.ts';
import { createRng } from '../../bench/rng.ts';
import { generateCorpus } from '../../bench/synthetic-corpus.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { PaperIndex } from '../../src/index/paper-index.ts';
import { toIndexDoc } from '../../src/library/paper-library.ts';
import { IndexBuilder, type IndexSnapshot } from '../../src/index/postings.ts';
import { Vocabulary, type SortedTerms } from '../../src/index/vocabulary.ts';
import { silentLogger } from '../../src/logger.ts';

const basis = loadBundledPapers(silentLogger);
const now = new Date('2026-01-01T00:00:00Z');
const papers = generateCorpus({ size: 2500, seed: 11, basis, now });
// Papers that arrive later, with terms the first corpus does not have.
const later = generateCorpus({ size: 400, seed: 12, basis, now }).map((paper) => ({ ...paper, id: `later-${paper.id}` }));

/** Terms outside a-z, and sort-order corner cases (surrogate pairs, the highest code unit). */
const UNICODE_TERMS = ['über', 'uber', 'ubër', 'αβγ', 'αβδε', '日本語', '日本', '𝔼𝔽', '𝔼x', 'schrödinger', '\uffffz', 'z\uffff', 'zz\uffff\uffff'];

function indexedTerms(docs: typeof papers): IndexSnapshot {
  const builder = new IndexBuilder();
  for (const paper of docs) builder.add(toIndexDoc(paper));
  return builder.finish();
}

/** Words to look up: real terms, typos of them (one and two edits), prefixes, non-words and unicode. */
function probeWords(terms: readonly string[], seed: number, picks = 60): string[] {
  const rng = createRng(seed);
  const words = new Set<string>(['', 'a', 'zz', 'qwxzv', 'transformer', 'transfromer', 'diffusion', 'difusion', 'xyzzy123']);
  for (const term of UNICODE_TERMS) {
    words.add(term);
    words.add(applyTypo(term, rng));
    words.add(term.slice(0, 2));
  }
  for (let i = 0; i < picks; i++) {
    const term = rng.pick(terms);
    words.add(term);
    words.add(applyTypo(term, rng));
    words.add(applyTypo(applyTypo(term, rng), rng));
    words.add(term.slice(0, rng.between(1, Math.max(1, term.length - 1))));
  }
  for (let i = 0; i < picks / 2; i++) {
    let word = '';
    for (let n = rng.between(2, 12); n > 0; n--) word += 'abcdefghijklmnopqrstuvwxyz0123456789é'[rng.int(37)];
    words.add(word);
  }
  return [...words];
}

/** The terms that sorted terms spell out, in their order; `?` where one is not the term of its id. */
function spelled({ termOrder, termChars, termStarts }: SortedTerms, terms: readonly string[]): string[] {
  return [...termOrder].map((termId, at) => {
    const term = String.fromCharCode(...termChars.subarray(termStarts[at], termStarts[at + 1]));
    return term === terms[termId] ? term : `?${term}`;
  });
}

/** Entries as comparable lines, in term order. */
function lines(entries: Iterable<[string, unknown]>): string[] {
  return [...entries].map(([term, value]) => `${term}=${String(value)}`).sort();
}

/** Checks every kind of lookup against minisearch's radix tree over the same terms; returns the lookups that differ. */
function differences(vocabulary: Vocabulary, reference: SearchableMap<number>, words: readonly string[]): string[] {
  const differing: string[] = [];
  const check = (what: string, ours: string[], theirs: string[]): void => {
    if (ours.join('\n') === theirs.join('\n')) return;
    const onlyOurs = ours.filter((line) => !theirs.includes(line)).slice(0, 10);
    const onlyTheirs = theirs.filter((line) => !ours.includes(line)).slice(0, 10);
    differing.push(`${what}: only ours ${onlyOurs.join(' ')}; only minisearch's ${onlyTheirs.join(' ')}`);
  };
  words.forEach((word, i) => {
    check(`get ${word}`, [String(vocabulary.get(word))], [String(reference.get(word))]);
    // No edits and three edits on some words only: minisearch is slow at three.
    for (const edits of i % 8 === 0 ? [0, 1, 2, 3] : [1, 2]) {
      check(`fuzzyGet ${word} ${edits}`, lines(vocabulary.fuzzyGet(word, edits)), lines(reference.fuzzyGet(word, edits)));
    }
    if (word !== '') check(`atPrefix ${word}`, lines(vocabulary.atPrefix(word)), lines(reference.atPrefix(word)));
  });
  return differing;
}

describe('the vocabulary', () => {
  const built = indexedTerms(papers);
  const { terms } = built;
  const reference = new SearchableMap<number>();
  terms.forEach((term, termId) => reference.set(term, termId));

  it('answers exact, prefix and typo lookups exactly as a radix tree over the same terms', () => {
    expect(terms.length).toBeGreaterThan(10_000);
    expect(spelled(built, terms)).toEqual([...terms].sort());
    const vocabulary = new Vocabulary(terms, built);
    expect(vocabulary.size).toBe(terms.length);
    expect(differences(vocabulary, reference, probeWords(terms, 1))).toEqual([]);
  });

  it('still does with terms added after loading, and after they are merged into the sorted order', () => {
    const grown = [...terms];
    const vocabulary = new Vocabulary(grown, built);
    const tree = new SearchableMap<number>();
    grown.forEach((term, termId) => tree.set(term, termId));
    const known = new Set(grown);
    const added: string[] = [];
    for (const term of [...indexedTerms(later).terms, ...UNICODE_TERMS]) {
      if (known.has(term)) continue;
      known.add(term);
      grown.push(term);
      vocabulary.add(term, grown.length - 1);
      tree.set(term, grown.length - 1);
      added.push(term);
    }
    expect(added.length).toBeGreaterThan(500);
    const words = [...probeWords(added, 2, 30), ...probeWords(terms, 3, 10)];
    expect(differences(vocabulary, tree, words)).toEqual([]);

    const merged = vocabulary.sorted();
    expect(spelled(merged, grown)).toEqual([...grown].sort());
    const compacted = new Vocabulary(grown, merged);
    expect(compacted.size).toBe(grown.length);
    expect(differences(compacted, tree, words)).toEqual([]);
  });

  it('takes in terms that are newer than the saved order', () => {
    const grown = [...terms, 'zeitgeistformer', 'ångström'];
    const vocabulary = new Vocabulary(grown, built);
    expect(vocabulary.get('zeitgeistformer')).toBe(terms.length);
    expect(vocabulary.fuzzyGet('angstrom', 2).get('ångström')).toEqual([terms.length + 1, 2]);
    expect(spelled(vocabulary.sorted(), grown)).toEqual([...grown].sort());
  });
});

describe('the index with its vocabulary', () => {
  const queries = (words: string[]): string[] => words.flatMap((word) => [word, word.slice(0, 5), applyTypo(word, createRng(word.length))]);

  it('answers the same before and after a compaction and a reload that merged new terms in', () => {
    const index = PaperIndex.build(papers.slice(0, 1500).map(toIndexDoc));
    for (const paper of later.slice(0, 200)) index.upsert(toIndexDoc(paper));
    const before = indexedTerms(papers.slice(0, 1500)).terms;
    const known = new Set(before);
    const newWords = indexedTerms(later.slice(0, 200)).terms.filter((term) => !known.has(term) && term.length >= 6).slice(0, 40);
    expect(newWords.length).toBe(40);
    const texts = [...queries(newWords), ...queries(before.filter((term) => term.length >= 6).slice(0, 40))];
    const answers = (target: PaperIndex): [string, number, [string, number][]][] =>
      texts.map((text) => {
        const page = target.search({ text, limit: 10 });
        return [text, page.total, page.hits.map((hit): [string, number] => [hit.id, hit.score])];
      });
    const expected = answers(index);
    // Typos of words that arrived after the build still find their papers.
    expect(expected.filter(([, total]) => total > 0).length).toBeGreaterThan(texts.length * 0.9);
    index.compact();
    expect(answers(index)).toEqual(expected);
    expect(answers(PaperIndex.fromSnapshot(index.snapshot()))).toEqual(expected);
  });
});
