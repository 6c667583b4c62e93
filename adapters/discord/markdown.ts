/*
 * Discord markdown: pieces of styled text, escaped so that text shows literally and can mention no one, rendered,
 * and cut or split to fit a limit. (The piece algorithms mirror adapters/slack/mrkdwn.ts over Discord's syntax.)
 */
import type { Inline } from '../../src/chat/message.ts';
import { MAX_URL } from './limits.ts';

/** Zero-width space: invisible, but it breaks a mention token in two. */
export const ZWSP = '\u200B';

/** Characters that are markdown anywhere in a line: escape, bold/italic, underline, strike, code, spoiler, masked link. */
const MARKDOWN_CHAR = /[\\*_~`|[\]]/gu;
/** Characters that are markdown at the start of a line: heading (`#`), subtext (`-#`), list (`-`, `+`), quote (`>`). */
const LINE_MARKER = /^([ \t]*)([#>+-])/gmu;
/** A numbered-list marker at the start of a line: `1. `. */
const LINE_NUMBER = /^([ \t]*\d+)\.(?=[ \t]|$)/gmu;
/** `@everyone` and `@here` (matched in any case, to be safe). */
const MASS_MENTION = /@(?=everyone|here)/giu;
/** `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</cmd:id>`, `<:emoji:id>`, `<a:emoji:id>`, `<t:unix>`, `<id:guide>`. */
const ANGLE_TOKEN = /<(?=[@#/:]|[a-z]+:)/giu;
/** A bare http(s) URL in text, without trailing punctuation (the same rule as Discord's own auto-linking). */
const BARE_URL = /https?:\/\/[^\s<>]*[^\s<>.,:;"')\]]/giu;
/** C0 controls except tab and newline, and DEL: never useful in a message. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Characters percent-encoded in URLs: they could end a masked link `[text](url)` or an autolink `<url>`. */
const URL_UNSAFE = /[\s()<>[\]\\"`]/gu;
/** Split points for long text, best first: paragraphs, lines, sentences, words (then characters). */
const BOUNDARIES = [/\n[ \t]*\n/gu, /\n/gu, /[.!?]["'’”)\]]*[ \t]+/gu, /\s+/gu];

/**
 * `text` with every mention defused: a zero-width space after the `@` of `@everyone`/`@here` and after the `<` of
 * `<@…>`, `<@&…>`, `<#…>`, `</…>` and other `<x:…>` tokens. Nothing else changes: for plain-text places (button
 * labels, footers) that show no markdown.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(MASS_MENTION, `@${ZWSP}`).replace(ANGLE_TOKEN, `<${ZWSP}`);
}

function escapeMarkdownRun(text: string): string {
  const escaped = text.replace(MARKDOWN_CHAR, '\\$&').replace(LINE_MARKER, '$1\\$2').replace(LINE_NUMBER, '$1\\.');
  return neutralizeMentions(escaped);
}

/**
 * `text` as Discord markdown that shows it literally: markdown characters backslash-escaped (`\ * _ ~ ` | [ ]`
 * anywhere; `#`, `-`, `+`, `>` and `1.` at the start of a line) and mentions defused ({@link neutralizeMentions}).
 * Bare http(s) URLs become autolinks `<url>` (their characters are literal there, and `_` or `*` in a URL must not be
 * escaped). For text in descriptions, field values and content.
 */
export function escapeDiscordText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    out += `${escapeMarkdownRun(text.slice(last, match.index))}<${match[0]}>`;
    last = match.index + match[0].length;
  }
  return out + escapeMarkdownRun(text.slice(last));
}

/** Like {@link escapeDiscordText} but without autolinks: for titles, field names and the text of a masked link. */
export function escapeDiscordTitle(text: string): string {
  return escapeMarkdownRun(text);
}

export type Style = 'bold' | 'italic' | 'code';

/**
 * A run of raw (unescaped) text with one style. `pre` marks a multi-line code span (a ``` block); `raw` marks markup
 * the renderer made itself (list markers, card numbers), shown verbatim: never text from the message; `autolink:
 * false` keeps bare URLs unlinked (titles, field names).
 */
export interface Piece {
  text: string;
  style?: Style | undefined;
  url?: string | undefined;
  pre?: boolean | undefined;
  raw?: boolean | undefined;
  autolink?: false | undefined;
}

const MARK: Record<Style, string> = { bold: '**', italic: '*', code: '' };
export const ELLIPSIS: Piece = { text: '…' };

/** Line endings normalized, control characters dropped, lone surrogates replaced. */
export function clean(text: string): string {
  return text.replace(/\r\n?/gu, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Cleaned text on one line, whitespace collapsed. */
export function oneLine(text: string): string {
  return clean(text).replace(/\s+/gu, ' ').trim();
}

/** One character as UTF-8 percent escapes (also `(` and `)`, which `encodeURIComponent` leaves alone). */
function percentEncode(char: string): string {
  return encodeURIComponent(char).replace(/[()]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A URL usable in a masked link, an autolink or a `url` field, or `undefined` when it is not an absolute http(s)
 * URL with a host, or is longer than `max`. Whitespace, brackets, parentheses, quotes and backslashes are
 * percent-encoded, so the URL cannot end the link it is in.
 */
export function safeUrl(raw: string, max = MAX_URL): string | undefined {
  const url = clean(raw).trim().replace(URL_UNSAFE, percentEncode);
  if (url.length > max || !/^https?:\/\//iu.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Inline spans as pieces; a link without text shows its URL; an unusable URL leaves plain text. */
export function toPieces(inline: readonly Inline[]): Piece[] {
  return inline.map((span): Piece => {
    if (typeof span === 'string') return { text: clean(span) };
    const url = span.url === undefined ? undefined : safeUrl(span.url);
    const text = clean(span.text);
    if (url !== undefined && text.trim() === '') return { text: url };
    const pre = span.style === 'code' && text.includes('\n');
    return { text, style: span.style, url, pre };
  });
}

export function isPlain(piece: Piece): boolean {
  return piece.style === undefined && piece.url === undefined && piece.pre !== true && piece.raw !== true;
}

function escapePiece(piece: Piece, text: string): string {
  return piece.autolink === false ? escapeDiscordTitle(text) : escapeDiscordText(text);
}

/** Code as an inline code span; text with a backtick cannot be one, so it is shown escaped instead. */
function inlineCode(text: string): string {
  if (text.trim() === '') return text;
  return text.includes('`') ? escapeDiscordText(text) : `\`${neutralizeMentions(text)}\``;
}

/** Multi-line code as a ``` block (its first line left empty, so no line is taken for a language name). */
function codeBlock(text: string): string {
  const body = text.replace(/^\n+|\n+$/gu, '');
  if (body.trim() === '') return '';
  return body.includes('```') ? escapeDiscordText(body) : `\`\`\`\n${neutralizeMentions(body)}\n\`\`\``;
}

/**
 * One piece as markdown. Styles and links wrap each line's text (whitespace stays outside the marks, or Discord
 * would not apply them); link text is one line. Code cannot hold a link, so a code link is a plain link.
 */
export function renderPiece(piece: Piece): string {
  if (piece.raw === true) return piece.text;
  if (piece.pre === true) return codeBlock(piece.text);
  if (piece.style === 'code' && piece.url === undefined) return inlineCode(piece.text);
  if (isPlain(piece)) return escapePiece(piece, piece.text);
  const mark = piece.style === undefined ? '' : MARK[piece.style];
  const text = piece.url === undefined ? piece.text : piece.text.replace(/\s*\n\s*/gu, ' ');
  return text
    .split('\n')
    .map((line) => {
      const core = line.trim();
      if (core === '') return line;
      const start = line.indexOf(core);
      const inner = piece.url === undefined ? escapePiece(piece, core) : `[${escapeDiscordTitle(core)}](${piece.url})`;
      return `${line.slice(0, start)}${mark}${inner}${mark}${line.slice(start + core.length)}`;
    })
    .join('\n');
}

function sameKind(a: Piece, b: Piece): boolean {
  return a.style === b.style && a.url === b.url && (a.pre === true) === (b.pre === true) && (a.raw === true) === (b.raw === true) && a.autolink === b.autolink;
}

/**
 * Pieces as markdown, neighbours of the same kind joined first. Where one styled piece ends with `*` and the next
 * starts with one (`**a**` then `*b*`), a zero-width space keeps the marks from running together.
 */
export function renderPieces(pieces: readonly Piece[]): string {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (piece.text === '') continue;
    if (last && sameKind(last, piece)) merged[merged.length - 1] = { ...last, text: last.text + piece.text };
    else merged.push(piece);
  }
  let out = '';
  for (const piece of merged) {
    const rendered = renderPiece(piece);
    out += out.endsWith('*') && rendered.startsWith('*') ? `${ZWSP}${rendered}` : rendered;
  }
  return out;
}

export function size(pieces: readonly Piece[]): number {
  return renderPieces(pieces).length;
}

/** One edge of a piece trimmed: whitespace, or only blank lines for preformatted code (keeps its indentation). */
function trimEdge(piece: Piece, edge: 'start' | 'end'): string {
  if (piece.pre !== true) return edge === 'start' ? piece.text.trimStart() : piece.text.trimEnd();
  if (piece.text.trim() === '') return '';
  return piece.text.replace(edge === 'start' ? /^\n+/u : /\n+$/u, '');
}

/** Pieces without leading or trailing whitespace and without empty pieces. */
export function trimPieces(pieces: readonly Piece[]): Piece[] {
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

/** The largest code-point count, at most `max`, whose prefix `fits` (binary search: longer never renders shorter). */
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

/** Pieces with the first one made plain: the last resort when not even one character of it fits (a huge link). */
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
 * sum of their rendered sizes plus one each (room for a zero-width space where two styled pieces meet), which is
 * never less than the size of the joined chunk; a chunk is still measured whole before it is kept.
 */
export function chunkPieces(pieces: readonly Piece[], max: number, level = 0): Piece[][] {
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
    if (chunk.length > 0) chunks.push(...(size(chunk) <= max ? [chunk] : hardSplit(chunk, max)));
    current = [];
    used = 0;
  };
  for (const segment of splitAtBoundary(whole, boundary)) {
    const length = size(segment) + 1;
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
export function cutPieces(pieces: readonly Piece[], max: number): Piece[] {
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

/** Text for places without markdown (button labels, footers): one line, mentions defused, cut to `max`. */
export function plainText(text: string, max: number): string {
  return renderPieces(cutPieces([{ text: neutralizeMentions(oneLine(text)), raw: true }], max));
}
