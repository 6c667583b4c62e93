import { describe, expect, it } from 'vitest';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { bibtexKey, toBibtex, toMarkdownCitation } from '../../src/corpus/citation.ts';
import { createPaper } from '../../src/corpus/paper.ts';
import type { Paper, PaperDraft } from '../../src/corpus/paper.ts';
import { silentLogger } from '../../src/logger.ts';
import { allFixturePapers, fixturePaper } from '../helpers/library.ts';

const bundled = loadBundledPapers(silentLogger);

function paper(draft: Partial<PaperDraft>): Paper {
  return createPaper({ title: 'The Monge Gap: A Regularizer to Learn All Transport Maps', abstract: 'An abstract.', source: 'import', ...draft });
}

describe('toBibtex', () => {
  it('cites DeepSeek-R1 from Hugging Face Daily Papers', () => {
    expect(toBibtex(fixturePaper('2501.12948'))).toBe(
      [
        '@misc{deepseekai2025deepseek,',
        '  title = {{DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning}},',
        '  author = {DeepSeek-AI and Daya Guo and Dejian Yang and Haowei Zhang and Junxiao Song and Ruoyu Zhang and Runxin Xu and Qihao Zhu and Shirong Ma and Peiyi Wang and Xiao Bi},',
        '  year = {2025},',
        '  eprint = {2501.12948},',
        '  archivePrefix = {arXiv},',
        '  url = {https://arxiv.org/abs/2501.12948}',
        '}',
      ].join('\n'),
    );
  });

  it('cites an old-style arXiv id with its category and DOI', () => {
    expect(toBibtex(fixturePaper('hep-th/9711200'))).toBe(
      [
        '@misc{maldacena1997large,',
        '  title = {{The Large N Limit of Superconformal Field Theories and Supergravity}},',
        '  author = {Juan M. Maldacena},',
        '  year = {1997},',
        '  eprint = {hep-th/9711200},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {hep-th},',
        '  doi = {10.1023/A:1026654312961},',
        '  url = {https://arxiv.org/abs/hep-th/9711200}',
        '}',
      ].join('\n'),
    );
  });

  it('keeps the raw TeX of a title, and takes the key word from its display form', () => {
    expect(toBibtex(fixturePaper('2501.06252'))).toBe(
      [
        '@misc{sun2025transformer2,',
        '  title = {{$\\text{Transformer}^2$: Self-adaptive LLMs}},',
        '  author = {Qi Sun and Edoardo Cetin and Yujin Tang},',
        '  year = {2025},',
        '  eprint = {2501.06252},',
        '  archivePrefix = {arXiv},',
        '  url = {https://arxiv.org/abs/2501.06252}',
        '}',
      ].join('\n'),
    );
    expect(toBibtex(fixturePaper('2410.24164'))).toContain('  title = {{$π_0$: A Vision-Language-Action Flow Model for General Robot Control}},\n');
    expect(bibtexKey(fixturePaper('2410.24164'))).toBe('black2024vision');
    expect(bibtexKey(fixturePaper('1706.03762'))).toBe('vaswani2017attention');
  });

  it('cites a bundled paper with its title and where it came from', () => {
    const sparsity = bundled.find((p) => p.title === 'Sparsity-Constrained Optimal Transport')!;
    expect(toBibtex(sparsity)).toBe(
      [
        `@misc{paperboy-${sparsity.id.slice(3)},`,
        '  title = {{Sparsity-Constrained Optimal Transport}},',
        '  note = {Listed on the Hugging Face trending papers page}',
        '}',
      ].join('\n'),
    );
    for (const p of bundled) expect(toBibtex(p)).toMatch(/^@misc\{paperboy-[0-9a-f]{10},\n {2}title = \{\{.+\}\},\n {2}note = \{.+\}\n\}$/);
  });

  it.each([
    [['Théo Uscidda', 'Marco Cuturi'], 'uscidda2023monge'],
    [['Bernhard Schölkopf'], 'scholkopf2023monge'],
    [['Heinz Großmann'], 'grossmann2023monge'],
    [['Łukasz Ørsted'], 'orsted2023monge'],
    [["Ralph B. D'Agostino Jr."], 'dagostino2023monge'],
    [['Schölkopf, Bernhard'], 'scholkopf2023monge'],
    [['DeepSeek-AI'], 'deepseekai2023monge'],
    [['张伟'], 'paperboy-2302_00001'],
  ])('folds the surname of %j into the key %s', (authors, key) => {
    expect(bibtexKey(paper({ authors, publishedAt: '2023-02-01T00:00:00Z', arxivId: '2302.00001' }))).toBe(key);
  });

  it('falls back to the id without authors or year, and only ever uses [a-z0-9_-]', () => {
    expect(bibtexKey(paper({ arxivId: 'hep-th/9711200', authors: ['Juan M. Maldacena'] }))).toBe('paperboy-hep-th_9711200');
    expect(bibtexKey(paper({ arxivId: 'math.GT/0309136', publishedAt: '2003-09-08T00:00:00Z' }))).toBe('paperboy-math_gt_0309136');
    expect(bibtexKey(paper({ title: '$π_0$ & Ω', authors: ['Kevin Black'], publishedAt: '2024-10-31T00:00:00Z' }))).toBe('black2024');
    for (const p of [...bundled, ...allFixturePapers()]) expect(bibtexKey(p)).toMatch(/^[a-z0-9_-]+$/);
  });

  it('escapes BibTeX-special characters in text and TeX alike', () => {
    const p = paper({ title: 'Q&A at 90\\% and 100% with my_model, $x_i$ and #tags', publishedAt: '2023-02-01T00:00:00Z' });
    // Authors as a source could hand them over, not through createPaper (which makes TeX readable).
    const entry = toBibtex({ ...p, authors: ['Research and Development {Team}', 'A_B $C\\D% ~^'] });
    expect(entry).toContain('  title = {{Q\\&A at 90\\% and 100\\% with my\\_model, $x_i$ and \\#tags}},\n');
    expect(entry).toContain(
      '  author = {{Research and Development \\textbraceleft{}Team\\textbraceright{}} and A\\_B \\$C\\textbackslash{}D\\% \\textasciitilde{}\\textasciicircum{}},\n',
    );
    const unbalanced = toBibtex(paper({ title: 'Costs in $ of {broken', publishedAt: '2023-02-01T00:00:00Z' }));
    expect(unbalanced).toContain('  title = {{Costs in \\$ of \\textbraceleft{}broken}},\n');
  });
});

