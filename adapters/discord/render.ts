/*
 * Converts neutral `OutgoingMessage`s into Discord message payloads (content, embeds, button rows): every text
 * escaped, nothing able to ping but the one opt-in mention, split into several messages to fit every limit.
 */
import { graphemePrefix } from '../../src/chat/text.ts';
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from 'discord.js';
import type { Block, Button, MentionTarget, OutgoingMessage } from '../../src/chat/message.ts';
import {
  MAX_ACTION_ROWS, MAX_BUTTON_LABEL, MAX_BUTTON_URL, MAX_BUTTONS_PER_ROW, MAX_CONTENT, MAX_CUSTOM_ID,
  MAX_EMBED_CHARS_PER_MESSAGE, MAX_EMBED_DESCRIPTION, MAX_EMBED_FIELDS, MAX_EMBED_TITLE, MAX_EMBEDS_PER_MESSAGE,
  MAX_FIELD_NAME, MAX_FIELD_VALUE, MAX_FOOTER_TEXT,
} from './limits.ts';
import { chunkPieces, cutPieces, neutralizeMentions, oneLine, plainText, renderPieces, safeUrl, toPieces, trimPieces, ZWSP, type Piece } from './markdown.ts';

export { escapeDiscordText } from './markdown.ts';

/** A row of buttons. */
export type DiscordActionRow = APIActionRowComponent<APIButtonComponent>;

/** Who a message may ping: nobody (`parse: []`), or exactly the one user or role listed. */
export interface DiscordAllowedMentions {
  parse: [];
  users?: string[];
  roles?: string[];
}

/**
 * One Discord message to post (the body of Create Message or of an interaction response). `content` is `''` when the
 * message has none; at least one of `content`, `embeds` and `components` is never empty.
 */
export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: DiscordActionRow[];
  allowed_mentions: DiscordAllowedMentions;
}

/** The `#n` the renderer appends to keep custom ids unique; Discord hands the suffixed id back. */
const CUSTOM_ID_SUFFIX = /#\d+$/u;
/** Room left for that suffix when an over-long id has to be cut. */
const CUSTOM_ID_SUFFIX_ROOM = 10;

/**
 * The core's action id behind a `custom_id` from Discord: strips the one `#n` suffix that
 * {@link renderDiscordMessages} adds to repeated ids (an id that itself ends in `#n` always gets a suffix, so exactly
 * one is stripped). Link buttons have no custom id: Discord sends no interaction for them.
 */
export function baseCustomId(customIdFromDiscord: string): string {
  return customIdFromDiscord.replace(CUSTOM_ID_SUFFIX, '');
}

type BlockOf<K extends Block['kind']> = Extract<Block, { kind: K }>;

/** Custom ids handed out so far (over all messages of one render). */
interface RenderState {
  used: Set<string>;
  counts: Map<string, number>;
}

/** A user or role id: a snowflake. */
const SNOWFLAKE = /^\d{17,20}$/u;
/** Room kept in `content` for the mention and its line break: `<@&` + 20 digits + `>` + `\n`. */
const MENTION_ROOM = 25;
/** Blank line between the paragraphs of a description or of content. */
const PARAGRAPH_GAP = '\n\n';
/** Discord's subtext line: small grey text, for context blocks. */
const SUBTEXT = '-# ';
/** Between a card's number and a button label: `2 · Discuss`. */
const NUMBER_SEPARATOR = ' · ';
/** A field whose name and value are both this short sits inline (up to three side by side). */
const INLINE_FIELD_CHARS = 40;
/** The label of a button whose label is empty (Discord needs a label or an emoji). */
const EMPTY_LABEL = '…';
/** The content of a message with nothing else to show (no blocks, no fallback text): Discord rejects empty ones. */
const EMPTY_CONTENT = '…';
/** Discord's button styles: blurple, grey (the default), red; link buttons are always style 5. */
const STYLE = { primary: 1, secondary: 2, danger: 4 } as const;
const LINK_STYLE = 5;
/** Component types: a button, and the action row that holds up to five. */
const BUTTON = 2;
const ACTION_ROW = 1;
/** Block kinds that can be shown as plain message content (buttons go in rows below it). */
const CONTENT_KINDS: ReadonlySet<Block['kind']> = new Set(['text', 'list', 'context', 'actions']);

/** The title line of an embed, with the link it opens. */
interface Title {
  title?: string;
  url?: string;
}

/** A card number before a heading: `3. `. */
function numberPieces(number: number | undefined): Piece[] {
  return number === undefined ? [] : [{ text: `${number}. `, raw: true }];
}

