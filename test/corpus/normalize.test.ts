import { describe, expect, it } from 'vitest';
import {
  absoluteHfAvatar,
  cleanAbstract,
  collapseWhitespace,
  decodeHtmlEntities,
  normalizeArxivId,
  normalizeGithubUrl,
  texToDisplay,
  unescapeTex,
} from '../../src/corpus/normalize.ts';

describe('normalizeArxivId', () => {
  it.each([
    ['2501.12948', '2501.12948', null],
    ['0706.0001', '0706.0001', null],
    ['1412.6980v9', '1412.6980', 9],
    ['  arXiv:2501.12948 ', '2501.12948', null],
    ['https://arxiv.org/abs/2501.12948v2', '2501.12948', 2],
    ['http://export.arxiv.org/abs/2501.12948', '2501.12948', null],
    ['http://arxiv.org/pdf/2501.12948v2', '2501.12948', 2],
    ['https://arxiv.org/pdf/2501.12948v2.pdf', '2501.12948', 2],
    ['oai:arXiv.org:2501.12948v1', '2501.12948', 1],
    ['https://huggingface.co/papers/2501.12948', '2501.12948', null],
    ['https://hf.co/papers/2501.12948', '2501.12948', null],
    ['hep-th/9711200v3', 'hep-th/9711200', 3],
    ['http://arxiv.org/abs/hep-th/9711200v3', 'hep-th/9711200', 3],
    ['math.GT/0309136', 'math.GT/0309136', null],
    ['cs/9901002v1', 'cs/9901002', 1],
  ])('reads %j as base %j, version %j', (input, base, version) => {
    expect(normalizeArxivId(input)).toEqual({ base, version });
  });

  it.each([
    '1234.123',
    '2501.12948v',
    '2501.123456',
    'random words',
    '',
    'math.gt/0309136',
    'HEP-TH/9711200',
    'https://example.com/abs/2501.12948',
  ])('rejects %j', (input) => {
    expect(normalizeArxivId(input)).toBeNull();
  });
});

describe('collapseWhitespace', () => {
  it('folds a hard-wrapped title into one line', () => {
    expect(collapseWhitespace('  Training language models to follow instructions with human\n  feedback\t')).toBe(
      'Training language models to follow instructions with human feedback',
    );
  });
});

describe('cleanAbstract', () => {
  it('joins lines wrapped at 80 columns into one paragraph', () => {
    expect(cleanAbstract('  We show that the large\nN limit of certain\ntheories holds.  \n')).toBe(
      'We show that the large N limit of certain theories holds.',
    );
  });

  it('keeps a paragraph break before an indented line and at a blank line', () => {
    expect(cleanAbstract('First paragraph\nends here.\n  Second one\nends.\n\nThird.')).toBe(
      'First paragraph ends here.\n\nSecond one ends.\n\nThird.',
    );
  });

  it('turns an HF summary with a stray newline into one paragraph', () => {
    expect(cleanAbstract('image and video understanding.\nInstead of preparing massive datasets')).toBe(
      'image and video understanding. Instead of preparing massive datasets',
    );
  });
});

describe('decodeHtmlEntities', () => {
  it('decodes named, Latin and numeric entities', () => {
    expect(decodeHtmlEntities('R&amp;D &lt;b&gt; &quot;x&quot; it&apos;s it&#39;s Caf&eacute; &Ouml; &#233;&#xE9;')).toBe(
      'R&D <b> "x" it\'s it\'s Café Ö éé',
    );
    expect(decodeHtmlEntities('a&nbsp;b')).toBe('a\u00a0b');
  });

  it('decodes exactly once', () => {
    expect(decodeHtmlEntities('x &amp;lt; y &amp;amp; z')).toBe('x &lt; y &amp; z');
  });

  it('leaves a lone ampersand and unknown references alone', () => {
    expect(decodeHtmlEntities('AT&T & co &bogus; &constructor; &#0;')).toBe('AT&T & co &bogus; &constructor; &#0;');
  });
});

