import { describe, expect, it } from 'vitest';
import { renderFallback, renderMessage, sanitizeForTerminal } from '../../../adapters/shell/render.ts';
import type { Block, OutgoingMessage } from '../../../src/chat/message.ts';

const ESC = '\u001b';

function message(blocks: Block[], fallbackText = 'fallback'): OutgoingMessage {
  return { fallbackText, blocks, visibility: 'channel' };
}

function plain(blocks: Block[], width?: number): string {
  return renderMessage(message(blocks), { color: false, width }).text;
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/gu, '');
}

const paperCard: Block[] = [
  { kind: 'heading', text: 'Attention Is All You Need', url: 'https://arxiv.org/abs/1706.03762' },
  { kind: 'text', text: ['We propose the ', { text: 'Transformer', style: 'bold' }, ', a new ', { text: 'simple', style: 'italic' }, ' ', { text: 'network', style: 'code' }, '.'] },
  { kind: 'fields', fields: [{ label: 'Authors', value: ['Vaswani et al.'] }, { label: 'Upvotes', value: ['42'] }] },
  { kind: 'list', items: [['first'], ['second']], ordered: true },
  { kind: 'divider' },
  { kind: 'context', text: ['cs.CL · ', { text: 'arXiv', url: 'https://arxiv.org' }] },
  { kind: 'image', url: 'https://example.org/fig1.png', alt: 'Figure 1' },
  { kind: 'actions', buttons: [{ actionId: 'discuss:1', label: 'Discuss', style: 'primary' }, { actionId: 'cite:1', label: 'Cite', style: 'danger' }] },
];

describe('plain output of each block kind', () => {
  it('shows a heading with its URL in parentheses on the same line', () => {
    expect(plain([{ kind: 'heading', text: 'Attention Is All You Need', url: 'https://arxiv.org/abs/1706.03762' }])).toBe(
      'Attention Is All You Need (https://arxiv.org/abs/1706.03762)',
    );
    expect(plain([{ kind: 'heading', text: 'No link' }])).toBe('No link');
  });

  it('joins text spans and drops their styles', () => {
    expect(plain([paperCard[1]!])).toBe('We propose the Transformer, a new simple network.');
  });

  it('shows a link span as text <url>, or the URL alone when the text is the URL', () => {
    const block: Block = {
      kind: 'text',
      text: ['See ', { text: 'the paper', url: 'https://arxiv.org/abs/1' }, ' or ', { text: 'https://x.org', url: 'https://x.org' }],
    };
    expect(plain([block])).toBe('See the paper <https://arxiv.org/abs/1> or https://x.org');
  });

  it('prints one label: value per field', () => {
    expect(plain([paperCard[2]!])).toBe('Authors: Vaswani et al.\nUpvotes: 42');
  });

  it('numbers ordered list items and bullets unordered ones', () => {
    expect(plain([{ kind: 'list', items: [['first'], ['second']], ordered: true }])).toBe('1. first\n2. second');
    expect(plain([{ kind: 'list', items: [['alpha'], ['beta']] }])).toBe('• alpha\n• beta');
  });

  it('indents the continuation lines of a wrapped list item', () => {
    expect(plain([{ kind: 'list', items: [['one two three four']], ordered: true }], 12)).toBe('1. one two\n   three\n   four');
  });

  it('draws a divider of the width', () => {
    expect(plain([{ kind: 'divider' }], 10)).toBe('----------');
    expect(stripAnsi(renderMessage(message([{ kind: 'divider' }]), { color: true, width: 4 }).text)).toBe('────');
  });

  it('prints context and images as plain lines', () => {
    expect(plain([paperCard[5]!])).toBe('cs.CL · arXiv <https://arxiv.org>');
    expect(plain([paperCard[6]!])).toBe('[image: Figure 1] https://example.org/fig1.png');
  });

  it('separates blocks with single newlines and ends without blank lines', () => {
    const text = plain([{ kind: 'heading', text: 'Title' }, { kind: 'text', text: ['body\n\n'] }, { kind: 'divider' }], 5);
    expect(text).toBe('Title\nbody\n-----');
  });

  it('prints a user-only message exactly like a channel message', () => {
    const channel = renderMessage(message(paperCard), { color: false });
    const user = renderMessage({ ...message(paperCard), visibility: 'user' }, { color: false });
    expect(user).toEqual(channel);
  });
});