/** A heading as an embed title (one line, cut to 256) linked to its URL when that is a usable http(s) URL. */
function renderHeading(block: BlockOf<'heading'>, number: number | undefined): Title {
  const text = oneLine(block.text);
  if (text === '') return {};
  const title = renderPieces(cutPieces([...numberPieces(number), { text, autolink: false }], MAX_EMBED_TITLE));
  const url = block.url === undefined ? undefined : safeUrl(block.url);
  return url === undefined ? { title } : { title, url };
}

/** Description paragraphs of at most 4096 characters, split at paragraph, sentence or word boundaries. */
function paragraphs(pieces: readonly Piece[], max = MAX_EMBED_DESCRIPTION): string[] {
  return chunkPieces(pieces, max).map(renderPieces);
}

function renderText(block: BlockOf<'text'>): string[] {
  return paragraphs(toPieces(block.text));
}

/** `• item` or `1. item` lines, each item on one line. */
function renderList(block: BlockOf<'list'>): string[] {
  const pieces = block.items.flatMap((item, index): Piece[] => {
    const marker = block.ordered === true ? `${index + 1}. ` : '• ';
    const text = trimPieces(toPieces(item).map((piece) => ({ ...piece, text: piece.text.replace(/\s*\n\s*/gu, ' '), pre: false })));
    return [{ text: index === 0 ? marker : `\n${marker}`, raw: true }, ...text];
  });
  return paragraphs(pieces);
}

/** Context as subtext lines (`-# …`, small grey text that can still hold links); long context splits into lines. */
function renderContext(block: BlockOf<'context'>): string[] {
  const pieces = toPieces(block.text).map((piece) => ({ ...piece, text: piece.text.replace(/\s*\n\s*/gu, ' '), pre: false }));
  return paragraphs(pieces, MAX_EMBED_DESCRIPTION - SUBTEXT.length).map((line) => `${SUBTEXT}${line}`);
}

/** Context as an embed footer (plain text only), or nothing when it has links or styles, or is too long. */
function contextFooter(block: BlockOf<'context'>): string | undefined {
  if (block.text.some((span) => typeof span !== 'string' && (span.url !== undefined || span.style !== undefined))) return undefined;
  const text = neutralizeMentions(oneLine(block.text.map((span) => (typeof span === 'string' ? span : span.text)).join('')));
  return text !== '' && text.length <= MAX_FOOTER_TEXT ? text : undefined;
}

/** One field: name cut to 256, value to 1024, a zero-width space for an empty one; nothing when both are empty. */
function renderField(field: BlockOf<'fields'>['fields'][number]): APIEmbedField[] {
  const name = renderPieces(cutPieces([{ text: oneLine(field.label), autolink: false }], MAX_FIELD_NAME));
  const valuePieces = toPieces(field.value);
  const value = renderPieces(cutPieces(valuePieces, MAX_FIELD_VALUE));
  if (name === '' && value === '') return [];
  const shown = valuePieces.map((piece) => piece.text).join('').trim();
  const inline = shown.length <= INLINE_FIELD_CHARS && oneLine(field.label).length <= INLINE_FIELD_CHARS;
  return [{ name: name || ZWSP, value: value || ZWSP, inline }];
}

function renderFields(block: BlockOf<'fields'>): APIEmbedField[] {
  return block.fields.flatMap(renderField);
}

/** An image's URL, or nothing when it is not a usable http(s) URL (Discord has no alt text for embed images). */
function renderImage(block: BlockOf<'image'>): string | undefined {
  return safeUrl(block.url);
}

/** `id` made unique in the render: a repeat (or an id that looks suffixed, or an empty one) gets `#n`. */
function uniqueCustomId(id: string, state: RenderState): string {
  const base = id.length > MAX_CUSTOM_ID - CUSTOM_ID_SUFFIX_ROOM ? graphemePrefix(id, MAX_CUSTOM_ID - CUSTOM_ID_SUFFIX_ROOM) : id;
  let n = (state.counts.get(base) ?? 0) + 1;
  let unique = n === 1 && base !== '' && !CUSTOM_ID_SUFFIX.test(base) ? base : `${base}#${n}`;
  while (state.used.has(unique)) unique = `${base}#${(n += 1)}`;
  state.counts.set(base, n);
  state.used.add(unique);
  return unique;
}

/** A label of at most 80 characters, prefixed with its card's number when cards are numbered. */
function buttonLabel(label: string, number: number | undefined): string {
  const text = number === undefined ? label : `${number}${NUMBER_SEPARATOR}${oneLine(label)}`;
  return plainText(text, MAX_BUTTON_LABEL) || EMPTY_LABEL;
}

