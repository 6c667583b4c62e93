/* Converts neutral `OutgoingMessage`s into Slack Block Kit messages: every text escaped, split to fit every limit. */
import type { ActionsBlock, Button as SlackButton, ContextBlock, HeaderBlock, ImageBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { Block, Button, Inline, MentionTarget, OutgoingMessage } from '../../src/chat/message.ts';
import {
  MAX_ACTION_ID, MAX_ACTIONS_ELEMENTS, MAX_BLOCK_CHARS_PER_MESSAGE, MAX_BLOCKS_PER_MESSAGE, MAX_BUTTON_TEXT, MAX_BUTTON_URL,
  MAX_CONTEXT_TEXT, MAX_FIELD_TEXT, MAX_HEADER_TEXT, MAX_IMAGE_ALT_TEXT, MAX_IMAGE_URL, MAX_SECTION_FIELDS, MAX_SECTION_TEXT,
  MAX_TOP_LEVEL_TEXT,
} from './limits.ts';

/**
 * One Slack message to post: `text` is the notification (and screen-reader) text, `blocks` what is shown. `blocks`
 * is empty only when the message has neither blocks nor fallback text.
 */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Prefix of the synthetic `action_id` of link buttons; Slack still sends an action for them, to be acknowledged only. */
export const LINK_ACTION_PREFIX = 'link:';

/** Whether an `action_id` from Slack belongs to a link button (no core action behind it). */
export function isLinkActionId(actionId: string): boolean {
  return actionId.startsWith(LINK_ACTION_PREFIX);
}

/** The `#n` the renderer appends to keep action ids unique within a message. */
const ACTION_SUFFIX = /#\d+$/u;
/** Room left for that suffix when an over-long id has to be cut. */
const ACTION_SUFFIX_ROOM = 15;

/**
 * The core's action id behind an `action_id` from Slack: strips the one `#n` suffix that {@link renderSlackMessages}
 * adds to repeated ids (an id that itself ends in `#n` always gets a suffix, so exactly one is stripped).
 */
export function baseActionId(actionIdFromSlack: string): string {
  return actionIdFromSlack.replace(ACTION_SUFFIX, '');
}

/**
 * `text` with Slack's three control characters replaced by their entities (`&amp;`, `&lt;`, `&gt;`) and nothing
 * else. After this no text can form a mention, channel link, special token or link.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

type Style = 'bold' | 'italic' | 'code';
type BlockOf<K extends Block['kind']> = Extract<Block, { kind: K }>;

/** A run of raw (unescaped) text with one style; `pre` marks a multi-line code span, rendered as a ``` block. */
interface Piece {
  text: string;
  style?: Style | undefined;
  url?: string | undefined;
  pre?: boolean | undefined;
}

/** Per-message state: action ids handed out so far and link buttons numbered so far. */
interface RenderState {
  used: Set<string>;
  counts: Map<string, number>;
  links: number;
}

const MARK: Record<Style, string> = { bold: '*', italic: '_', code: '`' };
/** C0 controls except tab and newline, and DEL: never useful in a message, and they bloat the JSON. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Split points for long text, best first: paragraphs, lines, sentences, words (then characters). */
const BOUNDARIES = [/\n[ \t]*\n/gu, /\n/gu, /[.!?]["'’”)\]]*[ \t]+/gu, /\s+/gu];
const MENTION_ID = /^[A-Z0-9]{2,30}$/u;
const ELLIPSIS: Piece = { text: '…' };
/** A block packed from several elements must still fit a message on its own; this leaves room for its wrapper. */
const BLOCK_BUDGET = MAX_BLOCK_CHARS_PER_MESSAGE - 64;

function clean(text: string): string {
  return text.replace(/\r\n?/gu, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

function oneLine(text: string): string {
  return clean(text).replace(/\s+/gu, ' ').trim();
}

/**
 * A URL safe inside `<url|text>` and in `url` fields, or `undefined` when it is not an absolute http(s) URL or is
 * longer than `max`. `|`, `<`, `>` and whitespace are percent-encoded, so the URL cannot end the link token.
 */
function safeUrl(raw: string, max: number): string | undefined {
  const url = clean(raw).trim().replace(/[\s|<>]/gu, (c) => encodeURIComponent(c));
  if (url.length > max || !/^https?:\/\//iu.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

function toPieces(inline: readonly Inline[]): Piece[] {
  return inline.map((span): Piece => {
    if (typeof span === 'string') return { text: clean(span) };
    const url = span.url === undefined ? undefined : safeUrl(span.url, MAX_BUTTON_URL);
    const text = clean(span.text);
    const pre = span.style === 'code' && text.includes('\n');
    return { text: url !== undefined && text.trim() === '' ? url : text, style: span.style, url, pre };
  });
}

function isPlain(piece: Piece): boolean {
  return piece.style === undefined && piece.url === undefined && piece.pre !== true;
}

/** One piece as mrkdwn. Styles wrap each line's text (whitespace stays outside the marks, as Slack requires). */
function renderPiece(piece: Piece): string {
  const escaped = escapeSlackText(piece.text);
  if (piece.pre === true) return escaped === '' ? '' : `\`\`\`${escaped}\`\`\``;
  if (isPlain(piece)) return escaped;
  // Code cannot hold a link (Slack would show the token), so a code link is a plain link.
  const mark = piece.style === undefined || (piece.style === 'code' && piece.url !== undefined) ? '' : MARK[piece.style];
  return escaped
    .split('\n')
    .map((line) => {
      const core = line.trim();
      if (core === '') return line;
      const start = line.indexOf(core);
      const inner = piece.url === undefined ? core : `<${escapeSlackText(piece.url)}|${core}>`;
      return `${line.slice(0, start)}${mark}${inner}${mark}${line.slice(start + core.length)}`;
    })
    .join('\n');
}

/** Pieces as mrkdwn, neighbours with the same style and link joined first. */
function renderPieces(pieces: readonly Piece[]): string {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (piece.text === '') continue;
    if (last && last.style === piece.style && last.url === piece.url && (last.pre === true) === (piece.pre === true)) {
      merged[merged.length - 1] = { ...last, text: last.text + piece.text };
    } else merged.push(piece);
  }
  return merged.map(renderPiece).join('');
}

function size(pieces: readonly Piece[]): number {
  return renderPieces(pieces).length;
}

/** One edge of a piece trimmed: whitespace, or only blank lines for preformatted code (keeps its indentation). */
function trimEdge(piece: Piece, edge: 'start' | 'end'): string {
  if (piece.pre !== true) return edge === 'start' ? piece.text.trimStart() : piece.text.trimEnd();
  if (piece.text.trim() === '') return '';
  return piece.text.replace(edge === 'start' ? /^\n+/u : /\n+$/u, '');
}

/** Pieces without leading or trailing whitespace and without empty pieces. */
function trimPieces(pieces: readonly Piece[]): Piece[] {
  const out = pieces.filter((piece) => piece.text !== '');
  for (const edge of ['start', 'end'] as const) {
    while (out.length > 0) {
      const index = edge === 'start' ? 0 : out.length - 1;
      const text = trimEdge(out[index]!, edge);
      if (text !== '') {
        out[index] = { ...out[index]!, text };
        break;
      }
      out.splice(index, 1);
    }
  }
  return out;
}

/** The first `count` code points of `text`, the rest, and how many code points were taken. */
function takeCodePoints(text: string, count: number): [string, string, number] {
  let index = 0;
  let taken = 0;
  while (taken < count && index < text.length) {
    index += text.codePointAt(index)! > 0xffff ? 2 : 1;
    taken += 1;
  }
  return [text.slice(0, index), text.slice(index), taken];
}

/** The first `count` code points of the pieces, and the rest. */
function splitPiecesAt(pieces: readonly Piece[], count: number): [Piece[], Piece[]] {
  const head: Piece[] = [];
  const tail: Piece[] = [];
  let left = count;
  for (const piece of pieces) {
    if (left <= 0) {
      tail.push(piece);
      continue;
    }
    const [taken, rest, used] = takeCodePoints(piece.text, left);
    head.push({ ...piece, text: taken });
    if (rest !== '') tail.push({ ...piece, text: rest });
    left -= used;
  }
  return [head, tail];
}

/**
 * The largest code-point count, at most `max`, whose prefix `fits` (binary search: longer prefixes never render
 * shorter). Each code point renders to at least one character, so no prefix longer than `max` can fit.
 */
function longestPrefix(pieces: readonly Piece[], max: number, fits: (head: Piece[]) => boolean): number {
  const candidates = splitPiecesAt(pieces, max)[0];
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(splitPiecesAt(candidates, mid)[0])) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Pieces with the first one unstyled: the last resort when not even one character of it fits (a huge link). */
function plainFirst(pieces: readonly Piece[]): Piece[] {
  const [first, ...rest] = pieces;
  return first ? [{ text: first.text }, ...rest] : [];
}

/** Splits pieces into runs of at most `max` rendered characters, mid-word: for text without any boundary left. */
function hardSplit(pieces: readonly Piece[], max: number): Piece[][] {
  const chunks: Piece[][] = [];
  let rest = trimPieces(pieces);
  while (rest.length > 0 && size(rest) > max) {
    let count = longestPrefix(rest, max, (head) => size(trimPieces(head)) <= max);
    if (count === 0 && !isPlain(rest[0]!)) {
      rest = plainFirst(rest);
      continue;
    }
    count = Math.max(count, 1);
    const [head, tail] = splitPiecesAt(rest, count);
    chunks.push(trimPieces(head));
    rest = trimPieces(tail);
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

/** Pieces cut into segments after each match of `boundary` (the boundary stays at the end of its segment). */
function splitAtBoundary(pieces: readonly Piece[], boundary: RegExp): Piece[][] {
  const segments: Piece[][] = [];
  let current: Piece[] = [];
  for (const piece of pieces) {
    let start = 0;
    for (const match of piece.text.matchAll(boundary)) {
      const end = match.index + match[0].length;
      current.push({ ...piece, text: piece.text.slice(start, end) });
      segments.push(current);
      current = [];
      start = end;
    }
    if (start < piece.text.length) current.push({ ...piece, text: piece.text.slice(start) });
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/**
 * Splits pieces into chunks that each render to at most `max` characters, preferring paragraph, then line, then
 * sentence, then word boundaries; a word is cut only when it alone is longer than `max`. Segments are packed by the
 * sum of their rendered sizes, which is never less than the size of the joined chunk.
 */
function chunkPieces(pieces: readonly Piece[], max: number, level = 0): Piece[][] {
  const whole = trimPieces(pieces);
  if (whole.length === 0) return [];
  if (size(whole) <= max) return [whole];
  const boundary = BOUNDARIES[level];
  if (boundary === undefined) return hardSplit(whole, max);
  const chunks: Piece[][] = [];
  let current: Piece[] = [];
  let used = 0;
  const flush = (): void => {
    const chunk = trimPieces(current);
    if (chunk.length > 0) chunks.push(chunk);
    current = [];
    used = 0;
  };
  for (const segment of splitAtBoundary(whole, boundary)) {
    const length = size(segment);
    if (length > max) {
      flush();
      chunks.push(...chunkPieces(segment, max, level + 1));
      continue;
    }
    if (used + length > max) flush();
    current.push(...segment);
    used += length;
  }
  flush();
  return chunks;
}

/** Pieces cut to at most `max` rendered characters, at a word where possible, with an ellipsis when cut. */
function cutPieces(pieces: readonly Piece[], max: number): Piece[] {
  let whole = trimPieces(pieces);
  if (size(whole) <= max) return whole;
  const withEllipsis = (head: readonly Piece[]): Piece[] => [...trimPieces(head), ELLIPSIS];
  let count = longestPrefix(whole, max, (head) => size(withEllipsis(head)) <= max);
  while (count === 0 && whole[0] && !isPlain(whole[0])) {
    whole = plainFirst(whole);
    count = longestPrefix(whole, max, (head) => size(withEllipsis(head)) <= max);
  }
  const kept = Array.from(splitPiecesAt(whole, count)[0].map((piece) => piece.text).join(''));
  const space = kept.findLastIndex((char) => /\s/u.test(char));
  if (space > count * 0.6) count = space;
  return withEllipsis(splitPiecesAt(whole, count)[0]);
}

/** Plain text (header, button, alt text) escaped and cut to `max` characters. */
function plainText(text: string, max: number): string {
  return renderPieces(cutPieces([{ text: oneLine(text) }], max));
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function sections(pieces: readonly Piece[]): SectionBlock[] {
  return chunkPieces(pieces, MAX_SECTION_TEXT).map((chunk) => section(renderPieces(chunk)));
}

function jsonLength(value: unknown): number {
  return JSON.stringify(value).length;
}

/** Items in order, grouped so no group has more than `maxCount` items or more than `maxSize` in total. */
function pack<T>(items: readonly T[], maxCount: number, maxSize: number, sizeOf: (item: T) => number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const length = sizeOf(item);
    if (current.length > 0 && (current.length >= maxCount || used + length > maxSize)) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** A header (plain text, which cannot link); with a valid URL, a bold linked section instead. */
function renderHeading(block: BlockOf<'heading'>): (HeaderBlock | SectionBlock)[] {
  const title = cutPieces([{ text: oneLine(block.text) }], MAX_HEADER_TEXT);
  if (title.length === 0) return [];
  const url = block.url === undefined ? undefined : safeUrl(block.url, MAX_BUTTON_URL);
  if (url !== undefined) {
    const text = renderPieces(title.map((piece) => ({ ...piece, style: 'bold' as const, url })));
    if (text.length <= MAX_SECTION_TEXT) return [section(text)];
  }
  return [{ type: 'header', text: { type: 'plain_text', text: renderPieces(title) } }];
}

function renderText(block: BlockOf<'text'>): SectionBlock[] {
  return sections(toPieces(block.text));
}

/** One field as `*label*\nvalue`, cut to the field limit; nothing when both are empty. */
function renderField(field: BlockOf<'fields'>['fields'][number]): MrkdwnElement[] {
  const label = oneLine(field.label);
  const value = trimPieces(toPieces(field.value));
  const pieces: Piece[] = label === '' ? value : [{ text: label, style: 'bold' }, ...(value.length > 0 ? [{ text: '\n' }] : []), ...value];
  const cut = cutPieces(pieces, MAX_FIELD_TEXT);
  return cut.length > 0 ? [mrkdwn(renderPieces(cut))] : [];
}

function renderFields(block: BlockOf<'fields'>): SectionBlock[] {
  const fields = block.fields.flatMap(renderField);
  return pack(fields, MAX_SECTION_FIELDS, BLOCK_BUDGET, jsonLength).map((group) => ({ type: 'section', fields: group }));
}

function renderList(block: BlockOf<'list'>): SectionBlock[] {
  const pieces = block.items.flatMap((item, index) => {
    const marker = block.ordered === true ? `${index + 1}. ` : '• ';
    const text = toPieces(item).map((piece) => ({ ...piece, text: piece.text.replace(/\s*\n\s*/gu, ' '), pre: false }));
    return [{ text: index === 0 ? marker : `\n${marker}` }, ...text];
  });
  return sections(pieces);
}

function renderContext(block: BlockOf<'context'>): ContextBlock[] {
  // One mrkdwn element per context block, well under the 10-element limit.
  return chunkPieces(toPieces(block.text), MAX_CONTEXT_TEXT).map((chunk) => ({ type: 'context', elements: [mrkdwn(renderPieces(chunk))] }));
}

/** An image block; dropped when its URL is not a usable http(s) URL, since Slack would reject the message. */
function renderImage(block: BlockOf<'image'>): ImageBlock[] {
  const url = safeUrl(block.url, MAX_IMAGE_URL);
  if (url === undefined) return [];
  const alt = plainText(block.alt, MAX_IMAGE_ALT_TEXT);
  return [{ type: 'image', image_url: url, alt_text: alt === '' ? 'image' : alt }];
}

/** `id` made unique in the message: a repeat (or an id that looks suffixed, or an empty one) gets `#n`. */
function uniqueActionId(id: string, state: RenderState): string {
  const base = id.length > MAX_ACTION_ID - ACTION_SUFFIX_ROOM ? id.slice(0, MAX_ACTION_ID - ACTION_SUFFIX_ROOM) : id;
  let n = (state.counts.get(base) ?? 0) + 1;
  let unique = n === 1 && base !== '' && !ACTION_SUFFIX.test(base) ? base : `${base}#${n}`;
  while (state.used.has(unique)) unique = `${base}#${(n += 1)}`;
  state.counts.set(base, n);
  state.used.add(unique);
  return unique;
}

/** A button; a link button with an unusable URL is dropped (it could neither open nor act). */
function renderButton(button: Button, state: RenderState): SlackButton[] {
  const text = { type: 'plain_text' as const, text: plainText(button.label, MAX_BUTTON_TEXT) || '…' };
  const style = button.style === undefined ? {} : { style: button.style };
  if (button.url === undefined) return [{ type: 'button', action_id: uniqueActionId(button.actionId, state), text, ...style }];
  const url = safeUrl(button.url, MAX_BUTTON_URL);
  if (url === undefined) return [];
  state.links += 1;
  return [{ type: 'button', action_id: uniqueActionId(`${LINK_ACTION_PREFIX}${state.links}`, state), text, url, ...style }];
}

function renderActions(block: BlockOf<'actions'>, state: RenderState): ActionsBlock[] {
  const buttons = block.buttons.flatMap((button) => renderButton(button, state));
  return pack(buttons, MAX_ACTIONS_ELEMENTS, BLOCK_BUDGET, jsonLength).map((elements) => ({ type: 'actions', elements }));
}

function renderBlock(block: Block, state: RenderState): KnownBlock[] {
  switch (block.kind) {
    case 'heading':
      return renderHeading(block);
    case 'text':
      return renderText(block);
    case 'fields':
      return renderFields(block);
    case 'list':
      return renderList(block);
    case 'divider':
      return [{ type: 'divider' }];
    case 'context':
      return renderContext(block);
    case 'image':
      return renderImage(block);
    case 'actions':
      return renderActions(block, state);
    default: {
      const unknown: never = block;
      return unknown;
    }
  }
}

/** The ping token of the message's one opt-in mention, or nothing when the id is not a plain Slack id. */
function mentionToken(mention: MentionTarget | undefined): string | undefined {
  if (mention === undefined || !MENTION_ID.test(mention.id)) return undefined;
  if (mention.kind === 'user') return `<@${mention.id}>`;
  if (mention.kind === 'role') return `<!subteam^${mention.id}>`;
  return undefined;
}

/** The escaped fallback text between `prefix` and `suffix`, cut so the whole stays within the top-level limit. */
function topLevelText(message: OutgoingMessage, prefix: string, suffix: string): string {
  const max = MAX_TOP_LEVEL_TEXT - prefix.length - suffix.length;
  return `${prefix}${renderPieces(cutPieces([{ text: clean(message.fallbackText) }], max))}${suffix}`.trim();
}

/**
 * Renders a message as one or more Slack messages, in order, each within every Block Kit limit (50 blocks, about
 * 12k characters of blocks, section/field/header/button/action-id sizes), so Slack never rejects one. One small
 * renderer per block kind; long text is split at paragraph, sentence or word boundaries, long field and heading
 * texts are cut with an ellipsis, and buttons get unique action ids (see {@link baseActionId}).
 *
 * All text from the message is escaped with {@link escapeSlackText}, so nothing in it can mention anyone, link a
 * channel or form a link; only http(s) URLs become links. The message's `mention`, if its id is valid, is the only
 * ping: a section at the start of the first message, and the prefix of that message's `text`. `text` is the
 * escaped fallback text (later messages add "(continued)"). A message without blocks shows its fallback text.
 * Visibility is the caller's business.
 */
export function renderSlackMessages(message: OutgoingMessage): SlackMessage[] {
  const state: RenderState = { used: new Set(), counts: new Map(), links: 0 };
  const content = message.blocks.flatMap((block) => renderBlock(block, state));
  const body = content.length > 0 ? content : sections(toPieces([message.fallbackText]));
  const mention = mentionToken(message.mention);
  const blocks = mention === undefined || body.length === 0 ? body : [section(mention), ...body];
  const prefix = mention === undefined ? '' : `${mention} `;
  const groups = pack(blocks, MAX_BLOCKS_PER_MESSAGE, MAX_BLOCK_CHARS_PER_MESSAGE, jsonLength);
  if (groups.length === 0) return [{ text: topLevelText(message, prefix, ''), blocks: [] }];
  const continued = groups.length > 1 ? topLevelText(message, '', ' (continued)') : '';
  return groups.map((group, index) => ({ text: index === 0 ? topLevelText(message, prefix, '') : continued, blocks: group }));
}
