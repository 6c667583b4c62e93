import type { KnownBlock, SectionBlock } from '@slack/types';
import { FILLER_WORDS, fillerText } from '../../helpers/filler.ts';
import { describe, expect, it } from 'vitest';
import {
  MAX_ACTION_ID,
  MAX_ACTIONS_ELEMENTS,
  MAX_BLOCK_CHARS_PER_MESSAGE,
  MAX_BLOCKS_PER_MESSAGE,
  MAX_BUTTON_TEXT,
  MAX_CONTEXT_ELEMENTS,
  MAX_FIELD_TEXT,
  MAX_HEADER_TEXT,
  MAX_SECTION_FIELDS,
  MAX_SECTION_TEXT,
  MAX_TOP_LEVEL_TEXT,
} from '../../../adapters/slack/limits.ts';
import {
  baseActionId,
  escapeSlackText,
  isLinkActionId,
  renderSlackMessages,
  type SlackMessage,
} from '../../../adapters/slack/render.ts';
import type { Block, Button, MentionTarget, OutgoingMessage } from '../../../src/chat/message.ts';

function message(blocks: Block[], fallbackText = 'fallback', mention?: MentionTarget): OutgoingMessage {
  return { fallbackText, blocks, visibility: 'channel', ...(mention ? { mention } : {}) };
}

/** The blocks of a message that renders to exactly one Slack message. */
function blocksOf(blocks: Block[]): KnownBlock[] {
  const rendered = renderSlackMessages(message(blocks));
  expect(rendered).toHaveLength(1);
  return rendered[0]!.blocks;
}

/** Fails on any Slack ping or special token (`<!…>`, `<@…>`, `<#…>`) other than `allowed`. */
function assertNoPings(json: string, allowed?: string): void {
  const rest = allowed === undefined ? json : json.split(allowed).join('');
  expect(rest).not.toMatch(/<[!@#]/u);
  expect(rest).not.toMatch(/"(link_names|parse)"/u);
}

/** Checks every Block Kit limit the renderer promises on each message. */
function expectWithinLimits(messages: SlackMessage[]): void {
  for (const { text, blocks } of messages) {
    expect(text.length).toBeLessThanOrEqual(MAX_TOP_LEVEL_TEXT);
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS_PER_MESSAGE);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(MAX_BLOCK_CHARS_PER_MESSAGE);
    const ids = new Set<string>();
    for (const block of blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(MAX_HEADER_TEXT);
      if (block.type === 'section') {
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(MAX_SECTION_TEXT);
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(MAX_SECTION_FIELDS);
        for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(MAX_FIELD_TEXT);
      }
      if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(MAX_CONTEXT_ELEMENTS);
      if (block.type === 'actions') {
        expect(block.elements.length).toBeLessThanOrEqual(MAX_ACTIONS_ELEMENTS);
        for (const element of block.elements) {
          if (element.type !== 'button') continue;
          expect(element.text.text.length).toBeLessThanOrEqual(MAX_BUTTON_TEXT);
          expect(element.action_id!.length).toBeLessThanOrEqual(MAX_ACTION_ID);
          expect(ids.has(element.action_id!)).toBe(false);
          ids.add(element.action_id!);
        }
      }
    }
  }
}

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.filter((block): block is SectionBlock => block.type === 'section').map((block) => block.text?.text ?? '');
}

const md = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });

describe('Block Kit for each block kind', () => {
  it('renders a heading without a URL as a plain_text header', () => {
    expect(blocksOf([{ kind: 'heading', text: 'Attention Is All You Need' }])).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Attention Is All You Need' } },
    ]);
  });

  it('renders a heading with a URL as a bold linked section, since headers cannot link', () => {
    expect(blocksOf([{ kind: 'heading', text: 'Attention', url: 'https://arxiv.org/abs/1706.03762' }])).toEqual([
      { type: 'section', text: md('*<https://arxiv.org/abs/1706.03762|Attention>*') },
    ]);
  });

  it('renders text spans as mrkdwn: bold, italic, code and links', () => {
    const block: Block = {
      kind: 'text',
      text: ['We propose the ', { text: 'Transformer', style: 'bold' }, ', a ', { text: 'simple', style: 'italic' }, ' ', { text: 'network', style: 'code' }, '. See ', { text: 'the paper', url: 'https://arxiv.org/abs/1' }, '.'],
    };
    expect(blocksOf([block])).toEqual([
      { type: 'section', text: md('We propose the *Transformer*, a _simple_ `network`. See <https://arxiv.org/abs/1|the paper>.') },
    ]);
  });

  it('keeps whitespace outside style marks and styles each line of a multi-line span', () => {
    expect(sectionTexts(blocksOf([{ kind: 'text', text: ['a', { text: ' bold\nlines ', style: 'bold' }, 'b'] }]))).toEqual(['a *bold*\n*lines* b']);
  });

  it('renders a multi-line code span as a preformatted block', () => {
    const bibtex = '@article{vaswani2017,\n  title={Attention}\n}';
    expect(blocksOf([{ kind: 'text', text: [{ text: bibtex, style: 'code' }] }])).toEqual([
      { type: 'section', text: md('```@article{vaswani2017,\n  title={Attention}\n}```') },
    ]);
  });

  it('renders fields as *label*\\nvalue in one section', () => {
    expect(blocksOf([{ kind: 'fields', fields: [{ label: 'Authors', value: ['Vaswani et al.'] }, { label: 'Upvotes', value: [{ text: '42', style: 'bold' }] }] }])).toEqual([
      { type: 'section', fields: [md('*Authors*\nVaswani et al.'), md('*Upvotes*\n*42*')] },
    ]);
  });

  it('renders lists as bulleted or numbered mrkdwn lines', () => {
    expect(blocksOf([{ kind: 'list', items: [['alpha'], ['beta']] }])).toEqual([{ type: 'section', text: md('• alpha\n• beta') }]);
    expect(blocksOf([{ kind: 'list', items: [['first'], [{ text: 'second', style: 'italic' }]], ordered: true }])).toEqual([
      { type: 'section', text: md('1. first\n2. _second_') },
    ]);
  });

  it('renders divider, context and image blocks', () => {
    expect(
      blocksOf([
        { kind: 'divider' },
        { kind: 'context', text: ['cs.CL · ', { text: 'arXiv', url: 'https://arxiv.org' }] },
        { kind: 'image', url: 'https://example.org/fig1.png', alt: 'Figure 1' },
      ]),
    ).toEqual([
      { type: 'divider' },
      { type: 'context', elements: [md('cs.CL · <https://arxiv.org|arXiv>')] },
      { type: 'image', image_url: 'https://example.org/fig1.png', alt_text: 'Figure 1' },
    ]);
  });

  it('renders buttons with action ids and styles, and link buttons with a URL and a synthetic action id', () => {
    const buttons: Button[] = [
      { actionId: 'r:discuss 1', label: 'Discuss', style: 'primary' },
      { actionId: 'r:cite 1', label: 'Cite', style: 'danger' },
      { actionId: 'open', label: 'PDF', url: 'https://arxiv.org/pdf/1' },
    ];
    expect(blocksOf([{ kind: 'actions', buttons }])).toEqual([
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'r:discuss 1', text: { type: 'plain_text', text: 'Discuss' }, style: 'primary' },
          { type: 'button', action_id: 'r:cite 1', text: { type: 'plain_text', text: 'Cite' }, style: 'danger' },
          { type: 'button', action_id: 'link:1', text: { type: 'plain_text', text: 'PDF' }, url: 'https://arxiv.org/pdf/1' },
        ],
      },
    ]);
    expect(isLinkActionId('link:1')).toBe(true);
    expect(isLinkActionId('r:discuss 1')).toBe(false);
  });

  it('uses the escaped fallback text as top-level text, and shows it when there are no blocks', () => {
    expect(renderSlackMessages(message([], 'Nothing <new> today'))).toEqual([
      { text: 'Nothing &lt;new&gt; today', blocks: [{ type: 'section', text: md('Nothing &lt;new&gt; today') }] },
    ]);
  });

  it('sets verbatim on every mrkdwn object', () => {
    const json = JSON.stringify(
      renderSlackMessages(
        message([
          { kind: 'text', text: ['x'] },
          { kind: 'fields', fields: [{ label: 'a', value: ['b'] }] },
          { kind: 'context', text: ['c'] },
          { kind: 'list', items: [['d']] },
        ]),
      ),
    );
    expect(json.match(/"type":"mrkdwn"/gu)).toHaveLength(4);
    expect(json.match(/"type":"mrkdwn","text":"[^"]*","verbatim":true/gu)).toHaveLength(4);
  });
});