/** A button; a link button (no custom id) with an unusable URL is dropped, since it could neither open nor act. */
function renderButton(button: Button, number: number | undefined, state: RenderState): APIButtonComponent[] {
  const label = buttonLabel(button.label, number);
  if (button.url === undefined) {
    return [{ type: BUTTON, style: STYLE[button.style ?? 'secondary'], label, custom_id: uniqueCustomId(button.actionId, state) }];
  }
  const url = safeUrl(button.url, MAX_BUTTON_URL);
  return url === undefined ? [] : [{ type: BUTTON, style: LINK_STYLE, label, url }];
}

function renderActions(block: BlockOf<'actions'>, number: number | undefined, state: RenderState): APIButtonComponent[] {
  return block.buttons.flatMap((button) => renderButton(button, number, state));
}

/**
 * A segment's buttons in rows of five, the buttons of successive actions blocks sharing rows (a list's More joins
 * the last card's four buttons), so a list of five cards keeps to Discord's five rows and one message.
 */
function rowsOf(buttons: readonly APIButtonComponent[]): DiscordActionRow[] {
  const rows: DiscordActionRow[] = [];
  for (let i = 0; i < buttons.length; i += MAX_BUTTONS_PER_ROW) rows.push({ type: ACTION_ROW, components: buttons.slice(i, i + MAX_BUTTONS_PER_ROW) });
  return rows;
}

/** An embed being filled. Parts are shown in this order: title, description, fields, image, footer. */
interface Draft extends Title {
  description: string;
  fields: APIEmbedField[];
  image?: string;
  footer?: string;
}

function draftChars(draft: Draft): number {
  const fields = draft.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return (draft.title?.length ?? 0) + draft.description.length + fields + (draft.footer?.length ?? 0);
}

/** The embed being filled, or a new untitled one when `accepts` says the current one cannot take the next part. */
function target(drafts: Draft[], accepts: (draft: Draft) => boolean): Draft {
  const current = drafts[drafts.length - 1];
  if (current && accepts(current)) return current;
  const next: Draft = { description: '', fields: [] };
  drafts.push(next);
  return next;
}

/** A description paragraph; after fields, an image or a footer it starts a new embed, so the order stays. */
function addParagraph(drafts: Draft[], text: string): void {
  const joined = (draft: Draft): string => (draft.description === '' ? text : `${draft.description}${PARAGRAPH_GAP}${text}`);
  const draft = target(drafts, (d) =>
    d.fields.length === 0 && d.image === undefined && d.footer === undefined && joined(d).length <= MAX_EMBED_DESCRIPTION
    && draftChars(d) - d.description.length + joined(d).length <= MAX_EMBED_CHARS_PER_MESSAGE);
  draft.description = joined(draft);
}

function addField(drafts: Draft[], field: APIEmbedField): void {
  const draft = target(drafts, (d) =>
    d.image === undefined && d.footer === undefined && d.fields.length < MAX_EMBED_FIELDS
    && draftChars(d) + field.name.length + field.value.length <= MAX_EMBED_CHARS_PER_MESSAGE);
  draft.fields.push(field);
}

function addImage(drafts: Draft[], url: string): void {
  target(drafts, (d) => d.image === undefined && d.footer === undefined).image = url;
}

/**
 * Context after fields or an image becomes that embed's footer when it is plain text (a subtext paragraph there would
 * need a new embed); otherwise subtext lines in the description.
 */
function addContext(drafts: Draft[], block: BlockOf<'context'>): void {
  const current = drafts[drafts.length - 1]!;
  const footer = contextFooter(block);
  const closed = current.fields.length > 0 || current.image !== undefined;
  if (closed && footer !== undefined && current.footer === undefined && draftChars(current) + footer.length <= MAX_EMBED_CHARS_PER_MESSAGE) {
    current.footer = footer;
    return;
  }
  for (const line of renderContext(block)) addParagraph(drafts, line);
}

function toEmbed(draft: Draft): APIEmbed[] {
  const embed: APIEmbed = {};
  if (draft.title !== undefined) embed.title = draft.title;
  if (draft.url !== undefined && draft.title !== undefined) embed.url = draft.url;
  if (draft.description !== '') embed.description = draft.description;
  if (draft.fields.length > 0) embed.fields = draft.fields;
  if (draft.image !== undefined) embed.image = { url: draft.image };
  if (draft.footer !== undefined) embed.footer = { text: draft.footer };
  return embed.title === undefined && embed.description === undefined && embed.fields === undefined && embed.image === undefined ? [] : [embed];
}

/** Blocks from one heading (or the start, or a divider) to the next heading or divider. */
interface Segment {
  heading?: BlockOf<'heading'>;
  blocks: Block[];
}

