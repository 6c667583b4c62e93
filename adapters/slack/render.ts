/* Converts neutral `OutgoingMessage`s into Slack Block Kit messages: every text escaped, split to fit every limit. */
import { graphemePrefix } from '../../src/chat/text.ts';
import type { ActionsBlock, Button as SlackButton, ContextBlock, HeaderBlock, ImageBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { Block, Button, MentionTarget, OutgoingMessage } from '../../src/chat/message.ts';
import {
  MAX_ACTION_ID, MAX_ACTIONS_ELEMENTS, MAX_BLOCK_CHARS_PER_MESSAGE, MAX_BLOCKS_PER_MESSAGE, MAX_BUTTON_TEXT, MAX_BUTTON_URL,
  MAX_CONTEXT_TEXT, MAX_FIELD_TEXT, MAX_HEADER_TEXT, MAX_IMAGE_ALT_TEXT, MAX_IMAGE_URL, MAX_SECTION_FIELDS, MAX_SECTION_TEXT,
  MAX_TOP_LEVEL_TEXT,
} from './limits.ts';
import { chunkPieces, clean, cutPieces, escapeSlackText, oneLine, plainText, renderPieces, safeUrl, toPieces, trimPieces, type Piece } from './mrkdwn.ts';

export { escapeSlackText } from './mrkdwn.ts';

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

type BlockOf<K extends Block['kind']> = Extract<Block, { kind: K }>;

/** Per-message state: action ids handed out so far and link buttons numbered so far. */
interface RenderState {
  used: Set<string>;
  counts: Map<string, number>;
  links: number;
}

const MENTION_ID = /^[A-Z0-9]{2,30}$/u;
/** A block packed from several elements must still fit a message on its own; this leaves room for its wrapper. */
const BLOCK_BUDGET = MAX_BLOCK_CHARS_PER_MESSAGE - 64;

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
  const base = id.length > MAX_ACTION_ID - ACTION_SUFFIX_ROOM ? graphemePrefix(id, MAX_ACTION_ID - ACTION_SUFFIX_ROOM) : id;
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
