import type { APIButtonComponent, APIEmbed } from 'discord.js';
import { FILLER_WORDS, fillerText } from '../../helpers/filler.ts';
import { describe, expect, it } from 'vitest';
import {
  MAX_ACTION_ROWS,
  MAX_BUTTON_LABEL,
  MAX_BUTTON_URL,
  MAX_BUTTONS_PER_ROW,
  MAX_CONTENT,
  MAX_CUSTOM_ID,
  MAX_EMBED_CHARS_PER_MESSAGE,
  MAX_EMBED_DESCRIPTION,
  MAX_EMBED_FIELDS,
  MAX_EMBED_TITLE,
  MAX_EMBEDS_PER_MESSAGE,
  MAX_FIELD_NAME,
  MAX_FIELD_VALUE,
  MAX_FOOTER_TEXT,
  MAX_URL,
} from '../../../adapters/discord/limits.ts';
import { ZWSP } from '../../../adapters/discord/markdown.ts';
import { baseCustomId, escapeDiscordText, renderDiscordMessages, type DiscordMessage } from '../../../adapters/discord/render.ts';
import { ActionCodec } from '../../../commands/framework/actions.ts';
import { paperView } from '../../../commands/presenters/paper-view.ts';
import { discussionSeed } from '../../../commands/presenters/discussion.ts';
import { paperListMessage } from '../../../commands/presenters/list.ts';
import { fullCard, paperFallback, type PaperView } from '../../../commands/presenters/paper.ts';
import { commandHelp, commandList } from '../../../commands/help.ts';
import { commandRegistry } from '../../../commands/registry.ts';
import type { Block, Button, MentionTarget, OutgoingMessage } from '../../../src/chat/message.ts';
import { allFixturePapers, testLibrary } from '../../helpers/library.ts';

function message(blocks: Block[], fallbackText = 'fallback', mention?: MentionTarget): OutgoingMessage {
  return { fallbackText, blocks, visibility: 'channel', ...(mention ? { mention } : {}) };
}

/** The single Discord message a message renders to (checked against every limit). */
function single(blocks: Block[]): DiscordMessage {
  const rendered = render(message(blocks));
  expect(rendered).toHaveLength(1);
  return rendered[0]!;
}

/** Renders and checks every limit of every message. */
function render(outgoing: OutgoingMessage): DiscordMessage[] {
  const rendered = renderDiscordMessages(outgoing);
  expectValid(rendered);
  return rendered;
}

function isHttpUrl(url: string, max: number): boolean {
  return url.length <= max && /^https?:\/\/[^\s]+$/u.test(url) && URL.canParse(url);
}

function embedChars(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + fields + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
}

/** Everything Discord checks before accepting a message (400 "Invalid Form Body" otherwise). */
function expectValid(messages: DiscordMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const { content, embeds, components, allowed_mentions } of messages) {
    expect(content.length).toBeLessThanOrEqual(MAX_CONTENT);
    expect(content.trim() !== '' || embeds.length > 0 || components.length > 0).toBe(true);
    expect(allowed_mentions.parse).toEqual([]);
    expect(embeds.length).toBeLessThanOrEqual(MAX_EMBEDS_PER_MESSAGE);
    expect(embeds.reduce((sum, embed) => sum + embedChars(embed), 0)).toBeLessThanOrEqual(MAX_EMBED_CHARS_PER_MESSAGE);
    for (const embed of embeds) {
      expect(Boolean(embed.title || embed.description || embed.fields?.length || embed.image)).toBe(true);
      if (embed.title !== undefined) expect(embed.title.trim().length).toBeGreaterThan(0);
      expect(embed.title?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_TITLE);
      if (embed.description !== undefined) expect(embed.description.trim().length).toBeGreaterThan(0);
      expect(embed.description?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_DESCRIPTION);
      expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_FIELDS);
      for (const field of embed.fields ?? []) {
        expect(field.name.trim().length).toBeGreaterThan(0);
        expect(field.name.length).toBeLessThanOrEqual(MAX_FIELD_NAME);
        expect(field.value.trim().length).toBeGreaterThan(0);
        expect(field.value.length).toBeLessThanOrEqual(MAX_FIELD_VALUE);
      }
      expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(MAX_FOOTER_TEXT);
      if (embed.url !== undefined) expect(isHttpUrl(embed.url, MAX_URL)).toBe(true);
      if (embed.image !== undefined) expect(isHttpUrl(embed.image.url, MAX_URL)).toBe(true);
    }
    expect(components.length).toBeLessThanOrEqual(MAX_ACTION_ROWS);
    const ids = new Set<string>();
    for (const row of components) {
      expect(row.type).toBe(1);
      expect(row.components.length).toBeGreaterThan(0);
      expect(row.components.length).toBeLessThanOrEqual(MAX_BUTTONS_PER_ROW);
      for (const button of row.components) {
        expect(button.type).toBe(2);
        const label = 'label' in button ? button.label ?? '' : '';
        expect(label.trim().length).toBeGreaterThan(0);
        expect(label.length).toBeLessThanOrEqual(MAX_BUTTON_LABEL);
        if (button.style === 5) {
          expect(isHttpUrl(button.url, MAX_BUTTON_URL)).toBe(true);
          expect(button).not.toHaveProperty('custom_id');
        } else if ('custom_id' in button) {
          expect(button.custom_id.length).toBeGreaterThan(0);
          expect(button.custom_id.length).toBeLessThanOrEqual(MAX_CUSTOM_ID);
          expect(ids.has(button.custom_id)).toBe(false);
          ids.add(button.custom_id);
        } else expect.fail('a button without custom_id or url');
      }
    }
  }
}