/** What renders together: content (first unit only), embeds, and the rows of their buttons. */
interface Unit {
  content: string;
  embeds: APIEmbed[];
  rows: DiscordActionRow[];
}

/** Blocks cut into segments: a heading starts one, a divider ends one (and is not shown: embeds are apart anyway). */
function segmentsOf(blocks: readonly Block[]): Segment[] {
  const segments: Segment[] = [];
  let current: Segment = { blocks: [] };
  const close = (): void => {
    if (current.heading !== undefined || current.blocks.length > 0) segments.push(current);
  };
  for (const block of blocks) {
    if (block.kind === 'heading' || block.kind === 'divider') {
      close();
      current = block.kind === 'heading' ? { heading: block, blocks: [] } : { blocks: [] };
    } else current.blocks.push(block);
  }
  close();
  return segments;
}

/**
 * Card numbers, by segment: when two or more headed segments have buttons (a list of cards), every headed segment is
 * numbered 1, 2, … in order, in its title (`2. Title`) and on the buttons of its first actions block (`2 · Discuss`),
 * so a button says which card it acts on even when the cards are split over several messages. A later actions block
 * in the same segment (a list's More) belongs to the whole list and is not numbered.
 */
function cardNumbers(segments: readonly Segment[]): (number | undefined)[] {
  const hasButtons = (segment: Segment): boolean => segment.blocks.some((block) => block.kind === 'actions' && block.buttons.length > 0);
  const cards = segments.filter((segment) => segment.heading !== undefined && hasButtons(segment)).length;
  let number = 0;
  return segments.map((segment) => (cards >= 2 && segment.heading !== undefined ? (number += 1) : undefined));
}

/** A segment as embeds (a titled one, then untitled ones for what does not fit or would be out of order) and rows. */
function renderSegment(segment: Segment, number: number | undefined, state: RenderState): Unit {
  const drafts: Draft[] = [{ ...(segment.heading ? renderHeading(segment.heading, number) : {}), description: '', fields: [] }];
  const buttons: APIButtonComponent[] = [];
  let cardNumber = number;
  for (const block of segment.blocks) {
    switch (block.kind) {
      case 'text':
        for (const text of renderText(block)) addParagraph(drafts, text);
        break;
      case 'list':
        for (const text of renderList(block)) addParagraph(drafts, text);
        break;
      case 'context':
        addContext(drafts, block);
        break;
      case 'fields':
        for (const field of renderFields(block)) addField(drafts, field);
        break;
      case 'image': {
        const url = renderImage(block);
        if (url !== undefined) addImage(drafts, url);
        break;
      }
      case 'actions':
        buttons.push(...renderActions(block, cardNumber, state));
        cardNumber = undefined;
        break;
      case 'heading':
      case 'divider':
        break; // segment boundaries: see segmentsOf
      default: {
        const unknown: never = block;
        return unknown;
      }
    }
  }
  return { content: '', embeds: drafts.flatMap(toEmbed), rows: rowsOf(buttons) };
}

/**
 * The blocks before the first heading as message content, when they are only text, lists, context and buttons and
 * fit in it with room for the mention (a list's bold title and note); otherwise nothing, and they become an embed.
 */
function renderLead(segment: Segment, state: RenderState): Unit | undefined {
  if (segment.heading !== undefined || !segment.blocks.every((block) => CONTENT_KINDS.has(block.kind))) return undefined;
  const content = segment.blocks
    .flatMap((block) => (block.kind === 'text' ? renderText(block) : block.kind === 'list' ? renderList(block) : block.kind === 'context' ? renderContext(block) : []))
    .join(PARAGRAPH_GAP);
  if (content.length > MAX_CONTENT - MENTION_ROOM) return undefined;
  const rows = rowsOf(segment.blocks.flatMap((block) => (block.kind === 'actions' ? renderActions(block, undefined, state) : [])));
  return { content, embeds: [], rows };
}

function embedChars(embeds: readonly APIEmbed[]): number {
  return embeds.reduce(
    (sum, embed) => sum + (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0)
      + (embed.author?.name.length ?? 0) + (embed.fields ?? []).reduce((n, field) => n + field.name.length + field.value.length, 0),
    0,
  );
}

function fits(part: Unit, embeds: readonly APIEmbed[], rows: readonly DiscordActionRow[]): boolean {
  return part.embeds.length + embeds.length <= MAX_EMBEDS_PER_MESSAGE
    && embedChars(part.embeds) + embedChars(embeds) <= MAX_EMBED_CHARS_PER_MESSAGE
    && part.rows.length + rows.length <= MAX_ACTION_ROWS;
}

