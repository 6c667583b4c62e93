/* Converts neutral `OutgoingMessage`s into terminal text (ANSI-styled or plain) with numbered button choices. */
import type { Block, Button, Inline, OutgoingMessage } from '../../src/chat/message.ts';

/** Options for {@link renderMessage}. */
export interface ShellRenderOptions {
  /** Add ANSI styles. Without it the output contains no escape codes at all. */
  color: boolean;
  /** Column to word-wrap at; defaults to {@link DEFAULT_WIDTH}. */
  width?: number;
  /** Number of the first action button (default 1), so a caller can number buttons across several messages. */
  firstButtonNumber?: number;
}

/**
 * An action button the user picks by typing its number. Link buttons are never returned: they are printed
 * as `label <url>` and take no number.
 */
export interface ShellChoice {
  /** The number shown as `[n]`. */
  number: number;
  /** The button's opaque action id, to hand back to the dispatcher. */
  actionId: string;
  /** The sanitized label, as printed. */
  label: string;
}

/** A rendered message: the text to print and the numbered choices it offers. */
export interface RenderedShellMessage {
  /** The message text, blocks separated by single newlines, without trailing blank lines. */
  text: string;
  /** The numbered action buttons, in printed order. */
  buttons: ShellChoice[];
}

/** Default wrap width in columns. */
export const DEFAULT_WIDTH = 100;

/** C0 controls except `\n` and `\t`, DEL, C1 controls, and the Unicode bidi controls (embeddings, overrides, isolates, marks). */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** Our own SGR codes; after sanitizing, the only escapes in the output. */
const SGR_CODE = /\u001b\[[0-9;]*m/gu;

/**
 * `text` without any character a terminal could act on: every C0/C1 control character except newline and tab
 * (so ESC, CR, BEL, NUL and the 8-bit CSI are gone), DEL, and the bidi controls (U+202A–U+202E, U+2066–U+2069, the marks).
 * Apply it to untrusted text before adding any escape codes of our own.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, '');
}

/** The sanitized `fallbackText` of a message, without trailing whitespace; for messages without blocks. */
export function renderFallback(message: OutgoingMessage): string {
  return sanitizeForTerminal(message.fallbackText).trimEnd();
}

type Style = 'bold' | 'italic' | 'code' | 'dim' | 'red';

const SGR: Record<Style, readonly [open: string, close: string]> = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  italic: ['\u001b[3m', '\u001b[23m'],
  code: ['\u001b[36m', '\u001b[39m'],
  red: ['\u001b[31m', '\u001b[39m'],
};

/** A run of sanitized text with at most one style. */
interface Piece {
  text: string;
  style?: Style | undefined;
}

/** Pieces with no whitespace between them: the unit that wrapping never breaks. */
type Word = Piece[];

interface Context {
  color: boolean;
  width: number;
}

type BlockOf<K extends Block['kind']> = Extract<Block, { kind: K }>;

function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || style === undefined || text === '') return text;
  const [open, close] = SGR[style];
  return `${open}${text}${close}`;
}

/** Width in columns, counting code points and ignoring our SGR codes. */
function visibleWidth(text: string): number {
  return [...text.replace(SGR_CODE, '')].length;
}

/** Sanitized text on one line (newlines and tabs become spaces). */
function oneLine(text: string): string {
  return sanitizeForTerminal(text).replace(/\s+/gu, ' ').trim();
}

/** A sanitized URL; whitespace, which a URL cannot contain, is percent-encoded so it stays one word. */
function cleanUrl(url: string): string {
  return sanitizeForTerminal(url).trim().replace(/\s/gu, (c) => encodeURIComponent(c));
}

/** One inline span as pieces; a link shows as `text <url>`, or just the URL when the text is the URL. */
function spanPieces(span: Inline, muted: boolean): Piece[] {
  if (typeof span === 'string') return [{ text: sanitizeForTerminal(span), style: muted ? 'dim' : undefined }];
  const text = sanitizeForTerminal(span.text);
  const style = muted ? 'dim' : span.style;
  if (span.url === undefined) return [{ text, style }];
  const url = cleanUrl(span.url);
  if (text.trim() === '' || text.trim() === url) return [{ text: url, style: muted ? 'dim' : undefined }];
  return [{ text, style }, { text: ` <${url}>`, style: 'dim' }];
}

