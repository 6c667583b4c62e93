import { describe, expect, it } from 'vitest';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import { representativeSentence, splitSentences } from '../../src/corpus/sentences.ts';
import { MAX_QUERY_TERMS, UNCOVERED_QUOTES, answerFromPaper, classifyQuestion } from '../../src/discussions/answer.ts';
import { silentLogger } from '../../src/logger.ts';
import { fixturePaper, testLibrary } from '../helpers/library.ts';

const bundled = loadBundledPapers(silentLogger);
// The fixture papers are ingested too, so that their words have corpus weights, as they would in the bot.
const { library } = await testLibrary({ withSources: true });
const weight = (term: string): number => library.idfOf(term);

function paper(id: string): Paper {
  const found = bundled.find((p) => p.id === id);
  return found ?? fixturePaper(id);
}

/** A question, and a fragment of the sentence (or sentences) that answers it. */
interface Pair {
  paper: string;
  question: string;
  expected: string | string[];
}

/**
 * Questions written the way people ask them, mostly not in the sentence's own words, each with the sentence
 * an honest reader would quote as the answer. Some are hard on purpose (synonyms, a word the sentence lacks).
 */
const PAIRS: readonly Pair[] = [
  { paper: 'pb-44978d37ce', question: 'what application motivates this?', expected: 'motivated by an application to sparse mixture of experts' },
  { paper: 'pb-44978d37ce', question: 'is the dual tractable despite nonconvexity?', expected: 'dual problems are tractable' },
  { paper: 'pb-72e50662b0', question: 'what distance do they use for the OT part?', expected: 'sliced Wasserstein distance (SWD) for OT, which is a valid' },
  { paper: 'pb-edeb31e19f', question: 'is the code out?', expected: 'The code and implementation are available' },
  { paper: 'pb-edeb31e19f', question: 'what goes wrong when you remove the nonlinearities?', expected: 'their removal triggers two critical failure modes' },
  { paper: 'pb-29ccd32e7c', question: 'which samples get filtered?', expected: 'we filter out the samples whose confidence values are lower' },
  { paper: 'pb-d36c6ee7c5', question: 'how many function evaluations does sampling need?', expected: 'within around 10 function evaluations' },
  { paper: 'pb-80ba6914c8', question: 'how do they avoid catastrophic forgetting?', expected: 'to avoid catastrophic forgetting, we propose to stochastically restore' },
  { paper: 'pb-80ba6914c8', question: 'which tasks did they evaluate on?', expected: 'four classification tasks and a segmentation task' },
  { paper: 'pb-3091a660ed', question: 'how many hyperparameters does it have?', expected: 'involves only one hyperparameter' },
  { paper: 'pb-3091a660ed', question: 'what loss do they add?', expected: 'negative entropy loss for attention values' },
  { paper: 'pb-5364fc46ab', question: 'which architectures did they try it on?', expected: 'variety of model architectures such as VGG' },
  { paper: 'pb-5364fc46ab', question: 'does it still need fine-tuning afterwards?', expected: 'competitive performance without fine-tuning' },
  { paper: 'pb-98b4b536bb', question: 'how do they keep the model from forgetting?', expected: 'to alleviate the forgetting issue, we introduce a Fisher regularizer' },
  { paper: 'pb-98b4b536bb', question: 'which benchmarks do they run experiments on?', expected: 'Extensive experiments on CIFAR-10-C' },
  { paper: 'pb-46becc8632', question: 'what does it maximize?', expected: 'maximizes the discrepancy between the generated responses' },
  { paper: 'pb-e5e87cb903', question: 'which datasets?', expected: 'human-curated long-tailed CIFAR100' },
  {
    paper: 'pb-e5e87cb903',
    question: 'how is the OT problem solved?',
    expected: ['we develop a Majorization-Minimization-based optimization algorithm', 'can be solved efficiently by a fast matrix scaling algorithm'],
  },
  { paper: 'pb-a6b5f7200c', question: 'how do they cut the computational cost of OT?', expected: 'To overcome high computational complexity of OT' },
  { paper: 'pb-3dff124264', question: 'how well does it do on GSM-8K?', expected: 'On the GSM-8K benchmark' },
  { paper: 'pb-3dff124264', question: 'does it add latency at inference?', expected: 'eliminating any inference latency' },
  { paper: 'pb-78d19349cb', question: 'how fast is the search compared to plain quantization?', expected: 'The proposed procedure is 30% faster' },
  { paper: 'pb-03a2678f13', question: 'what do they mean by entropy collapse?', expected: 'We denote the pathologically low attention entropy' },
  { paper: 'pb-03a2678f13', question: 'can it train a ViT without warmup?', expected: 'going so far as enabling training' },
  { paper: 'pb-53bb30ab06', question: 'does it need retained data?', expected: "O3's effectiveness does not rely on any retained data" },
  { paper: 'pb-53bb30ab06', question: 'how many datasets did they test?', expected: 'three tasks and seven datasets' },
  { paper: 'pb-942dcb9aa1', question: "what's the cost per iteration?", expected: 'per-iteration complexity' },
  { paper: 'pb-1a389a4120', question: "what's wrong with cross-entropy?", expected: 'the forward cross-entropy is suboptimal' },
  { paper: 'pb-84ae1ffb03', question: 'how much memory does it save?', expected: '86% and 80% less memory' },
  { paper: 'pb-a4e2ed1945', question: 'what new kind of regularizer do they introduce?', expected: 'we introduce regularization tokens' },
  { paper: 'pb-ee1d8588c7', question: 'which datasets?', expected: 'FashionIQ, Fashion200k, and Shoes' },
  { paper: 'pb-08bdeffe37', question: 'what extra loss does TFUP-T use?', expected: 'marginal distribution entropy loss' },
  { paper: 'pb-f385c33d8d', question: 'how much faster are predictions?', expected: 'halve the prediction time' },
  { paper: 'pb-d8c59f5d1b', question: 'how big are their datasets?', expected: '500M and 1B training examples' },
  { paper: 'pb-d8c59f5d1b', question: 'was it deployed in production?', expected: 'launched the proposed techniques' },
  { paper: 'pb-fc3ce300f9', question: 'what datasets?', expected: 'Nordland and Oxford RobotCar' },
  { paper: 'pb-4b49c03d48', question: 'does it need any training?', expected: 'requiring no training or fine-tuning' },
  { paper: 'pb-d9de808a3d', question: 'which noise types are tested?', expected: 'Gaussian, Poisson, and Gamma noises' },
  { paper: 'pb-7ec4114b64', question: 'what tasks did they try?', expected: 'image classification, object detection, and machine translation' },
  { paper: 'pb-cfaa095a06', question: 'which language model generates the text descriptions?', expected: 'BLOOM-176B' },
  { paper: 'pb-9349371293', question: 'what FID do they get on CelebA?', expected: 'MaF-GAN on CelebA' },
  { paper: 'pb-e8f62cef7b', question: 'which divergence is used instead of KL?', expected: 'favorable properties of the Cauchy-Schwarz (CS) divergence' },
  // Fixture papers with an AI summary: the summary is a candidate like any sentence.
  { paper: '2501.14249', question: 'how many questions are in it?', expected: ['HLE consists of 3,000 questions', '3,000-question'] },
  { paper: '2501.14249', question: 'how do frontier models score on it?', expected: 'frontier LLMs score poorly' },
  { paper: '2501.12948', question: 'how many distilled models are released?', expected: ['six distilled dense models are released', 'six dense models'] },
  { paper: '2501.12948', question: 'is R1-Zero trained with SFT first?', expected: 'without supervised fine-tuning (SFT)' },
  { paper: '2501.12599', question: 'do they use MCTS?', expected: 'without MCTS' },
  { paper: '2501.12599', question: 'what score on AIME?', expected: '77.5 on AIME' },
  { paper: '2501.09891', question: 'which baselines does it beat?', expected: 'beats Best-of-N and Sequential Revision' },
  { paper: '2501.13106', question: 'what data is it trained on?', expected: 'trained mainly on high-quality image-text data' },
];