describe('escaping and mentions', () => {
  const evil = 'Paper <!channel> <!here> <@U123> <#C42> <!subteam^S1> @everyone &amp; a < b > c';
  const escaped = 'Paper &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C42&gt; &lt;!subteam^S1&gt; @everyone &amp;amp; a &lt; b &gt; c';

  it('drops bidi overrides and isolates from every text it renders', () => {
    const reversed = 'Attention \u202Edeen uoy lla si\u202C \u2067x\u2069 \u200Fok';
    const rendered = JSON.stringify(renderSlackMessages(message([
      { kind: 'heading', text: reversed }, { kind: 'text', text: [reversed] }, { kind: 'fields', fields: [{ label: reversed, value: [reversed] }] },
      { kind: 'actions', buttons: [{ actionId: 'r:x', label: reversed }] },
    ], reversed)));
    expect(rendered).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u);
    expect(rendered).toContain('deen uoy lla si');
  });

  it('escapes only &, < and >, exactly once', () => {
    expect(escapeSlackText('a & b < c > d "e" \'f\' &amp;')).toBe('a &amp; b &lt; c &gt; d "e" \'f\' &amp;amp;');
  });

  it('renders a hostile paper title escaped everywhere it appears, with no ping or token anywhere', () => {
    const rendered = renderSlackMessages(
      message(
        [
          { kind: 'heading', text: evil },
          { kind: 'heading', text: evil, url: 'https://arxiv.org/abs/1' },
          { kind: 'text', text: [evil, ' ', { text: evil, style: 'bold' }, { text: evil, url: 'https://arxiv.org/abs/2' }] },
          { kind: 'fields', fields: [{ label: evil, value: [evil] }] },
          { kind: 'context', text: [evil] },
          { kind: 'list', items: [[evil], [{ text: evil, style: 'code' }]] },
          { kind: 'image', url: 'https://example.org/a.png', alt: evil },
          { kind: 'actions', buttons: [{ actionId: 'r:x', label: evil }] },
        ],
        evil,
      ),
    );
    const [first] = rendered;
    const blocks = first!.blocks;
    expect(first!.text).toBe(escaped);
    expect(escaped.length).toBeLessThanOrEqual(MAX_HEADER_TEXT);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: escaped } });
    expect(blocks[1]).toEqual({ type: 'section', text: md(`*<https://arxiv.org/abs/1|${escaped}>*`) });
    expect(blocks[2]).toEqual({ type: 'section', text: md(`${escaped} *${escaped}*<https://arxiv.org/abs/2|${escaped}>`) });
    expect(blocks[3]).toEqual({ type: 'section', fields: [md(`*${escaped}*\n${escaped}`)] });
    expect(blocks[4]).toEqual({ type: 'context', elements: [md(escaped)] });
    expect(blocks[5]).toEqual({ type: 'section', text: md(`• ${escaped}\n• \`${escaped}\``) });
    const json = JSON.stringify(rendered);
    assertNoPings(json);
    expect(json).toContain('@everyone');
    expect(json).not.toContain('<!');
  });

  it('renders the explicit mention as the only ping, at the start of the first message', () => {
    for (const [mention, token] of [
      [{ kind: 'user', id: 'U0ABC123' }, '<@U0ABC123>'],
      [{ kind: 'role', id: 'S0TEAM' }, '<!subteam^S0TEAM>'],
    ] as const) {
      const rendered = renderSlackMessages(message([{ kind: 'text', text: ['<!channel> hi'] }], 'New <!here> paper', mention));
      expect(rendered).toEqual([
        {
          text: `${token} New &lt;!here&gt; paper`,
          blocks: [
            { type: 'section', text: md(token) },
            { type: 'section', text: md('&lt;!channel&gt; hi') },
          ],
        },
      ]);
      assertNoPings(JSON.stringify(rendered), token);
    }
  });

  it('drops a mention whose id is not a plain Slack id', () => {
    for (const id of ['!channel', 'u123', 'U1> <!everyone', 'U', 'U'.repeat(31), 'U12 3']) {
      const rendered = renderSlackMessages(message([{ kind: 'text', text: ['hi'] }], 'hi', { kind: 'user', id }));
      expect(rendered).toEqual([{ text: 'hi', blocks: [{ type: 'section', text: md('hi') }] }]);
      assertNoPings(JSON.stringify(rendered));
    }
  });

  it('never links a javascript: (or other non-http) URL', () => {
    const blocks = blocksOf([
      { kind: 'text', text: [{ text: 'click', url: 'javascript:alert(1)' }, ' ', { text: 'mail', url: 'mailto:a@b.c' }] },
      { kind: 'heading', text: 'Title', url: 'javascript:alert(1)' },
      { kind: 'image', url: 'javascript:alert(1)', alt: 'x' },
      { kind: 'actions', buttons: [{ actionId: 'x', label: 'Go', url: 'javascript:alert(1)' }, { actionId: 'r:ok', label: 'Ok' }] },
    ]);
    expect(blocks).toEqual([
      { type: 'section', text: md('click mail') },
      { type: 'header', text: { type: 'plain_text', text: 'Title' } },
      { type: 'actions', elements: [{ type: 'button', action_id: 'r:ok', text: { type: 'plain_text', text: 'Ok' } }] },
    ]);
    expect(JSON.stringify(blocks)).not.toContain('javascript');
  });

  it('percent-encodes |, <, > and whitespace in URLs so they cannot end or split the link', () => {
    const url = 'https://example.org/a|b>c<d e?x=1&y=2';
    const blocks = blocksOf([
      { kind: 'text', text: [{ text: 'link', url }] },
      { kind: 'actions', buttons: [{ actionId: 'l', label: 'Open', url }] },
    ]);
    expect(blocks[0]).toEqual({ type: 'section', text: md('<https://example.org/a%7Cb%3Ec%3Cd%20e?x=1&amp;y=2|link>') });
    expect(blocks[1]).toMatchObject({ elements: [{ url: 'https://example.org/a%7Cb%3Ec%3Cd%20e?x=1&y=2' }] });
  });
});