function isEmpty(unit: Unit): boolean {
  return unit.content === '' && unit.embeds.length === 0 && unit.rows.length === 0;
}

/**
 * Units packed into messages in order. A unit stays whole (its embeds with their buttons) and moves to the next
 * message when it does not fit; only a unit too big for any message is spread embed by embed, then row by row (its
 * rows follow its last embed).
 */
function pack(units: readonly Unit[]): Unit[] {
  const parts: Unit[] = [];
  let part: Unit = { content: '', embeds: [], rows: [] };
  const flush = (): void => {
    if (!isEmpty(part)) parts.push(part);
    part = { content: '', embeds: [], rows: [] };
  };
  for (const unit of units) {
    if (!fits(part, unit.embeds, unit.rows)) flush();
    if (unit.content !== '') part.content = unit.content;
    if (fits(part, unit.embeds, unit.rows)) {
      part.embeds.push(...unit.embeds);
      part.rows.push(...unit.rows);
      continue;
    }
    for (const embed of unit.embeds) {
      if (!fits(part, [embed], [])) flush();
      part.embeds.push(embed);
    }
    for (const row of unit.rows) {
      if (!fits(part, [], [row])) flush();
      part.rows.push(row);
    }
  }
  flush();
  return parts;
}

/** The ping of the message's one opt-in mention, or nothing when the id is not a snowflake. */
function mentionOf(mention: MentionTarget | undefined): { token: string; allowed: DiscordAllowedMentions } | undefined {
  if (mention === undefined || !SNOWFLAKE.test(mention.id)) return undefined;
  if (mention.kind === 'user') return { token: `<@${mention.id}>`, allowed: { parse: [], users: [mention.id] } };
  if (mention.kind === 'role') return { token: `<@&${mention.id}>`, allowed: { parse: [], roles: [mention.id] } };
  return undefined;
}

/** The fallback text as content, escaped and cut (with room for the mention). */
function fallbackUnit(message: OutgoingMessage): Unit {
  const content = renderPieces(cutPieces(toPieces([message.fallbackText]), MAX_CONTENT - MENTION_ROOM));
  return { content, embeds: [], rows: [] };
}

/**
 * Renders a message as one or more Discord messages, in order, each within every limit (content 2000; 10 embeds and
 * 6000 embed characters; title 256, description 4096, 25 fields of 256/1024, footer 2048; 5 rows of 5 buttons, labels
 * 80, custom ids 100 and unique), so Discord never rejects one.
 *
 * Layout: each heading starts an embed (its title, linked when the URL is http(s)); text, lists and context (as `-#`
 * subtext) fill its description, fields its fields, an image its image; a divider ends it; buttons go in rows of five
 * under the message holding the embed. What comes first without a heading becomes the content when it is only
 * text, lists and context and short enough (a list's title); otherwise an untitled embed. What does not fit, or
 * would show out of order (text after fields), continues in an untitled embed. Text is split, never dropped; titles,
 * field names and values, footers and labels are cut at a word with an ellipsis. In a list of cards, cards and their
 * buttons are numbered (see {@link cardNumbers}). Messages are cut between cards, keeping each card's embeds and
 * buttons together.
 *
 * All text is escaped with {@link escapeDiscordText}: markdown shows literally, and nothing can mention anyone;
 * only http(s) URLs become links. Every message has `allowed_mentions: { parse: [] }`; the message's `mention`, when
 * its id is a snowflake, starts the first message's content and is the only id allowed to ping. A message without
 * blocks (or whose blocks render to nothing) shows its fallback text. Visibility is the caller's business.
 */
export function renderDiscordMessages(message: OutgoingMessage): DiscordMessage[] {
  const state: RenderState = { used: new Set(), counts: new Map() };
  const segments = segmentsOf(message.blocks);
  const numbers = cardNumbers(segments);
  const units = segments.map((segment, index) => (index === 0 ? renderLead(segment, state) : undefined) ?? renderSegment(segment, numbers[index], state));
  const parts = pack(units.filter((unit) => !isEmpty(unit)));
  const body = parts.length > 0 ? parts : [fallbackUnit(message)];
  const mention = mentionOf(message.mention);
  return body.map((part, index): DiscordMessage => {
    const first = index === 0 && mention !== undefined;
    const content = first ? [mention.token, part.content].filter((text) => text !== '').join('\n') : part.content;
    return {
      content: isEmpty({ ...part, content }) ? EMPTY_CONTENT : content,
      embeds: part.embeds,
      components: part.rows,
      allowed_mentions: first ? mention.allowed : { parse: [] },
    };
  });
}
