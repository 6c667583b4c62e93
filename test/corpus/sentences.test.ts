import { describe, expect, it } from 'vitest';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import { representativeSentence, splitSentences } from '../../src/corpus/sentences.ts';
import { silentLogger } from '../../src/logger.ts';
import { allFixturePapers, fixture, fixturePaper } from '../helpers/library.ts';

const bundled = loadBundledPapers(silentLogger);

function bundledByTitle(prefix: string): Paper {
  const paper = bundled.find((p) => p.title.startsWith(prefix));
  if (!paper) throw new Error(`no bundled paper titled ${prefix}…`);
  return paper;
}

const ATTENTION_SENTENCES = [
  'The dominant sequence transduction models are based on complex recurrent or convolutional neural networks in an encoder-decoder configuration.',
  'The best performing models also connect the encoder and decoder through an attention mechanism.',
  'We propose a new simple network architecture, the Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions entirely.',
  'Experiments on two machine translation tasks show these models to be superior in quality while being more parallelizable and requiring significantly less time to train.',
  'Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, improving over the existing best results, including ensembles by over 2 BLEU.',
  'On the WMT 2014 English-to-French translation task, our model establishes a new single-model state-of-the-art BLEU score of 41.8 after training for 3.5 days on eight GPUs, a small fraction of the training costs of the best models from the literature.',
  'We show that the Transformer generalizes well to other tasks by applying it successfully to English constituency parsing both with large and limited training data.',
];