function answersRight(pair: Pair): boolean {
  const first = answerFromPaper(paper(pair.paper), pair.question, weight).quotes[0]?.text ?? '';
  const expected = Array.isArray(pair.expected) ? pair.expected : [pair.expected];
  return expected.some((fragment) => first.includes(fragment));
}

describe('answerFromPaper on question → sentence pairs', () => {
  it('has enough pairs, each naming a real sentence of its paper', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(20);
    expect(PAIRS.filter((p) => p.paper.startsWith('25')).length).toBeGreaterThanOrEqual(3);
    for (const pair of PAIRS) {
      const p = paper(pair.paper);
      const texts = [...splitSentences(p.abstractDisplay), p.aiSummary ?? ''];
      const expected = Array.isArray(pair.expected) ? pair.expected : [pair.expected];
      expect(expected.some((fragment) => texts.some((t) => t.includes(fragment))), pair.question).toBe(true);
    }
  });

  it('quotes the right sentence first for at least 80% of the questions', () => {
    const misses = PAIRS.filter((pair) => !answersRight(pair)).map((pair) => `${pair.paper}: ${pair.question}`);
    const share = (PAIRS.length - misses.length) / PAIRS.length;
    expect(share, `missed:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.8);
  });

  it('marks most of the right answers covered', () => {
    const right = PAIRS.filter(answersRight);
    const covered = right.filter((pair) => answerFromPaper(paper(pair.paper), pair.question, weight).covered);
    expect(covered.length / right.length).toBeGreaterThanOrEqual(0.85);
  });
});

/** Questions the paper never addresses (it may share a generic word with them: `model`, `training`, `classification`). */
const NOT_COVERED: readonly Omit<Pair, 'expected'>[] = [
  { paper: 'pb-46becc8632', question: 'what GPU did they use?' },
  { paper: 'pb-46becc8632', question: 'is there a code release?' },
  { paper: 'pb-46becc8632', question: 'how long does training take?' },
  { paper: 'pb-4b49c03d48', question: 'is there a code release?' },
  { paper: 'pb-4b49c03d48', question: 'how many GPUs and how long to train?' },
  { paper: 'pb-80ba6914c8', question: 'does it work on language models?' },
  { paper: 'pb-80ba6914c8', question: 'does it handle text classification?' },
  { paper: 'pb-3dff124264', question: 'was it tested on images?' },
  { paper: 'pb-3dff124264', question: 'how does it do on image generation?' },
  { paper: '2501.12599', question: 'how many parameters does the model have?' },
  { paper: '2501.14249', question: 'what reward model do they train?' },
  { paper: 'pb-1a389a4120', question: 'what hardware do they train on?' },
  { paper: 'pb-1a389a4120', question: 'does it work for image classification?' },
  { paper: 'pb-d9de808a3d', question: 'does it handle video?' },
  { paper: 'pb-942dcb9aa1', question: 'is there a GitHub repo?' },
  { paper: 'pb-cad8a5a6fa', question: 'does it work for speech recognition?' },
  { paper: 'pb-fc3ce300f9', question: 'does it run on a GPU or on neuromorphic chips?' },
  { paper: 'pb-9349371293', question: 'how long does training take on ImageNet?' },
  { paper: 'pb-03a2678f13', question: 'what batch size do they use?' },
  { paper: 'pb-e5e87cb903', question: 'is it robust to adversarial attacks?' },
];

describe('answerFromPaper on questions the paper does not cover', () => {
  it.each(NOT_COVERED)('$paper: $question', ({ paper: id, question }) => {
    const p = paper(id);
    const answer = answerFromPaper(p, question, weight);
    expect(answer.covered).toBe(false);
    expect(answer.quotes).toHaveLength(UNCOVERED_QUOTES);
    expect(new Set(answer.quotes.map((q) => q.text)).size).toBe(UNCOVERED_QUOTES);
    const texts = [...splitSentences(p.abstractDisplay), p.aiSummary];
    for (const q of answer.quotes) expect(texts).toContain(q.text);
    expect(answer.quotes[0]!.score).toBeGreaterThanOrEqual(answer.quotes[1]!.score);
  });
});

describe('answerFromPaper', () => {
  const d2o = paper('pb-46becc8632'); // D²O: no hardware, no code link.
  const omni = paper('pb-4b49c03d48'); // OmniSSR: no code link.

  it('offers the representative sentence when nothing in the paper matches at all', () => {
    const answer = answerFromPaper(d2o, 'what GPU did they use?', weight);
    expect(answer.quotes.every((q) => q.score === 0)).toBe(true);
    expect(answer.quotes[0]!.text).toBe(representativeSentence(d2o.abstractDisplay));
  });

  it('offers partial matches first when the paper covers only a little of the question', () => {
    const answer = answerFromPaper(omni, 'how long does training take on TPUs and how much carbon does it emit?', weight);
    expect(answer.covered).toBe(false);
    expect(answer.quotes[0]!.score).toBeGreaterThan(0);
    expect(answer.quotes[0]!.text).toMatch(/training/);
  });

  it('answers "propose"/"method" questions: alone they ask for the contribution, with a topic they step aside', () => {
    const cotta = paper('pb-80ba6914c8');
    const overview = answerFromPaper(cotta, 'what method do they propose?', weight);
    expect(overview.covered).toBe(true);
    expect(overview.quotes).toHaveLength(1);
    expect(overview.quotes[0]!.text).toBe(representativeSentence(cotta.abstractDisplay));
    expect(overview.quotes[0]!.text).toMatch(/we propose/i);
    const topical = answerFromPaper(cotta, 'what do they propose to reduce error accumulation?', weight);
    expect(topical.covered).toBe(true);
    expect(topical.quotes[0]!.text).toContain('we propose to reduce the error accumulation');
  });

  it('answers an overview question with the AI summary when there is one', () => {
    const r1 = fixturePaper('2501.12948');
    for (const question of ['what is the main idea?', "what's this paper about?", 'tl;dr?']) {
      const answer = answerFromPaper(r1, question, weight);
      expect(answer.covered, question).toBe(true);
      expect(answer.quotes).toEqual([{ text: r1.aiSummary, source: 'summary', score: 0 }]);
    }
  });

  it('tags quotes by source', () => {
    const answer = answerFromPaper(fixturePaper('2501.12599'), 'do they use MCTS?', weight);
    expect(answer.quotes[0]!.source).toBe('summary');
    const other = answerFromPaper(fixturePaper('2501.12599'), 'what score on AIME?', weight);
    expect(other.quotes[0]!.source).toBe('abstract');
  });

  it('meets inflected forms on both sides (datasets/dataset, trained/training)', () => {
    const recsys = paper('pb-d8c59f5d1b');
    const a = answerFromPaper(recsys, 'what dataset?', weight);
    const b = answerFromPaper(recsys, 'what datasets?', weight);
    expect(a).toEqual(b);
    expect(a.covered).toBe(true);
    const omniTrained = answerFromPaper(omni, 'is it trained?', weight);
    expect(omniTrained.quotes.map((q) => q.text).join(' ')).toMatch(/training/);
  });

  it('gives a second quote only when it scores close to the first, in score order', () => {
    for (const pair of PAIRS) {
      const answer = answerFromPaper(paper(pair.paper), pair.question, weight);
      if (!answer.covered || answer.quotes.length < 2) continue;
      expect(answer.quotes).toHaveLength(2);
      expect(answer.quotes[1]!.score).toBeLessThanOrEqual(answer.quotes[0]!.score);
      expect(answer.quotes[1]!.score).toBeGreaterThan(0);
    }
  });

  it('still counts a word the corpus does not know', () => {
    const answer = answerFromPaper(paper('pb-cfaa095a06'), 'what is BLOOM-176B used for?', () => 0);
    expect(answer.covered).toBe(true);
    expect(answer.quotes[0]!.text).toContain('BLOOM-176B');
  });

  it('survives a 10 kB question and answers in the usual shape', () => {
    const p = paper('pb-80ba6914c8');
    const words = 'why does the adaptation forget what the source model knew about domains and labels ';
    const question = words.repeat(Math.ceil(10_000 / words.length)).slice(0, 10_000) + ' ' + 'x'.repeat(500);
    const started = performance.now();
    const answer = answerFromPaper(p, question, weight);
    expect(performance.now() - started).toBeLessThan(500);
    expect(answer.quotes.length).toBeGreaterThanOrEqual(1);
    expect(answer.quotes.length).toBeLessThanOrEqual(2);
    for (const q of answer.quotes) expect(Number.isFinite(q.score)).toBe(true);
    const wordy = Array.from({ length: 2_000 }, (_, i) => `term${i}word`).join(' ');
    expect(() => answerFromPaper(p, wordy, weight)).not.toThrow();
    expect(MAX_QUERY_TERMS).toBeLessThan(2_000);
  });

  it('is deterministic', () => {
    for (const pair of PAIRS.slice(0, 10)) {
      const p = paper(pair.paper);
      expect(answerFromPaper(p, pair.question, weight)).toEqual(answerFromPaper(structuredClone(p), pair.question, weight));
    }
  });

  it('handles a paper without an abstract', () => {
    const bare = { ...d2o, abstract: '', abstractDisplay: '', aiSummary: undefined };
    expect(answerFromPaper(bare, 'what dataset?', weight)).toEqual({ covered: false, quotes: [], searched: 'abstract', passages: [] });
    expect(answerFromPaper(bare, 'what is it about?', weight)).toEqual({ covered: false, quotes: [], searched: 'abstract', passages: [] });
  });
});

describe('classifyQuestion', () => {
  it('recognises requests for related papers', () => {
    for (const question of [
      'any similar papers?',
      'what else is like this?',
      'related work?',
      '@paperboy related papers please',
      'Are there other papers on this topic?',
      'anything similar to this?',
      'more like this',
      'any related?',
      'similar?',
      'can you recommend papers on the same idea?',
      'Papers like this one?',
      'other work like this?',
    ]) expect(classifyQuestion(question), question).toBe('related');
  });

  it('keeps questions about the paper itself, even when they compare it to something', () => {
    for (const question of [
      'what dataset do they use?',
      'is it similar to LoRA?',
      'how does it compare with CoTTA?',
      'does it need labels?',
      'how fast is it?',
      'what is the main idea?',
    ]) expect(classifyQuestion(question), question).toBe('about-paper');
  });

  it('says empty for whitespace, punctuation or emoji only', () => {
    for (const question of ['', '   ', '\n\t', '???', '!!! ...', '🤔', '👍🏽 🎉', '“…”']) {
      expect(classifyQuestion(question), JSON.stringify(question)).toBe('empty');
    }
    expect(classifyQuestion('🤔 v2?')).toBe('about-paper');
  });
});