const LIVE_MENTION = /@everyone|@here|<@!?\d|<@&\d|<#\d|<\/\w/iu;

/** Fails on anything Discord would show as a mention (or ping with), except the one `allowed` token. */
function expectNoMentions(messages: DiscordMessage[], allowed?: string): void {
  for (const { content, embeds, components } of messages) {
    const json = JSON.stringify({ content, embeds, components });
    expect(allowed === undefined ? json : json.split(allowed).join('')).not.toMatch(LIVE_MENTION);
  }
}

/**
 * What Discord shows for markdown meant to have no formatting: escapes resolved, zero-width spaces gone, autolinks as
 * their URL. Fails on any character that would still format (unescaped `* _ ~ ` | [ ]`, or `# > -` starting a line).
 */
function shown(markdown: string): string {
  let out = '';
  for (let i = 0; i < markdown.length; i += 1) {
    const char = markdown[i]!;
    if (char === '\\') {
      out += markdown[i + 1] ?? '';
      i += 1;
      continue;
    }
    expect('*_~`|[]'.includes(char), `unescaped ${char} in ${markdown}`).toBe(false);
    if (i === 0 || markdown[i - 1] === '\n') expect('#>-'.includes(char), `line starts with ${char} in ${markdown}`).toBe(false);
    out += char;
  }
  return out.replaceAll(ZWSP, '').replace(/<(https?:\/\/[^>]+)>/gu, '$1');
}

function buttonsOf(messages: DiscordMessage[]): APIButtonComponent[] {
  return messages.flatMap((part) => part.components.flatMap((row) => row.components));
}

function customIds(messages: DiscordMessage[]): string[] {
  return buttonsOf(messages).flatMap((button) => ('custom_id' in button ? [button.custom_id] : []));
}

function labels(messages: DiscordMessage[]): string[] {
  return buttonsOf(messages).map((button) => ('label' in button ? button.label ?? '' : ''));
}

const abstract = fillerText;

/** Cards of real fixture papers, with real buttons (Discuss, Related, Save, Cite). */
const { library: papers, clock } = await testLibrary({ withSources: true });

function views(count: number): PaperView[] {
  const ctx = { papers, clock, actions: new ActionCodec() };
  return allFixturePapers().slice(0, count).map((paper) => paperView(paper, ctx));
}

const MORE: Button = { label: 'More', actionId: 'r:search diffusion page:2' };