describe('toMarkdownCitation', () => {
  it('names one author', () => {
    expect(toMarkdownCitation(fixturePaper('hep-th/9711200'))).toBe(
      'Juan M. Maldacena (1997). [The Large N Limit of Superconformal Field Theories and Supergravity](https://arxiv.org/abs/hep-th/9711200). arXiv:hep-th/9711200.',
    );
  });

  it('names three authors, with the display title', () => {
    expect(toMarkdownCitation(fixturePaper('2501.06252'))).toBe(
      'Qi Sun, Edoardo Cetin, and Yujin Tang (2025). [Transformer²: Self-adaptive LLMs](https://arxiv.org/abs/2501.06252). arXiv:2501.06252.',
    );
  });

  it('names the first of five authors, et al.', () => {
    const five = { ...fixturePaper('1706.03762'), authors: fixturePaper('1706.03762').authors.slice(0, 5) };
    expect(five.authors).toHaveLength(5);
    expect(toMarkdownCitation(five)).toBe(
      'Ashish Vaswani et al. (2017). [Attention Is All You Need](https://arxiv.org/abs/1706.03762). arXiv:1706.03762.',
    );
    expect(toMarkdownCitation({ ...five, authors: five.authors.slice(0, 2) })).toMatch(/^Ashish Vaswani and Noam Shazeer \(2017\)\. /);
  });

  it('escapes Markdown in the title and the authors', () => {
    const p = paper({
      title: 'Attention [is] *all* you_need <b>`x`</b>',
      authors: ['Ada *Star* Lovelace'],
      publishedAt: '2024-01-01T00:00:00Z',
      arxivId: '2401.00001',
    });
    expect(toMarkdownCitation(p)).toBe(
      'Ada \\*Star\\* Lovelace (2024). [Attention \\[is\\] \\*all\\* you\\_need \\<b\\>\\`x\\`\\</b\\>](https://arxiv.org/abs/2401.00001). arXiv:2401.00001.',
    );
  });

  it('leaves out what is missing without stray punctuation', () => {
    const sparsity = bundled.find((p) => p.title === 'Sparsity-Constrained Optimal Transport')!;
    expect(toMarkdownCitation(sparsity)).toBe('Sparsity-Constrained Optimal Transport.');
    expect(toMarkdownCitation(paper({ title: 'Can LLMs reason?' }))).toBe('Can LLMs reason?');
    expect(toMarkdownCitation(paper({ title: 'Titans', arxivId: '2501.00663', publishedAt: '2024-12-31T22:32:03Z' }))).toBe(
      '[Titans](https://arxiv.org/abs/2501.00663) (2024). arXiv:2501.00663.',
    );
    expect(toMarkdownCitation(paper({ title: 'Titans', authors: ['Ali Behrouz', 'Peilin Zhong', 'Vahab Mirrokni', 'X Y'] }))).toBe(
      'Ali Behrouz et al. Titans.',
    );
    expect(
      toMarkdownCitation(paper({ title: 'A (b) c', links: { project: 'https://example.org/a (b)' }, authors: ['Ali Behrouz'] })),
    ).toBe('Ali Behrouz. [A (b) c](https://example.org/a%20%28b%29).');
  });
});
