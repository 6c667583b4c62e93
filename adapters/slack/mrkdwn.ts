/* Slack mrkdwn text: pieces of styled text, escaped, rendered, and cut or split to fit a limit. */
import type { Inline } from '../../src/chat/message.ts';
import { MAX_BUTTON_URL } from './limits.ts';

/**
 * `text` with Slack's three control characters replaced by their entities (`&amp;`, `&lt;`, `&gt;`) and nothing
 * else. After this no text can form a mention, channel link, special token or link.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

export type Style = 'bold' | 'italic' | 'code';

/** A run of raw (unescaped) text with one style; `pre` marks a multi-line code span, rendered as a ``` block. */
export interface Piece {
  text: string;
  style?: Style | undefined;
  url?: string | undefined;
  pre?: boolean | undefined;
}

const MARK: Record<Style, string> = { bold: '*', italic: '_', code: '`' };
/** C0 controls except tab and newline, and DEL: never useful in a message, and they bloat the JSON. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Split points for long text, best first: paragraphs, lines, sentences, words (then characters). */
const BOUNDARIES = [/\n[ \t]*\n/gu, /\n/gu, /[.!?]["'’”)\]]*[ \t]+/gu, /\s+/gu];
export const ELLIPSIS: Piece = { text: '…' };

export function clean(text: string): string {
  return text.replace(/\r\n?/gu, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

export function oneLine(text: string): string {
  return clean(text).replace(/\s+/gu, ' ').trim();
}

/**
 * A URL safe inside `<url|text>` and in `url` fields, or `undefined` when it is not an absolute http(s) URL or is
 * longer than `max`. `|`, `<`, `>` and whitespace are percent-encoded, so the URL cannot end the link token.
 */
export function safeUrl(raw: string, max: number): string | undefined {
  const url = clean(raw).trim().replace(/[\s|<>]/gu, (c) => encodeURIComponent(c));
  if (url.length > max || !/^https?:\/\//iu.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function toPieces(inline: readonly Inline[]): Piece[] {
  return inline.map((span): Piece => {
    if (typeof span === 'string') return { text: clean(span) };
    const url = span.url === undefined ? undefined : safeUrl(span.url, MAX_BUTTON_URL);
    const text = clean(span.text);
    const pre = span.style === 'code' && text.includes('\n');
    return { text: url !== undefined && text.trim() === '' ? url : text, style: span.style, url, pre };
  });
}

export function isPlain(piece: Piece): boolean {
  return piece.style === undefined && piece.url === undefined && piece.pre !== true;
}

/** One piece as mrkdwn. Styles wrap each line's text (whitespace stays outside the marks, as Slack requires). */
export function renderPiece(piece: Piece): string {
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
export function renderPieces(pieces: readonly Piece[]): string {
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

export function size(pieces: readonly Piece[]): number {
  return renderPieces(pieces).length;
}

/** One edge of a piece trimmed: whitespace, or only blank lines for preformatted code (keeps its indentation). */
export function trimEdge(piece: Piece, edge: 'start' | 'end'): string {
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
export function takeCodePoints(text: string, count: number): [string, string, number] {
  let index = 0;
  let taken = 0;
  while (taken < count && index < text.length) {
    index += text.codePointAt(index)! > 0xffff ? 2 : 1;
    taken += 1;
  }
  return [text.slice(0, index), text.slice(index), taken];
}

/** The first `count` code points of the pieces, and the rest. */
export function splitPiecesAt(pieces: readonly Piece[], count: number): [Piece[], Piece[]] {
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
export function longestPrefix(pieces: readonly Piece[], max: number, fits: (head: Piece[]) => boolean): number {
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
export function plainFirst(pieces: readonly Piece[]): Piece[] {
  const [first, ...rest] = pieces;
  return first ? [{ text: first.text }, ...rest] : [];
}

/** Splits pieces into runs of at most `max` rendered characters, mid-word: for text without any boundary left. */
export function hardSplit(pieces: readonly Piece[], max: number): Piece[][] {
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
export function splitAtBoundary(pieces: readonly Piece[], boundary: RegExp): Piece[][] {
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

/** Plain text (header, button, alt text) escaped and cut to `max` characters. */
export function plainText(text: string, max: number): string {
  return renderPieces(cutPieces([{ text: oneLine(text) }], max));
}

