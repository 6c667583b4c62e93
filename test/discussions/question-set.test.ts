import { describe, expect, it } from 'vitest';
import { evaluateQuestionSet, quality, readQuestionSet } from '../../bench/answer-quality.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { splitSentences } from '../../src/corpus/sentences.ts';
import { silentLogger } from '../../src/logger.ts';
import { FULL_TEXT_FIXTURES, fullTextFixture } from '../helpers/full-text.ts';

const set = readQuestionSet();

describe('the question set kept in the repository', () => {
  it('has at least 60 full-text questions over at least 6 papers, each label a real passage of its paper', () => {
    expect(set.fullText.length).toBeGreaterThanOrEqual(60);
    expect(new Set(set.fullText.map((q) => q.paper)).size).toBeGreaterThanOrEqual(6);
    expect(set.fullText.filter((q) => q.answers.length === 0).length).toBeGreaterThanOrEqual(6);
    for (const id of FULL_TEXT_FIXTURES) {
      const ids = new Set(['abstract', ...fullTextFixture(id).text.passages.map((p) => p.id)]);
      for (const q of set.fullText.filter((x) => x.paper === id)) {
        for (const answer of q.answers) expect(ids.has(answer), `${id}: ${q.question} → ${answer}`).toBe(true);
      }
    }
  });

  it('has at least 60 abstract questions over at least 10 bundled papers, each label a fragment of one sentence', () => {
    expect(set.abstracts.length).toBeGreaterThanOrEqual(60);
    expect(new Set(set.abstracts.map((q) => q.paper)).size).toBeGreaterThanOrEqual(10);
    const papers = new Map(loadBundledPapers(silentLogger).map((p) => [p.id, p]));
    for (const q of set.abstracts) {
      const paper = papers.get(q.paper);
      expect(paper, q.paper).toBeDefined();
      const sentences = splitSentences(paper!.abstractDisplay);
      for (const fragment of q.answer === null ? [] : [q.answer].flat()) {
        expect(sentences.some((s) => s.includes(fragment)), `${q.paper}: ${q.question} → ${fragment}`).toBe(true);
      }
    }
  });
});

describe('extractive answers on the question set', () => {
  const evaluated = evaluateQuestionSet(set);

  it('quotes a right passage first for at least 80% of full-text questions, and says "does not say" wrongly for at most 5%', async () => {
    const q = quality((await evaluated).fullText);
    expect(q.rightFirst).toBeGreaterThanOrEqual(0.8);
    expect(q.falseDoesNotSay).toBeLessThanOrEqual(0.05);
  });

  it('quotes the right sentence first for at least 80% of abstract questions, and says "does not say" wrongly for at most 5%', async () => {
    const q = quality((await evaluated).abstracts);
    expect(q.rightFirst).toBeGreaterThanOrEqual(0.8);
    expect(q.falseDoesNotSay).toBeLessThanOrEqual(0.05);
  });
});