describe('Discord payloads for each block kind', () => {
  it('renders a heading as an embed title linked to its URL', () => {
    expect(single([{ kind: 'heading', text: 'Attention Is All You Need', url: 'https://arxiv.org/abs/1706.03762' }])).toEqual({
      content: '',
      embeds: [{ title: 'Attention Is All You Need', url: 'https://arxiv.org/abs/1706.03762' }],
      components: [],
      allowed_mentions: { parse: [] },
    });
  });

  it('renders text spans as Discord markdown: bold, italic, code and masked links', () => {
    const block: Block = {
      kind: 'text',
      text: ['We propose the ', { text: 'Transformer', style: 'bold' }, ', a ', { text: 'simple', style: 'italic' }, ' ', { text: 'network', style: 'code' }, '. See ', { text: 'the paper', url: 'https://arxiv.org/abs/1' }, '.'],
    };
    expect(single([{ kind: 'heading', text: 'T' }, block]).embeds).toEqual([
      { title: 'T', description: 'We propose the **Transformer**, a *simple* `network`. See [the paper](https://arxiv.org/abs/1).' },
    ]);
  });

  it('keeps whitespace outside marks, separates touching marks, and renders multi-line code as a block', () => {
    const [embed] = single([
      { kind: 'heading', text: 'T' },
      { kind: 'text', text: ['a', { text: ' bold\nlines ', style: 'bold' }, 'b', { text: 'it', style: 'italic' }, { text: 'x', style: 'bold' }] },
      { kind: 'text', text: [{ text: '@article{v,\n  title={A}\n}', style: 'code' }] },
    ]).embeds;
    expect(embed!.description).toBe(`a **bold**\n**lines** b*it*${ZWSP}**x**\n\n\`\`\`\n@article{v,\n  title={A}\n}\n\`\`\``);
  });

  it('renders fields as embed fields, short ones inline, an empty name as a zero-width space', () => {
    const [embed] = single([
      { kind: 'heading', text: 'T' },
      { kind: 'fields', fields: [{ label: 'Upvotes', value: [{ text: '42', style: 'bold' }] }, { label: '', value: [abstract(60)] }, { label: '', value: [] }] },
    ]).embeds;
    expect(embed!.fields).toEqual([
      { name: 'Upvotes', value: '**42**', inline: true },
      { name: ZWSP, value: abstract(60), inline: false },
    ]);
  });

  it('renders lists as bulleted or numbered description lines', () => {
    const [embed] = single([
      { kind: 'heading', text: 'T' },
      { kind: 'list', items: [['alpha'], ['beta\ngamma']] },
      { kind: 'list', items: [['first'], [{ text: 'second', style: 'italic' }]], ordered: true },
    ]).embeds;
    expect(embed!.description).toBe('• alpha\n• beta gamma\n\n1. first\n2. *second*');
  });

  it('renders context as subtext, or as the footer when it follows fields and has no links', () => {
    const { embeds } = single([
      { kind: 'heading', text: 'T' },
      { kind: 'context', text: ['cs.CL · ', { text: 'arXiv', url: 'https://arxiv.org' }] },
      { kind: 'fields', fields: [{ label: 'a', value: ['b'] }] },
      { kind: 'context', text: ['Ask me here.'] },
    ]);
    expect(embeds).toEqual([{ title: 'T', description: '-# cs.CL · [arXiv](https://arxiv.org)', fields: [{ name: 'a', value: 'b', inline: true }], footer: { text: 'Ask me here.' } }]);
  });

  it('keeps the order of blocks: text after fields, a second image, and a divider start a new embed', () => {
    const { embeds } = single([
      { kind: 'heading', text: 'T' },
      { kind: 'fields', fields: [{ label: 'a', value: ['b'] }] },
      { kind: 'text', text: ['after'] },
      { kind: 'image', url: 'https://example.org/1.png', alt: 'one' },
      { kind: 'image', url: 'https://example.org/2.png', alt: 'two' },
      { kind: 'divider' },
      { kind: 'text', text: ['next'] },
    ]);
    expect(embeds).toEqual([
      { title: 'T', fields: [{ name: 'a', value: 'b', inline: true }] },
      { description: 'after', image: { url: 'https://example.org/1.png' } },
      { image: { url: 'https://example.org/2.png' } },
      { description: 'next' },
    ]);
  });

  it('renders buttons with styles and custom ids, and link buttons with a URL and no custom id', () => {
    const buttons: Button[] = [
      { actionId: 'r:discuss 1', label: 'Discuss', style: 'primary' },
      { actionId: 'r:cite 1', label: 'Cite', style: 'danger' },
      { actionId: 'r:save 1', label: 'Save' },
      { actionId: 'open', label: 'PDF', url: 'https://arxiv.org/pdf/1' },
    ];
    expect(single([{ kind: 'heading', text: 'T' }, { kind: 'actions', buttons }]).components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 1, label: 'Discuss', custom_id: 'r:discuss 1' },
          { type: 2, style: 4, label: 'Cite', custom_id: 'r:cite 1' },
          { type: 2, style: 2, label: 'Save', custom_id: 'r:save 1' },
          { type: 2, style: 5, label: 'PDF', url: 'https://arxiv.org/pdf/1' },
        ],
      },
    ]);
  });

  it('shows short text before the first heading as content, and longer text as an untitled embed', () => {
    expect(single([{ kind: 'text', text: [{ text: '3 papers', style: 'bold' }] }, { kind: 'context', text: ['note'] }, { kind: 'heading', text: 'T' }])).toMatchObject({
      content: '**3 papers**\n\n-# note',
      embeds: [{ title: 'T' }],
    });
    const long = abstract(2500);
    expect(single([{ kind: 'text', text: [long] }])).toMatchObject({ content: '', embeds: [{ description: long }] });
  });

  it('shows the escaped fallback text when there are no blocks, or none that renders', () => {
    expect(render(message([], 'Nothing **new** today'))).toEqual([{ content: 'Nothing \\*\\*new\\*\\* today', embeds: [], components: [], allowed_mentions: { parse: [] } }]);
    expect(render(message([{ kind: 'image', url: 'javascript:alert(1)', alt: 'x' }], 'only an image'))[0]!.content).toBe('only an image');
    const [long] = render(message([], `${abstract(5000)}`));
    expect(long!.content.length).toBeLessThanOrEqual(MAX_CONTENT);
    expect(long!.content.endsWith('…')).toBe(true);
    expect(render(message([], ''))[0]!.content).toBe('…');
  });
});