describe('limits and splitting', () => {
  const abstract = fillerText;

  it('splits a 10,000-character text block into sections of at most 3000 characters at word boundaries', () => {
    const text = abstract(10_000);
    expect(text.length).toBeGreaterThanOrEqual(10_000);
    const rendered = renderSlackMessages(message([{ kind: 'text', text: [text] }]));
    expectWithinLimits(rendered);
    const texts = rendered.flatMap((part) => sectionTexts(part.blocks));
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const chunk of texts) {
      expect(chunk.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
      expect(chunk.split(' ').every((word) => FILLER_WORDS.includes(word))).toBe(true);
    }
    expect(texts.join(' ')).toBe(text);
  });

  it('prefers paragraph and sentence boundaries over word boundaries', () => {
    const paragraph = `${abstract(1500)}. ${abstract(1000)}.`;
    const rendered = renderSlackMessages(message([{ kind: 'text', text: [`${paragraph}\n\n${paragraph}`] }]));
    expect(rendered.flatMap((part) => sectionTexts(part.blocks))).toEqual([paragraph, paragraph]);
    const sentences = renderSlackMessages(message([{ kind: 'text', text: [`${abstract(2000)}. ${abstract(2000)}.`] }]));
    expect(sentences.flatMap((part) => sectionTexts(part.blocks))).toEqual([`${abstract(2000)}.`, `${abstract(2000)}.`]);
  });

  it('cuts inside a word only when the word alone is over the limit', () => {
    const rendered = renderSlackMessages(message([{ kind: 'text', text: [`short ${'x'.repeat(7000)} tail`] }]));
    expectWithinLimits(rendered);
    expect(rendered.flatMap((part) => sectionTexts(part.blocks)).map((text) => text.length)).toEqual([5, 3000, 3000, 1000, 4]);
  });

  it('counts escaped characters and keeps styles balanced in every split section', () => {
    const rendered = renderSlackMessages(message([{ kind: 'text', text: [{ text: abstract(5000).replace(/a/gu, '<'), style: 'bold' }] }]));
    expectWithinLimits(rendered);
    for (const text of rendered.flatMap((part) => sectionTexts(part.blocks))) {
      expect(text).toMatch(/^\*[^*]+\*$/u);
      expect(text).not.toContain('<');
    }
  });

  it('splits 120 blocks into messages of at most 50 blocks and 12k characters, in order, mention first only', () => {
    const blocks: Block[] = [{ kind: 'heading', text: 'Digest' }];
    for (let i = 1; blocks.length < 120; i += 1) blocks.push({ kind: 'text', text: [`Item ${i}: ${abstract(300)}`] });
    const rendered = renderSlackMessages(message(blocks, 'Daily digest', { kind: 'user', id: 'U42' }));
    expectWithinLimits(rendered);
    expect(rendered.length).toBeGreaterThanOrEqual(3);
    expect(rendered.flatMap((part) => part.blocks)).toHaveLength(121);
    expect(rendered[0]!.blocks[0]).toEqual({ type: 'section', text: md('<@U42>') });
    expect(rendered[0]!.blocks[1]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Digest' } });
    expect(rendered.slice(1).flatMap((part) => part.blocks).some((block) => block.type === 'header')).toBe(false);
    const items = rendered.flatMap((part) => sectionTexts(part.blocks)).slice(1).map((text) => Number(/^Item (\d+):/u.exec(text)?.[1]));
    expect(items).toEqual(Array.from({ length: 119 }, (_, i) => i + 1));
    expect(rendered[0]!.text).toBe('<@U42> Daily digest');
    for (const part of rendered.slice(1)) expect(part.text).toBe('Daily digest (continued)');
    assertNoPings(JSON.stringify(rendered.slice(1)));
  });

  it('splits 40 buttons into actions blocks of at most 25 with unique ids that baseActionId maps back', () => {
    const buttons: Button[] = Array.from({ length: 40 }, (_, i) => ({ actionId: `r:page ${i % 15}`, label: `Page ${i}` }));
    const rendered = renderSlackMessages(message([{ kind: 'actions', buttons }]));
    expectWithinLimits(rendered);
    const actions = rendered.flatMap((part) => part.blocks).filter((block) => block.type === 'actions');
    expect(actions.map((block) => block.elements.length)).toEqual([25, 15]);
    const ids = actions.flatMap((block) => block.elements.map((element) => ('action_id' in element ? element.action_id! : '')));
    expect(new Set(ids).size).toBe(40);
    expect(ids.map(baseActionId)).toEqual(buttons.map((button) => button.actionId));
    expect(ids.slice(0, 16)).toContain('r:page 0#2');
  });

  it('suffixes ids that already look suffixed, so baseActionId always strips exactly one suffix', () => {
    const buttons: Button[] = ['a', 'a#2', 'a', '', 'b#1', 'b'].map((actionId) => ({ actionId, label: 'x' }));
    const [block] = blocksOf([{ kind: 'actions', buttons }]);
    const ids = block!.type === 'actions' ? block!.elements.map((element) => ('action_id' in element ? element.action_id! : '')) : [];
    expect(ids).toEqual(['a', 'a#2#1', 'a#2', '#1', 'b#1#1', 'b']);
    expect(ids.map(baseActionId)).toEqual(['a', 'a#2', 'a', '', 'b#1', 'b']);
  });

  it('cuts an action id over 255 characters', () => {
    const [block] = blocksOf([{ kind: 'actions', buttons: [{ actionId: 'x'.repeat(300), label: 'a' }, { actionId: 'x'.repeat(301), label: 'b' }] }]);
    expectWithinLimits([{ text: '', blocks: [block!] }]);
  });

  it('cuts a header to 150 characters with an ellipsis at a word', () => {
    const title = abstract(400);
    const [header] = blocksOf([{ kind: 'heading', text: title }]);
    const text = header!.type === 'header' ? header!.text.text : '';
    expect(text.length).toBeLessThanOrEqual(MAX_HEADER_TEXT);
    expect(text.length).toBeGreaterThan(100);
    expect(text.endsWith('…')).toBe(true);
    expect(title.startsWith(`${text.slice(0, -1)} `)).toBe(true);
  });

  it('cuts a field over 2000 characters, and splits more than 10 fields into several sections', () => {
    const [long] = blocksOf([{ kind: 'fields', fields: [{ label: 'Abstract', value: [abstract(5000)] }] }]);
    const field = long!.type === 'section' ? long!.fields![0]!.text : '';
    expect(field.length).toBeLessThanOrEqual(MAX_FIELD_TEXT);
    expect(field.startsWith('*Abstract*\n')).toBe(true);
    expect(field.endsWith('…')).toBe(true);
    const many = blocksOf([{ kind: 'fields', fields: Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: ['v'] })) }]);
    expect(many.map((block) => (block.type === 'section' ? block.fields!.length : 0))).toEqual([10, 10, 3]);
  });

  it('keeps ten maximal fields within the per-message character ceiling', () => {
    const fields = Array.from({ length: 10 }, (_, i) => ({ label: `F${i}`, value: [abstract(3000)] }));
    const rendered = renderSlackMessages(message([{ kind: 'fields', fields }]));
    expectWithinLimits(rendered);
    expect(rendered.flatMap((part) => part.blocks).flatMap((block) => (block.type === 'section' ? block.fields! : []))).toHaveLength(10);
  });

  it('cuts button labels to 75 characters and the top-level text to 4000', () => {
    const [block] = blocksOf([{ kind: 'actions', buttons: [{ actionId: 'a', label: abstract(200) }] }]);
    const label = block!.type === 'actions' && block!.elements[0]!.type === 'button' ? block!.elements[0]!.text.text : '';
    expect(label.length).toBeLessThanOrEqual(MAX_BUTTON_TEXT);
    const rendered = renderSlackMessages(message([{ kind: 'divider' }], '<'.repeat(5000)));
    expect(rendered[0]!.text.length).toBeLessThanOrEqual(MAX_TOP_LEVEL_TEXT);
    expect(rendered[0]!.text).toMatch(/^(&lt;)+…$/u);
  });
});