/** Inline spans as pieces; `muted` dims everything (span styles are dropped, since bold would end the dim). */
function inlinePieces(inline: readonly Inline[], muted = false): Piece[] {
  return inline.flatMap((span) => spanPieces(span, muted));
}

/** Splits pieces into paragraphs (at newlines) of words (at spaces and tabs). */
function paragraphs(pieces: readonly Piece[]): Word[][] {
  const result: Word[][] = [];
  let paragraph: Word[] = [];
  let word: Word = [];
  const endWord = (): void => {
    if (word.length > 0) paragraph.push(word);
    word = [];
  };
  for (const piece of pieces) {
    for (const part of piece.text.split(/(\n|[ \t]+)/u)) {
      if (part === '') continue;
      if (part === '\n') {
        endWord();
        result.push(paragraph);
        paragraph = [];
      } else if (/^[ \t]+$/u.test(part)) endWord();
      else word.push({ text: part, style: piece.style });
    }
  }
  endWord();
  result.push(paragraph);
  return result;
}

/**
 * Word-wraps pieces to `width` without breaking words (a word longer than the width gets a line of its own).
 * The first line starts with `first`, every other line with `rest`; both are plain text.
 */
function wrap(pieces: readonly Piece[], ctx: Context, first = '', rest = first): string[] {
  const lines: string[] = [];
  for (const words of paragraphs(pieces)) {
    let line = lines.length === 0 ? first : rest;
    let used = visibleWidth(line);
    let empty = true;
    for (const word of words) {
      const wordWidth = word.reduce((sum, piece) => sum + visibleWidth(piece.text), 0);
      if (!empty && used + 1 + wordWidth > ctx.width) {
        lines.push(line);
        line = rest;
        used = visibleWidth(rest);
        empty = true;
      }
      line += (empty ? '' : ' ') + word.map((piece) => paint(piece.text, piece.style, ctx.color)).join('');
      used += (empty ? 0 : 1) + wordWidth;
      empty = false;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

function renderHeading(block: BlockOf<'heading'>, ctx: Context): string {
  const pieces: Piece[] = [{ text: oneLine(block.text), style: 'bold' }];
  if (block.url !== undefined) pieces.push({ text: ` (${cleanUrl(block.url)})`, style: 'dim' });
  return wrap(pieces, ctx).join('\n');
}

function renderText(block: BlockOf<'text'>, ctx: Context): string {
  const [only] = block.text;
  // A multi-line code span (a BibTeX entry) is preformatted: its lines and indentation are kept as they are.
  if (block.text.length === 1 && typeof only === 'object' && only.style === 'code' && only.text.includes('\n')) {
    return only.text.split('\n').map((line) => paint(sanitizeForTerminal(line).trimEnd(), 'code', ctx.color)).join('\n');
  }
  return wrap(inlinePieces(block.text), ctx).join('\n');
}

function renderFields(block: BlockOf<'fields'>, ctx: Context): string {
  return block.fields
    .map((field) => {
      const label: Piece = { text: `${oneLine(field.label)}:`, style: 'bold' };
      return wrap([label, { text: ' ' }, ...inlinePieces(field.value)], ctx, '', '  ').join('\n');
    })
    .join('\n');
}

function renderList(block: BlockOf<'list'>, ctx: Context): string {
  return block.items
    .map((item, index) => {
      const marker = block.ordered === true ? `${index + 1}. ` : '• ';
      return wrap(inlinePieces(item), ctx, marker, ' '.repeat(marker.length)).join('\n');
    })
    .join('\n');
}

function renderDivider(ctx: Context): string {
  return ctx.color ? paint('─'.repeat(ctx.width), 'dim', true) : '-'.repeat(ctx.width);
}

function renderContext(block: BlockOf<'context'>, ctx: Context): string {
  return wrap(inlinePieces(block.text, true), ctx).join('\n');
}

function renderImage(block: BlockOf<'image'>, ctx: Context): string {
  const alt = oneLine(block.alt);
  const label: Piece = { text: alt === '' ? '[image]' : `[image: ${alt}]`, style: 'dim' };
  return wrap([label, { text: ` ${cleanUrl(block.url)}` }], ctx).join('\n');
}

/** One printed choice: `[n] label` for an action, `label <url>` for a link button. */
function renderChoice(button: Button, number: number, ctx: Context): string {
  const label = oneLine(button.label);
  if (button.url !== undefined) {
    const url = paint(`<${cleanUrl(button.url)}>`, 'dim', ctx.color);
    return label === '' ? url : `${label} ${url}`;
  }
  const style = button.style === 'primary' ? 'bold' : button.style === 'danger' ? 'red' : undefined;
  return `${paint(`[${number}]`, 'bold', ctx.color)} ${paint(label, style, ctx.color)}`;
}

/** Choices separated by two spaces, wrapped to the width between (never inside) choices. */
function packChoices(choices: readonly string[], ctx: Context): string {
  const lines: string[] = [];
  let line = '';
  for (const choice of choices) {
    if (line !== '' && visibleWidth(line) + 2 + visibleWidth(choice) > ctx.width) {
      lines.push(line);
      line = '';
    }
    line += (line === '' ? '' : '  ') + choice;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** Buttons as numbered choices from `firstNumber`; link buttons show their URL and take no number. */
function renderActions(block: BlockOf<'actions'>, ctx: Context, firstNumber: number): RenderedShellMessage {
  const choices: string[] = [];
  const buttons: ShellChoice[] = [];
  for (const button of block.buttons) {
    const number = firstNumber + buttons.length;
    choices.push(renderChoice(button, number, ctx));
    if (button.url === undefined) buttons.push({ number, actionId: button.actionId, label: oneLine(button.label) });
  }
  return { text: packChoices(choices, ctx), buttons };
}

function renderBlock(block: Exclude<Block, { kind: 'actions' }>, ctx: Context): string {
  switch (block.kind) {
    case 'heading':
      return renderHeading(block, ctx);
    case 'text':
      return renderText(block, ctx);
    case 'fields':
      return renderFields(block, ctx);
    case 'list':
      return renderList(block, ctx);
    case 'divider':
      return renderDivider(ctx);
    case 'context':
      return renderContext(block, ctx);
    case 'image':
      return renderImage(block, ctx);
    default: {
      const unknown: never = block;
      return unknown;
    }
  }
}

/** A block's text without leading or trailing blank lines. */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/u, '').trimEnd();
}

/**
 * Renders a message for a terminal: one small renderer per block kind, blocks separated by single newlines,
 * paragraphs word-wrapped to `width` (ANSI codes not counted), and every untrusted string passed through
 * {@link sanitizeForTerminal} before styling. Action buttons become `[n] label` choices numbered from
 * `firstButtonNumber` and are returned in `buttons`; link buttons print `label <url>`, take no number and are
 * not returned. Visibility is not shown. When the blocks render nothing, the wrapped fallback text is used.
 */
export function renderMessage(message: OutgoingMessage, options: ShellRenderOptions): RenderedShellMessage {
  const ctx: Context = { color: options.color, width: Math.max(1, Math.floor(options.width ?? DEFAULT_WIDTH)) };
  const parts: string[] = [];
  const buttons: ShellChoice[] = [];
  // The one mention a message may carry (a subscription's opt-in ping), shown as who would be pinged.
  if (message.mention) parts.push(paint(`@${message.mention.kind} ${oneLine(message.mention.id)}`, 'bold', ctx.color));
  for (const block of message.blocks) {
    if (block.kind === 'actions') {
      const rendered = renderActions(block, ctx, (options.firstButtonNumber ?? 1) + buttons.length);
      parts.push(rendered.text);
      buttons.push(...rendered.buttons);
    } else parts.push(renderBlock(block, ctx));
  }
  const text = parts.map(tidy).filter((part) => part !== '').join('\n');
  if (text !== '' || buttons.length > 0) return { text, buttons };
  return { text: tidy(wrap([{ text: renderFallback(message) }], ctx).join('\n')), buttons: [] };
}