describe('unescapeTex', () => {
  it('unescapes TeX specials and quotes', () => {
    expect(unescapeTex('90\\% of R\\&D in snake\\_case \\#1 for \\$5, the ``extra\'\' bit')).toBe(
      '90% of R&D in snake_case #1 for $5, the “extra” bit',
    );
  });

  it('turns accent macros, braced or not, into composed letters', () => {
    const out = unescapeTex('Schr\\"odinger, l\'\\\'Ecole, Math\\\'{e}matiques, {\\\'e}t\\`e, Fran\\c{c}ais, na\\"{\\i}ve, \\^{o}, \\~n');
    expect(out).toBe('Schrödinger, l\'École, Mathématiques, étè, Français, naïve, ô, ñ');
    expect(out).toBe(out.normalize('NFC'));
  });
});

describe('texToDisplay', () => {
  it.each([
    ['$\\text{Transformer}^2$: Self-adaptive LLMs', 'Transformer²: Self-adaptive LLMs'],
    ['$π_0$: A Vision-Language-Action Flow Model for General Robot Control', 'π₀: A Vision-Language-Action Flow Model for General Robot Control'],
    ['its relation to $AdS_5 \\times S^5$ string theory', 'its relation to AdS₅ × S⁵ string theory'],
    ['over 90\\% accuracy', 'over 90% accuracy'],
    ['the large $N$ limit, $N=4$ in $d=4$', 'the large N limit, N=4 in d=4'],
    ['$\\alpha \\leq \\beta^{-1}$, $x_{10} \\approx \\infty$', 'α ≤ β⁻¹, x₁₀ ≈ ∞'],
    ['\\emph{robust} $\\mathbf{x} \\sim \\mathcal{N}$', 'robust x ~ N'],
    ['the ``extra\'\' supersymmetries', 'the “extra” supersymmetries'],
  ])('displays %j as %j', (input, display) => {
    expect(texToDisplay(input)).toBe(display);
  });

  it('keeps the name of an unknown macro instead of expanding or dropping it', () => {
    expect(texToDisplay('We introduce \\implname, a novel framework')).toBe('We introduce implname, a novel framework');
    expect(texToDisplay('\\constructor and \\toString')).toBe('constructor and toString');
  });

  it('does not lose text around literal dollar amounts', () => {
    expect(texToDisplay('costs $5 and $10 per run')).toBe('costs $5 and $10 per run');
    expect(texToDisplay('only \\$5')).toBe('only $5');
  });

  it('leaves underscores and carets outside math alone, and keeps paragraph breaks', () => {
    expect(texToDisplay('see github.com/a/b_2 and x^2\n\nNext {paragraph}')).toBe('see github.com/a/b_2 and x^2\n\nNext paragraph');
  });
});

describe('normalizeGithubUrl', () => {
  it.each([
    'https://github.com/owner/repo',
    'https://github.com/owner/repo.git',
    'https://github.com/owner/repo/',
    'https://github.com/owner/repo/tree/main/src',
    'http://www.github.com/owner/repo/blob/main/README.md?plain=1#setup',
    'github.com/owner/repo',
    'owner/repo',
    ' git@github.com:owner/repo.git ',
  ])('normalizes %j', (input) => {
    expect(normalizeGithubUrl(input)).toBe('https://github.com/owner/repo');
  });

  it('keeps dots and case in repository names', () => {
    expect(normalizeGithubUrl('https://github.com/MoonshotAI/Kimi-k1.5')).toBe('https://github.com/MoonshotAI/Kimi-k1.5');
  });

  it.each(['https://gitlab.com/owner/repo', 'https://github.com/owner', 'https://github.com/orgs/acme', 'https://lastexam.ai', 'repo'])(
    'rejects %j',
    (input) => {
      expect(normalizeGithubUrl(input)).toBeUndefined();
    },
  );
});

describe('absoluteHfAvatar', () => {
  it('resolves relative avatars against the Hub and keeps absolute ones', () => {
    expect(absoluteHfAvatar('/avatars/5c0b.svg')).toBe('https://huggingface.co/avatars/5c0b.svg');
    expect(absoluteHfAvatar('https://cdn-avatars.huggingface.co/a.png')).toBe('https://cdn-avatars.huggingface.co/a.png');
  });
});