describe('buttons', () => {
  const actions: Block = {
    kind: 'actions',
    buttons: [
      { actionId: 'discuss:1', label: 'Discuss' },
      { actionId: 'related:1', label: 'Related' },
      { actionId: 'cite:1', label: 'Cite' },
    ],
  };

  it('become numbered choices on one line and are returned with their action ids', () => {
    const rendered = renderMessage(message([actions]), { color: false });
    expect(rendered.text).toBe('[1] Discuss  [2] Related  [3] Cite');
    expect(rendered.buttons).toEqual([
      { number: 1, actionId: 'discuss:1', label: 'Discuss' },
      { number: 2, actionId: 'related:1', label: 'Related' },
      { number: 3, actionId: 'cite:1', label: 'Cite' },
    ]);
  });

  it('are numbered from firstButtonNumber, and across several actions blocks', () => {
    const rendered = renderMessage(message([actions, { kind: 'actions', buttons: [{ actionId: 'more', label: 'More' }] }]), {
      color: false,
      firstButtonNumber: 4,
    });
    expect(rendered.text).toBe('[4] Discuss  [5] Related  [6] Cite\n[7] More');
    expect(rendered.buttons.map((b) => b.number)).toEqual([4, 5, 6, 7]);
  });

  it('show a link button with its URL, without a number, and do not return it', () => {
    const block: Block = {
      kind: 'actions',
      buttons: [
        { actionId: 'discuss:1', label: 'Discuss' },
        { actionId: 'pdf:1', label: 'PDF', url: 'https://arxiv.org/pdf/1706.03762' },
        { actionId: 'cite:1', label: 'Cite' },
      ],
    };
    const rendered = renderMessage(message([block]), { color: false });
    expect(rendered.text).toBe('[1] Discuss  PDF <https://arxiv.org/pdf/1706.03762>  [2] Cite');
    expect(rendered.buttons.map((b) => [b.number, b.actionId])).toEqual([
      [1, 'discuss:1'],
      [2, 'cite:1'],
    ]);
  });
});

describe('wrapping', () => {
  const words = 'Scaling laws for neural language models predict loss from compute and data'.split(' ');

  it('wraps at the width without splitting words', () => {
    const text = plain([{ kind: 'text', text: [words.join(' ')] }], 20);
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
    expect(lines.flatMap((line) => line.split(' '))).toEqual(words);
  });

  it('keeps a word longer than the width whole on its own line', () => {
    expect(plain([{ kind: 'text', text: ['a supercalifragilistic b'] }], 8)).toBe('a\nsupercalifragilistic\nb');
  });

  it('does not count ANSI codes towards the width', () => {
    const block: Block = { kind: 'text', text: words.map((w) => ({ text: `${w} `, style: 'bold' as const })) };
    const colored = renderMessage(message([block]), { color: true, width: 20 }).text;
    expect(colored).toContain(ESC);
    expect(stripAnsi(colored)).toBe(plain([block], 20));
  });
});

describe('terminal safety', () => {
  const hostile = `Evil${ESC}[2J${ESC}]8;;https://evil.example${ESC}\\ title\r\u0000\u0007\u009b31m\u202eesrever\u2066x\u2069\u007f`;

  it('removes escape sequences, carriage returns, C1 controls and bidi overrides from a title', () => {
    const rendered = renderMessage(message([{ kind: 'heading', text: hostile, url: `https://a.org/${ESC}[31m` }]), { color: false });
    expect(rendered.text).toBe('Evil[2J]8;;https://evil.example\\ title31mesreverx (https://a.org/[31m)');
    expect(rendered.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
  });

  it('keeps only our own SGR codes in colored output', () => {
    const blocks: Block[] = [
      { kind: 'text', text: [{ text: hostile, style: 'bold' }] },
      { kind: 'actions', buttons: [{ actionId: 'x', label: hostile }] },
    ];
    const rendered = renderMessage(message(blocks), { color: true });
    expect(stripAnsi(rendered.text)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
    expect(rendered.buttons[0]!.label).toBe(sanitizeForTerminal(hostile));
  });

  it('exports the sanitizer, which keeps newlines and tabs', () => {
    expect(sanitizeForTerminal(`a\tb\nc\r\n${ESC}[0m\u202ed`)).toBe('a\tb\nc\n[0md');
  });

  it('renders the sanitized fallback text, and uses it when there are no blocks', () => {
    const msg = message([], `Top papers${ESC}[5m today\r\n`);
    expect(renderFallback(msg)).toBe('Top papers[5m today');
    expect(renderMessage(msg, { color: false })).toEqual({ text: 'Top papers[5m today', buttons: [] });
  });
});

describe('color', () => {
  it('adds ANSI styles when on and no escape codes at all when off', () => {
    const colored = renderMessage(message(paperCard), { color: true }).text;
    const uncolored = renderMessage(message(paperCard), { color: false }).text;
    expect(colored).toContain(`${ESC}[1mAttention`);
    expect(colored).toContain(`${ESC}[36mnetwork${ESC}[39m`);
    expect(uncolored).not.toContain(ESC);
    expect(stripAnsi(colored).replace(/─/gu, '-')).toBe(uncolored);
  });
});

describe('preformatted code', () => {
  it('keeps the lines and indentation of a multi-line code span (a BibTeX entry)', () => {
    const entry = '@misc{key,\n  title = {{A Title}},\n  year = {2025}\n}';
    const { text } = renderMessage(
      { fallbackText: entry, blocks: [{ kind: 'text', text: [{ text: entry, style: 'code' }] }], visibility: 'channel' },
      { color: false, width: 20 },
    );
    expect(text).toBe(entry);
  });
});