describe('splitSentences', () => {
  it.each([
    ['e.g.', 'Baselines (e.g. CLIP) fail on it. We fix them, e.g., by tuning.', ['Baselines (e.g. CLIP) fail on it.', 'We fix them, e.g., by tuning.']],
    ['i.e.', 'It models interactions, i.e. TME-related ones. We test it.', ['It models interactions, i.e. TME-related ones.', 'We test it.']],
    ['et al. before a year', 'We use the method of Goldfeld et al. (2019) for MI. It scales.', ['We use the method of Goldfeld et al. (2019) for MI.', 'It scales.']],
    ['et al. before a verb', 'Wang et al. propose a regularizer. We analyse it.', ['Wang et al. propose a regularizer.', 'We analyse it.']],
    ['etc. before lower case', 'Noise2Noise, SURE, etc. seem to differ. We unify them.', ['Noise2Noise, SURE, etc. seem to differ.', 'We unify them.']],
    ['etc. ending a sentence', 'Methods inject noise, augment data, etc. In this work, we propose PS-KD.', ['Methods inject noise, augment data, etc.', 'In this work, we propose PS-KD.']],
    ['vs.', 'MaF-GAN scores 9.13 vs. 12.43 in FID. The code is public.', ['MaF-GAN scores 9.13 vs. 12.43 in FID.', 'The code is public.']],
    ['Fig. and Eq.', 'As Fig. 3 shows, the loss drops. Eq. (2) defines it.', ['As Fig. 3 shows, the loss drops.', 'Eq. (2) defines it.']],
    ['cf.', 'This matches prior work (cf. Smith 2020). We go further.', ['This matches prior work (cf. Smith 2020).', 'We go further.']],
    ['approx. and resp.', 'Accuracy is 81% and 74% (resp. CIFAR and ImageNet). Training takes approx. 3.5 days.', ['Accuracy is 81% and 74% (resp. CIFAR and ImageNet).', 'Training takes approx. 3.5 days.']],
    ['initials', 'The bound of A. Smith and J. R. R. Tolkien holds. Juan M. Maldacena showed more.', ['The bound of A. Smith and J. R. R. Tolkien holds.', 'Juan M. Maldacena showed more.']],
    ['a capital letter ending a sentence', 'Consider a grid of size N. We show it scales.', ['Consider a grid of size N.', 'We show it scales.']],
    ['decimals', 'Our model achieves 28.4 BLEU. It trains in 3.5 days.', ['Our model achieves 28.4 BLEU.', 'It trains in 3.5 days.']],
    ['version strings', 'We release v1.5 of the model. Version 2.0.1 follows.', ['We release v1.5 of the model.', 'Version 2.0.1 follows.']],
    [
      'URLs',
      'Code is at https://github.com/DAMO-NLP-SG/VideoLLaMA3. Data: https://x.ai/v1.5/data.json, soon.',
      ['Code is at https://github.com/DAMO-NLP-SG/VideoLLaMA3.', 'Data: https://x.ai/v1.5/data.json, soon.'],
    ],
    ['ellipses', 'We tried A, B, C... and none worked. Then D… and it did.', ['We tried A, B, C... and none worked.', 'Then D… and it did.']],
    ['? and !', "What's in a Prior? Learned proximal networks answer it! They work.", ["What's in a Prior?", 'Learned proximal networks answer it!', 'They work.']],
    [
      'closing quotes and brackets',
      'They call it "vision-centric." The design follows. (This is shown in Sec. 4.) Results improve.',
      ['They call it "vision-centric."', 'The design follows.', '(This is shown in Sec. 4.)', 'Results improve.'],
    ],
    ['a missing space after a sentence', 'It was proposed (Wang et al. 2020).The second part studies layers.We establish it.', ['It was proposed (Wang et al. 2020).', 'The second part studies layers.', 'We establish it.']],
    ['dotted names without a space', 'It appeared in Adv.Theor.Math.Phys. in 1998.', ['It appeared in Adv.Theor.Math.Phys. in 1998.']],
    ['list markers', 'We find: (i) We show A. (ii) we bound B.', ['We find: (i) We show A.', '(ii) we bound B.']],
    ['identifiers in lower case', "It matches OpenAI's o1. o1-mini is smaller.", ["It matches OpenAI's o1.", 'o1-mini is smaller.']],
  ])('handles %s', (_kind, text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });

  it('treats a single line break as a space and a blank line as a break', () => {
    expect(splitSentences('A hard-wrapped\nsentence goes on. Next one.')).toEqual(['A hard-wrapped sentence goes on.', 'Next one.']);
    expect(splitSentences('A heading without a period\n\n  Body text.\r\n\r\nLast paragraph')).toEqual([
      'A heading without a period',
      'Body text.',
      'Last paragraph',
    ]);
  });

  it('trims and drops empty pieces', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('  \n\n \t ')).toEqual([]);
    expect(splitSentences('  One.   Two!  ')).toEqual(['One.', 'Two!']);
    expect(splitSentences('One. . Two.')).toEqual(['One.', 'Two.']);
  });

  it('splits the abstract of "Attention Is All You Need" into its 7 sentences, from the paper and from the raw feed', () => {
    const paper = fixturePaper('1706.03762');
    expect(splitSentences(paper.abstract)).toEqual(ATTENTION_SENTENCES);
    const raw = /<summary>([\s\S]*?)<\/summary>/.exec(fixture('arxiv-query.atom.xml'))![1]!;
    expect(raw).toContain('28.4 BLEU on the WMT 2014\n');
    const sentences = splitSentences(raw);
    expect(sentences).toHaveLength(7);
    expect(sentences).toEqual(ATTENTION_SENTENCES);
    expect(sentences.filter((s) => s.includes('28.4 BLEU'))).toEqual([ATTENTION_SENTENCES[4]]);
  });

  it('loses no text of any bundled or fixture abstract, and starts every sentence like one', () => {
    for (const paper of [...bundled, ...allFixturePapers()]) {
      const sentences = splitSentences(paper.abstract);
      expect(sentences.length).toBeGreaterThan(0);
      expect(sentences.join('').replace(/\s+/g, '')).toBe(paper.abstract.replace(/\s+/g, ''));
      for (const sentence of sentences) {
        expect(sentence, paper.title).toMatch(/^[\p{Lu}\d([$'"“‘]/u);
        expect(sentence, paper.title).not.toMatch(/\b(?:e\.g|i\.e|vs|cf|et al)\.$/);
      }
    }
  });
});

describe('representativeSentence', () => {
  it('is undefined without sentences and the sentence itself when there is one', () => {
    expect(representativeSentence('')).toBeUndefined();
    expect(representativeSentence(' \n\n ')).toBeUndefined();
    expect(representativeSentence('  We propose a sparse attention pattern. ')).toBe('We propose a sparse attention pattern.');
  });

  it('returns one of the sentences of every bundled and fixture abstract, the same every time', () => {
    for (const paper of [...bundled, ...allFixturePapers()]) {
      const sentence = representativeSentence(paper.abstract);
      expect(splitSentences(paper.abstract), paper.title).toContain(sentence);
      expect(representativeSentence(paper.abstract)).toBe(sentence);
    }
  });

  it('picks the sentence that states the contribution of papers read by hand', () => {
    expect(representativeSentence(fixturePaper('1706.03762').abstract)).toBe(ATTENTION_SENTENCES[2]);
    expect(representativeSentence(fixturePaper('hep-th/9711200').abstract)).toMatch(/^We show that the large \$N\$ limit of certain conformal field theories/);
    expect(representativeSentence(bundledByTitle('Practical Unlearning for Large Language Models').abstract)).toBe(
      'To overcome these challenges and achieve practical LLM unlearning, we propose the O3 framework.',
    );
    expect(representativeSentence(bundledByTitle('EMO: Earth Mover Distance Optimization').abstract)).toBe(
      'In this paper, we propose Earth Mover Distance Optimization (EMO) for auto-regressive language modeling.',
    );
    expect(representativeSentence(bundledByTitle('HESSO').abstract)).toBe(
      'To address such limitations, we propose a Hybrid Efficient Structured Sparse Optimizer (HESSO).',
    );
    expect(representativeSentence(bundledByTitle('BA-LoRA').abstract)).toMatch(
      /^This work introduces Bias-Alleviating Low-Rank Adaptation \(BA-LoRA\)/,
    );
  });

  it('does not let a long sentence win by length, nor a very short one by its few words', () => {
    const rambling =
      'Over the past years, research groups, industrial labs, startups and universities on several continents have tried, ' +
      'with very different budgets, hardware, datasets, evaluation suites and degrees of luck, to make attention in ' +
      'transformers cheaper by making it local, linear, hashed, clustered, low-rank or otherwise approximate.';
    const text =
      'Transformers are slow on long inputs because dense attention is quadratic. ' +
      `Sparse attention makes transformers fast on long inputs. ${rambling} ` +
      'Sparse attention keeps transformers accurate on long inputs. Sparse attention matches dense attention on long inputs.';
    expect(representativeSentence(text)).toBe('Sparse attention makes transformers fast on long inputs.');
    expect(representativeSentence('Sparse attention. Sparse attention keeps transformers accurate on long inputs.')).toBe(
      'Sparse attention keeps transformers accurate on long inputs.',
    );
  });

  it('prefers the sentence that states the contribution among equally similar ones', () => {
    expect(
      representativeSentence(
        'Sparse attention keeps transformers accurate on long inputs. We propose sparse attention that keeps transformers accurate on long inputs.',
      ),
    ).toBe('We propose sparse attention that keeps transformers accurate on long inputs.');
  });
});
