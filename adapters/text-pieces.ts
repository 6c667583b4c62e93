/*
 * Pieces of styled text, the platform-independent part of the chat renderers (Slack mrkdwn in
 * adapters/slack/mrkdwn.ts, Discord markdown in adapters/discord/markdown.ts): cleaning text, trimming pieces, and
 * cutting or splitting them to fit a limit measured in rendered characters. How a piece is escaped and rendered is
 * the platform's, so the functions that measure come from {@link piecesFor}, bound to the platform's renderer.
 */
import { withoutBidiControls } from '../src/chat/text.ts';

export type Style = 'bold' | 'italic' | 'code';

/**
 * A run of raw (unescaped) text with one style; `pre` marks a multi-line code span, rendered as a ``` block. A
 * platform may add optional fields of its own (the functions here keep them on every piece they cut).
 */
export interface Piece {
  text: string;
  style?: Style | undefined;
  url?: string | undefined;
  pre?: boolean | undefined;
}

/** C0 controls except tab and newline, and DEL: never useful in a message, and they bloat the JSON. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Split points for long text, best first: paragraphs, lines, sentences, words (then characters). */
const BOUNDARIES = [/\n[ \t]*\n/gu, /\n/gu, /[.!?]["'’”)\]]*[ \t]+/gu, /\s+/gu];

/** The piece that ends text cut by {@link PieceLimits.cutPieces}. */
export const ELLIPSIS: Piece = { text: '…' };

/** Line endings normalized, control and bidi characters dropped (no title can reverse what follows it), lone surrogates replaced. */
export function clean(text: string): string {
  return withoutBidiControls(text.replace(/\r\n?/gu, '\n').replace(CONTROL, '')).replace(LONE_SURROGATE, '\uFFFD');
}

/** One character as UTF-8 percent escapes (also `(` and `)`, which `encodeURIComponent` leaves alone). */
function percentEncode(char: string): string {
  return encodeURIComponent(char).replace(/[()]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A URL usable in a platform's link syntax and URL fields, or `undefined` when it is not an absolute http(s)
 * URL with a host, or is longer than `max`. The characters of `unsafe` (those that could end the link it is in,
 * which differ by platform) are percent-encoded.
 */
export function safeUrl(raw: string, max: number, unsafe: RegExp): string | undefined {
  const url = clean(raw).trim().replace(unsafe, percentEncode);
  if (url.length > max || !/^https?:\/\//iu.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Cleaned text on one line, whitespace collapsed. */
export function oneLine(text: string): string {
  return clean(text).replace(/\s+/gu, ' ').trim();
}

/** Whether two pieces have the same style, link and `pre`, so that they render as one when joined. */
export function sameStyle(a: Piece, b: Piece): boolean {
  return a.style === b.style && a.url === b.url && (a.pre === true) === (b.pre === true);
}

/** Pieces without empty ones, neighbours that `same` says are of one kind joined into one piece (for rendering). */
export function mergePieces<P extends Piece>(pieces: readonly P[], same: (a: P, b: P) => boolean): P[] {
  const merged: P[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (piece.text === '') continue;
    if (last && same(last, piece)) merged[merged.length - 1] = { ...last, text: last.text + piece.text };
    else merged.push(piece);
  }
  return merged;
}

/** One edge of a piece trimmed: whitespace, or only blank lines for preformatted code (keeps its indentation). */
export function trimEdge(piece: Piece, edge: 'start' | 'end'): string {
  if (piece.pre !== true) return edge === 'start' ? piece.text.trimStart() : piece.text.trimEnd();
  if (piece.text.trim() === '') return '';
  return piece.text.replace(edge === 'start' ? /^\n+/u : /\n+$/u, '');
}

/** Pieces without leading or trailing whitespace and without empty pieces. */
export function trimPieces<P extends Piece>(pieces: readonly P[]): P[] {
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
export function splitPiecesAt<P extends Piece>(pieces: readonly P[], count: number): [P[], P[]] {
  const head: P[] = [];
  const tail: P[] = [];
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
export function longestPrefix<P extends Piece>(pieces: readonly P[], max: number, fits: (head: P[]) => boolean): number {
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

/**
 * Pieces with the first one made plain (its text only): the last resort when not even one character of it fits (a
 * huge link). (A platform's piece type only adds optional fields, so the text alone is one of its pieces.)
 */
export function plainFirst<P extends Piece>(pieces: readonly P[]): P[] {
  const [first, ...rest] = pieces;
  return first ? [{ text: first.text } as P, ...rest] : [];
}

/** Pieces cut into segments after each match of `boundary` (the boundary stays at the end of its segment). */
export function splitAtBoundary<P extends Piece>(pieces: readonly P[], boundary: RegExp): P[][] {
  const segments: P[][] = [];
  let current: P[] = [];
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

/** What {@link piecesFor} needs to know of a platform. */
export interface PieceRenderer<P extends Piece> {
  /** Pieces as the platform's markup: what limits are measured on. */
  render: (pieces: readonly P[]) => string;
  /** Whether a piece renders as its escaped text alone (no style, link or markup); the others can be made plain. */
  isPlain: (piece: P) => boolean;
  /**
   * Characters the renderer may add where two pieces meet (Discord: a zero-width space between `*` marks), counted
   * once a segment when segments are packed into chunks. Default 0: joining pieces never renders longer.
   */
  joinCost?: number;
}

/** The measuring half of the pieces layer, bound to one platform's renderer by {@link piecesFor}. */
export interface PieceLimits<P extends Piece> {
  /** The rendered length of the pieces. */
  size: (pieces: readonly P[]) => number;
  /** Splits pieces into runs of at most `max` rendered characters, mid-word: for text without any boundary left. */
  hardSplit: (pieces: readonly P[], max: number) => P[][];
  /**
   * Splits pieces into chunks that each render to at most `max` characters, preferring paragraph, then line, then
   * sentence, then word boundaries; a word is cut only when it alone is longer than `max`. Segments are packed by the
   * sum of their rendered sizes plus `joinCost` each, which is never less than the size of the joined chunk; with a
   * `joinCost` the chunk is still measured whole before it is kept.
   */
  chunkPieces: (pieces: readonly P[], max: number) => P[][];
  /** Pieces cut to at most `max` rendered characters, at a word where possible, with an ellipsis when cut. */
  cutPieces: (pieces: readonly P[], max: number) => P[];
}

/** The {@link PieceLimits} of one platform: sizes, splits and cuts measured with its renderer. */
export function piecesFor<P extends Piece>({ render, isPlain, joinCost = 0 }: PieceRenderer<P>): PieceLimits<P> {
  const size = (pieces: readonly P[]): number => render(pieces).length;

  const hardSplit = (pieces: readonly P[], max: number): P[][] => {
    const chunks: P[][] = [];
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
  };

  const chunkPieces = (pieces: readonly P[], max: number, level = 0): P[][] => {
    const whole = trimPieces(pieces);
    if (whole.length === 0) return [];
    if (size(whole) <= max) return [whole];
    const boundary = BOUNDARIES[level];
    if (boundary === undefined) return hardSplit(whole, max);
    const chunks: P[][] = [];
    let current: P[] = [];
    let used = 0;
    const flush = (): void => {
      const chunk = trimPieces(current);
      if (chunk.length > 0) chunks.push(...(joinCost === 0 || size(chunk) <= max ? [chunk] : hardSplit(chunk, max)));
      current = [];
      used = 0;
    };
    for (const segment of splitAtBoundary(whole, boundary)) {
      const length = size(segment) + joinCost;
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
  };

  const cutPieces = (pieces: readonly P[], max: number): P[] => {
    let whole = trimPieces(pieces);
    if (size(whole) <= max) return whole;
    const withEllipsis = (head: readonly P[]): P[] => [...trimPieces(head), ELLIPSIS as P];
    let count = longestPrefix(whole, max, (head) => size(withEllipsis(head)) <= max);
    while (count === 0 && whole[0] && !isPlain(whole[0])) {
      whole = plainFirst(whole);
      count = longestPrefix(whole, max, (head) => size(withEllipsis(head)) <= max);
    }
    const kept = Array.from(splitPiecesAt(whole, count)[0].map((piece) => piece.text).join(''));
    const space = kept.findLastIndex((char) => /\s/u.test(char));
    if (space > count * 0.6) count = space;
    return withEllipsis(splitPiecesAt(whole, count)[0]);
  };

  return { size, hardSplit, chunkPieces: (pieces, max) => chunkPieces(pieces, max), cutPieces };
}