describe('real messages', () => {
  it('renders a full card as one embed: linked title, meta as subtext, TL;DR, fields, one row of buttons', () => {
    const [view] = views(1);
    const paper = view!.paper;
    const withLinks = { ...view!, buttons: [...view!.buttons, { actionId: 'pdf', label: 'PDF', url: paper.links.pdf! }, { actionId: 'bad', label: 'Bad', url: 'javascript:alert(1)' }] };
    const [card] = render({ fallbackText: paperFallback(paper), blocks: fullCard(withLinks), visibility: 'channel' });
    expect(card!.content).toBe('');
    expect(card!.embeds).toHaveLength(1);
    const embed = card!.embeds[0]!;
    expect(shown(embed.title!)).toBe(paper.titleDisplay);
    expect(embed.url).toBe(paper.links.abs);
    expect(embed.description).toMatch(/^-# .+ et al\. · 2025-/u);
    expect(embed.description).toContain(`\n\n**TL;DR** ${escapeDiscordText(view!.tldr!)}`);
    expect(embed.fields!.map((field) => field.name)).toEqual(['Key terms', 'Links']);
    expect(embed.fields![1]!.value).toContain(`[arXiv](${paper.links.abs})`);
    expect(card!.components).toHaveLength(1);
    expect(labels([card!])).toEqual(['Discuss', 'Related', 'Save', 'Cite', 'PDF']);
    expect(buttonsOf([card!])[4]).toEqual({ type: 2, style: 5, label: 'PDF', url: paper.links.pdf });
  });

  it('fits a search list of 5 cards with 4 buttons each plus More in one message: More joins the last card\'s row', () => {
    const cards = views(5);
    const list = paperListMessage({ title: '1–5 of 42 papers for "diffusion"', views: cards, buttons: [MORE] });
    const rendered = render(list);
    expect(rendered).toHaveLength(1);
    expect(rendered[0]!.content).toBe('**1–5 of 42 papers for "diffusion"**');
    expect(rendered[0]!.embeds).toHaveLength(5);
    expect(rendered[0]!.components).toHaveLength(5);
    // Cards are numbered, in their titles and on their buttons; the list's More is not.
    expect(rendered[0]!.embeds.map((embed) => shown(embed.title!))).toEqual(cards.map((view, i) => `${i + 1}. ${view.paper.titleDisplay}`));
    const expectedLabels = [...cards.flatMap((_, i) => ['Discuss', 'Related', 'Save', 'Cite'].map((label) => `${i + 1} · ${label}`)), 'More'];
    expect(labels(rendered)).toEqual(expectedLabels);
    // All 21 buttons once, ids unique and mapping back.
    const ids = customIds(rendered);
    expect(ids).toHaveLength(21);
    expect(new Set(ids).size).toBe(21);
    expect(ids.map(baseCustomId)).toEqual([...cards.flatMap((view) => view.buttons.map((button) => button.actionId)), MORE.actionId]);
    expect(rendered[0]!.components[4]!.components.map((button) => (button as { label?: string }).label)).toEqual(['5 · Discuss', '5 · Related', '5 · Save', '5 · Cite', 'More']);
  });

  it('splits a list that needs more than 5 rows into messages, each card with its buttons, losing nothing', () => {
    const cards = views(6);
    const rendered = render(paperListMessage({ title: '1–6 of 42 papers', views: cards, buttons: [MORE] }));
    expect(rendered.map((part) => [part.embeds.length, part.components.length])).toEqual([[5, 5], [1, 1]]);
    expect(rendered[1]!.content).toBe('');
    expect(labels([rendered[1]!])).toEqual(['6 · Discuss', '6 · Related', '6 · Save', '6 · Cite', 'More']);
    expect(customIds(rendered)).toHaveLength(25);
  });

  it('renders a daily list of 10 cards as 2 messages of 5 cards and 5 rows', () => {
    const rendered = render(paperListMessage({ title: 'Trending papers for Friday 24 January', views: views(10) }));
    expect(rendered.map((part) => [part.embeds.length, part.components.length])).toEqual([[5, 5], [5, 5]]);
    expect(labels(rendered).filter((label) => label.endsWith('Discuss'))).toEqual(Array.from({ length: 10 }, (_, i) => `${i + 1} · Discuss`));
  });

  it('renders a discussion seed in order: TL;DR and abstract, sections, key terms, related papers, links, then the hint as footer', () => {
    const [view, ...rest] = views(4);
    const outline = ['1 Introduction', '2 Method', '3 Experiments', '4 Limitations'];
    const rendered = render(discussionSeed(view!, rest.map((v) => v.paper), { state: 'found', outline }));
    expect(rendered).toHaveLength(1);
    const [first, second] = rendered[0]!.embeds;
    expect(first!.description).toMatch(/^\*\*TL;DR\*\* .+\n\n\*\*Abstract\*\* /su);
    expect(first!.fields!.map((field) => [field.name, field.value])).toEqual([['Sections', outline.join(' · ')], ['Key terms', view!.keyTerms.join(', ')]]);
    expect(second!.description).toBe(`**Related in the corpus**\n\n${rest.map((v) => `• [${escapeDiscordText(v.paper.titleDisplay)}](${v.paper.links.abs})`).join('\n')}`);
    expect(second!.fields!.map((field) => field.name)).toEqual(['Links']);
    expect(second!.footer).toEqual({
      text: 'Ask me about this paper here: mention @paperboy with a question, or ask for a summary. I read the full text from arXiv (4 sections): ask me anything it covers.',
    });
  });

  it('renders help: the command list as one titled embed, one command with usage, options and examples', () => {
    const [list] = render(commandList(commandRegistry));
    expect(list!.embeds).toHaveLength(1);
    expect(list!.embeds[0]!.title).toBe('Paperboy commands');
    expect(list!.embeds[0]!.description).toContain('• `/papers search [query]');
    expect(list!.embeds[0]!.description).toMatch(/\n\n-# [^\n]+$/u);
    const [help] = render(commandHelp(commandRegistry.find((spec) => spec.name === 'search')!));
    expect(help!.embeds[0]!.description).toMatch(/^`\/papers search \[query\]/u);
    expect(help!.embeds[0]!.fields!.length).toBeGreaterThan(0);
    expect(help!.embeds.at(-1)!.description).toContain('• `/papers search author:Hinton`');
  });
});

describe('escaping and mentions', () => {
  const pings = '@everyone @here <@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678> </papers:123456789012345678>';
  const markdown = '**bold** __x__ `code` [a](http://x) ~~s~~ ||spoiler|| \\ ';
  const evil = `${pings} ${markdown}`;

  it('escapes markdown and defuses mentions, leaving other text alone', () => {
    expect(escapeDiscordText('a*b_c~d`e|f[g]h\\i (j) k-l 1. m')).toBe('a\\*b\\_c\\~d\\`e\\|f\\[g\\]h\\\\i (j) k-l 1. m');
    expect(escapeDiscordText('# h\n-# s\n- l\n> q\n12. n\n+ p')).toBe('\\# h\n\\-# s\n\\- l\n\\> q\n12\\. n\n\\+ p');
    expect(escapeDiscordText('@everyone @Here <@1> <#2> </a:3> <t:4> a < b')).toBe(`@${ZWSP}everyone @${ZWSP}Here <${ZWSP}@1> <${ZWSP}#2> <${ZWSP}/a:3> <${ZWSP}t:4> a < b`);
    expect(escapeDiscordText('code at https://github.com/a/b_c*d. Done')).toBe('code at <https://github.com/a/b_c*d>. Done');
  });

  it('keeps a closing parenthesis that belongs to a bare URL, and leaves one that closes the sentence', () => {
    expect(escapeDiscordText('see http://x.example/(paren) now')).toBe('see <http://x.example/(paren)> now');
    expect(escapeDiscordText('(see http://x.example/a)')).toBe('(see <http://x.example/a>)');
    expect(escapeDiscordText('(see http://x.example/wiki/F_(x)).')).toBe('(see <http://x.example/wiki/F_(x)>).');
    expect(escapeDiscordText('"http://x.example/q?a=1",')).toBe('"<http://x.example/q?a=1>",');
  });

  it('drops bidi overrides and isolates from every text it renders', () => {
    const reversed = 'Attention \u202Edeen uoy lla si\u202C \u2067x\u2069 \u200Fok';
    const rendered = JSON.stringify(render(message([
      { kind: 'heading', text: reversed }, { kind: 'text', text: [reversed] }, { kind: 'fields', fields: [{ label: reversed, value: [reversed] }] },
      { kind: 'actions', buttons: [{ actionId: 'r:x', label: reversed }] },
    ], reversed)));
    expect(rendered).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u);
    expect(rendered).toContain('deen uoy lla si');
  });

  it('renders a hostile paper title everywhere with no mention and no formatting, shown exactly as written', () => {
    const rendered = render(
      message(
        [
          { kind: 'heading', text: evil, url: 'https://arxiv.org/abs/1' },
          { kind: 'context', text: [evil] },
          { kind: 'text', text: [evil] },
          { kind: 'text', text: [{ text: evil, style: 'bold' }, ' ', { text: evil, url: 'https://arxiv.org/abs/2' }] },
          { kind: 'fields', fields: [{ label: evil, value: [evil] }] },
          { kind: 'list', items: [[evil], [{ text: evil, style: 'code' }]] },
          { kind: 'context', text: [evil] },
          { kind: 'actions', buttons: [{ actionId: 'r:x', label: evil }] },
        ],
        evil,
      ),
    );
    expectNoMentions(rendered);
    expect(rendered.map((part) => part.allowed_mentions)).toEqual([{ parse: [] }]);
    const [embed, rest] = rendered[0]!.embeds;
    expect(shown(embed!.title!)).toBe(evil.trim());
    const paragraphs = embed!.description!.split('\n\n');
    expect(shown(paragraphs[0]!.replace(/^-# /u, ''))).toBe(evil.trim());
    expect(shown(paragraphs[1]!)).toBe(evil.trim());
    const [, bold, linkText] = /^\*\*(.+)\*\*\s+\[(.+)\]\(https:\/\/arxiv\.org\/abs\/2\)$/u.exec(paragraphs[2]!) ?? [];
    expect(shown(bold!)).toBe(evil.trim());
    expect(shown(linkText!)).toBe(evil.trim());
    expect(shown(embed!.fields![0]!.name)).toBe(evil.trim());
    expect(shown(embed!.fields![0]!.value)).toBe(evil.trim());
    // After the fields, the list and the last context continue in a new embed (the code span holds a backtick, so it is escaped text).
    const lines = rest!.description!.split('\n');
    expect(lines.map((line) => line.slice(0, 2))).toEqual(['• ', '• ', '', '-#']);
    expect([lines[0]!, lines[1]!, lines[3]!.slice(1)].map((line) => shown(line.slice(2)))).toEqual([evil.trim(), evil.trim(), evil.trim()]);
    const label = labels(rendered)[0]!.replaceAll(ZWSP, '');
    expect(label.endsWith('…')).toBe(true);
    expect(evil.startsWith(label.slice(0, -1))).toBe(true);
  });

  it('shows the fallback text of an empty message literally, without mentions', () => {
    const [part] = render(message([], evil));
    expect(shown(part!.content)).toBe(evil.trim());
    expectNoMentions([part!]);
  });

  it('makes the opt-in mention the only ping: first message only, listed exactly', () => {
    const cases = [
      [{ kind: 'user', id: '123456789012345678' }, '<@123456789012345678>', { parse: [], users: ['123456789012345678'] }],
      [{ kind: 'role', id: '876543210987654321' }, '<@&876543210987654321>', { parse: [], roles: ['876543210987654321'] }],
    ] as const;
    for (const [mention, token, allowed] of cases) {
      const list = paperListMessage({ title: `3 new papers on "${pings}"`, views: views(6) });
      const rendered = render({ ...list, mention });
      expect(rendered).toHaveLength(2);
      expect(rendered[0]!.content.startsWith(`${token}\n**3 new papers on "`)).toBe(true);
      expect(rendered.map((part) => part.allowed_mentions)).toEqual([allowed, { parse: [] }]);
      expectNoMentions(rendered.slice(0, 1), token);
      expectNoMentions(rendered.slice(1));
      expect(JSON.stringify(rendered).split(token)).toHaveLength(2);
      const [empty] = render(message([], 'New papers', mention));
      expect(empty).toEqual({ content: `${token}\nNew papers`, embeds: [], components: [], allowed_mentions: allowed });
    }
  });

  it('drops a mention whose id is not a snowflake', () => {
    for (const id of ['everyone', '123', '<@123456789012345678>', '1'.repeat(21), '12345678901234567a', '']) {
      const rendered = render(message([{ kind: 'text', text: ['hi'] }], 'hi', { kind: 'user', id }));
      expect(rendered).toEqual([{ content: 'hi', embeds: [], components: [], allowed_mentions: { parse: [] } }]);
    }
  });

  it('never links a javascript: (or other non-http) URL', () => {
    const bad = ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', 'mailto:a@b.c', 'ftp://x.org/a', 'https://', ' java\nscript:alert(1)'];
    for (const url of bad) {
      const rendered = render(
        message([
          { kind: 'heading', text: 'Title', url },
          { kind: 'text', text: [{ text: 'click', url }, ' ', { text: '', url }] },
          { kind: 'image', url, alt: 'x' },
          { kind: 'actions', buttons: [{ actionId: 'x', label: 'Go', url }, { actionId: 'r:ok', label: 'Ok' }] },
        ]),
      );
      expect(rendered[0]!.embeds).toEqual([{ title: 'Title', description: 'click' }]);
      expect(buttonsOf(rendered)).toEqual([{ type: 2, style: 2, label: 'Ok', custom_id: 'r:ok' }]);
      expect(JSON.stringify(rendered)).not.toMatch(/\]\(|javascript|data:|mailto|ftp/iu);
    }
  });

  it('percent-encodes characters that could end a masked link', () => {
    const [embed] = single([{ kind: 'heading', text: 'T' }, { kind: 'text', text: [{ text: 'link', url: 'https://example.org/a(b)c d[e]' }] }]).embeds;
    expect(embed!.description).toBe('[link](https://example.org/a%28b%29c%20d%5Be%5D)');
  });
});

describe('limits and splitting', () => {
  it('splits a 20,000-character abstract over continuation embeds and messages, dropping nothing', () => {
    const text = abstract(20_000);
    const rendered = render(message([{ kind: 'heading', text: 'A long paper' }, { kind: 'text', text: [text] }, { kind: 'actions', buttons: [{ actionId: 'r:a', label: 'A' }] }]));
    expect(rendered.length).toBeGreaterThanOrEqual(5);
    const embeds = rendered.flatMap((part) => part.embeds);
    expect(embeds[0]!.title).toBe('A long paper');
    expect(embeds.slice(1).every((embed) => embed.title === undefined)).toBe(true);
    for (const embed of embeds) expect(embed.description!.split(' ').every((word) => FILLER_WORDS.includes(word))).toBe(true);
    expect(embeds.map((embed) => embed.description).join(' ')).toBe(text);
    // The buttons come with the last part of the text.
    expect(rendered.map((part) => part.components.length)).toEqual([...rendered.slice(1).map(() => 0), 1]);
  });

  it('cuts an over-long title, field name, field value and button label at a word, with an ellipsis', () => {
    const { embeds, components } = single([
      { kind: 'heading', text: abstract(400) },
      { kind: 'fields', fields: [{ label: abstract(400), value: [abstract(3000)] }] },
      { kind: 'actions', buttons: [{ actionId: 'a', label: abstract(200) }] },
    ]);
    const [field] = embeds[0]!.fields!;
    const label = components[0]!.components[0]!;
    const cuts: [string, number][] = [
      [embeds[0]!.title!, MAX_EMBED_TITLE],
      [field!.name, MAX_FIELD_NAME],
      [field!.value, MAX_FIELD_VALUE],
      ['label' in label ? label.label! : '', MAX_BUTTON_LABEL],
    ];
    for (const [cut, max] of cuts) {
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.length).toBeGreaterThan(max * 0.8);
      expect(cut.endsWith('…')).toBe(true);
      expect(abstract(3000).startsWith(`${cut.slice(0, -1)} `)).toBe(true);
    }
  });

  it('spreads 30 fields over two embeds of at most 25', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: `F${i}`, value: [`v${i}`] }));
    const { embeds } = single([{ kind: 'heading', text: 'Many' }, { kind: 'fields', fields }]);
    expect(embeds.map((embed) => embed.fields!.length)).toEqual([25, 5]);
    expect(embeds.flatMap((embed) => embed.fields!.map((field) => field.name))).toEqual(fields.map((field) => field.label));
  });

  it('keeps 25 maximal fields within 6000 characters per embed and per message', () => {
    const fields = Array.from({ length: 25 }, (_, i) => ({ label: `F${i} ${abstract(300)}`, value: [abstract(1500)] }));
    const rendered = render(message([{ kind: 'heading', text: 'Big' }, { kind: 'fields', fields }]));
    const all = rendered.flatMap((part) => part.embeds.flatMap((embed) => embed.fields!));
    expect(all).toHaveLength(25);
    expect(rendered.length).toBeGreaterThanOrEqual(6);
  });

  it('splits 12 headings into messages of at most 10 embeds, in order, unnumbered without buttons', () => {
    const blocks: Block[] = Array.from({ length: 12 }, (_, i): Block[] => [{ kind: 'heading', text: `Paper ${i + 1}` }, { kind: 'text', text: [`About ${i + 1}`] }]).flat();
    const rendered = render(message(blocks));
    expect(rendered.map((part) => part.embeds.length)).toEqual([10, 2]);
    expect(rendered.flatMap((part) => part.embeds.map((embed) => embed.title))).toEqual(Array.from({ length: 12 }, (_, i) => `Paper ${i + 1}`));
  });

  it('splits 40 buttons into rows of 5 and messages of 5 rows, with unique ids that baseCustomId maps back', () => {
    const buttons: Button[] = Array.from({ length: 40 }, (_, i) => ({ actionId: `r:page ${i % 15}`, label: `Page ${i}` }));
    const rendered = render(message([{ kind: 'heading', text: 'Pages' }, { kind: 'actions', buttons }]));
    expect(rendered.map((part) => part.components.length)).toEqual([5, 3]);
    expect(rendered.map((part) => part.embeds.length)).toEqual([1, 0]);
    const ids = customIds(rendered);
    expect(new Set(ids).size).toBe(40);
    expect(ids.map(baseCustomId)).toEqual(buttons.map((button) => button.actionId));
    expect(ids).toContain('r:page 0#2');
  });

  it('suffixes ids that already look suffixed, so baseCustomId always strips exactly one suffix', () => {
    const buttons: Button[] = ['a', 'a#2', 'a', '', 'b#1', 'b'].map((actionId) => ({ actionId, label: 'x' }));
    const ids = customIds([single([{ kind: 'actions', buttons }])]);
    expect(ids).toEqual(['a', 'a#2#1', 'a#2', '#1', 'b#1#1', 'b']);
    expect(ids.map(baseCustomId)).toEqual(['a', 'a#2', 'a', '', 'b#1', 'b']);
  });

  it('cuts custom ids over 100 characters and keeps them unique', () => {
    const ids = customIds([single([{ kind: 'actions', buttons: [{ actionId: 'x'.repeat(300), label: 'a' }, { actionId: 'x'.repeat(301), label: 'b' }] }])]);
    expect(ids.every((id) => id.length <= MAX_CUSTOM_ID)).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });
});
