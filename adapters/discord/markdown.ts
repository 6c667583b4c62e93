/*
 * Discord markdown: pieces of styled text, escaped so that text shows literally and can mention no one, rendered,
 * and cut or split to fit a limit. The pieces layer itself (cleaning, trimming, cutting and splitting) is
 * adapters/text-pieces.ts; this is Discord's escaping, marks, URL rule and renderer.
 */
import type { Inline } from '../../src/chat/message.ts';
import { clean, mergePieces, oneLine, piecesFor, safeUrl as safeUrlFor, sameStyle, trimPieces, type Piece as TextPiece, type Style } from '../text-pieces.ts';
import { MAX_URL } from './limits.ts';

export { oneLine, trimPieces };

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
/** A bare http(s) URL in text, up to whitespace or an angle bracket; {@link urlEnd} gives back trailing punctuation. */
const BARE_URL = /https?:\/\/[^\s<>]+/giu;
/** Punctuation that ends a sentence or a quote rather than a URL. */
const TRAILING_PUNCTUATION = /[.,:;!?"'\]]+$/u;

/**
 * How much of a bare URL is the URL: trailing punctuation belongs to the sentence, and so does a `)` that
 * closes a parenthesis opened before the URL; a `)` closing one opened inside it stays (`http://x.example/(paren)`).
 */
function urlEnd(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trimmed = url.replace(TRAILING_PUNCTUATION, '');
    const unbalanced = trimmed.endsWith(')') && trimmed.split('(').length < trimmed.split(')').length;
    const next = unbalanced ? trimmed.slice(0, -1) : trimmed;
    if (next === url) return url;
    url = next;
  }
}
/** Characters percent-encoded in URLs: they could end a masked link `[text](url)` or an autolink `<url>`. */
const URL_UNSAFE = /[\s()<>[\]\\"`]/gu;

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
    const url = urlEnd(match[0]);
    if (!/^https?:\/\/./iu.test(url)) continue;
    out += `${escapeMarkdownRun(text.slice(last, match.index))}<${url}>`;
    last = match.index + url.length;
  }
  return out + escapeMarkdownRun(text.slice(last));
}

/** Like {@link escapeDiscordText} but without autolinks: for titles, field names and the text of a masked link. */
export function escapeDiscordTitle(text: string): string {
  return escapeMarkdownRun(text);
}

/**
 * A run of raw (unescaped) text with one style. `pre` marks a multi-line code span (a ``` block); `raw` marks markup
 * the renderer made itself (list markers, card numbers), shown verbatim: never text from the message; `autolink:
 * false` keeps bare URLs unlinked (titles, field names).
 */
export interface Piece extends TextPiece {
  raw?: boolean | undefined;
  autolink?: false | undefined;
}

const MARK: Record<Style, string> = { bold: '**', italic: '*', code: '' };

/**
 * A URL usable in a masked link, an autolink or a `url` field, or `undefined` (see adapters/text-pieces.ts): whitespace,
 * brackets, parentheses, quotes and backslashes are percent-encoded, so the URL cannot end the link it is in.
 */
export function safeUrl(raw: string, max = MAX_URL): string | undefined {
  return safeUrlFor(raw, max, URL_UNSAFE);
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
  return sameStyle(a, b) && (a.raw === true) === (b.raw === true) && a.autolink === b.autolink;
}

/**
 * Pieces as markdown, neighbours of the same kind joined first. Where one styled piece ends with `*` and the next
 * starts with one (`**a**` then `*b*`), a zero-width space keeps the marks from running together.
 */
export function renderPieces(pieces: readonly Piece[]): string {
  let out = '';
  for (const piece of mergePieces(pieces, sameKind)) {
    const rendered = renderPiece(piece);
    out += out.endsWith('*') && rendered.startsWith('*') ? `${ZWSP}${rendered}` : rendered;
  }
  return out;
}

/**
 * Cutting and splitting measured in rendered markdown (see adapters/text-pieces.ts); a segment counts one character
 * more, room for the zero-width space {@link renderPieces} may put where two styled pieces meet.
 */
export const { size, chunkPieces, cutPieces } = piecesFor<Piece>({ render: renderPieces, isPlain, joinCost: 1 });

/** Text for places without markdown (button labels, footers): one line, mentions defused, cut to `max`. */
export function plainText(text: string, max: number): string {
  return renderPieces(cutPieces([{ text: neutralizeMentions(oneLine(text)), raw: true }], max));
}
