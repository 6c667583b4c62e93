/*
 * Slack mrkdwn text: pieces of styled text escaped, rendered, and cut or split to fit a limit. The pieces layer
 * itself (cleaning, trimming, cutting and splitting) is adapters/text-pieces.ts; this is Slack's escaping, marks, URL
 * rule and renderer.
 */
import type { Inline } from '../../src/chat/message.ts';
import { clean, mergePieces, oneLine, piecesFor, safeUrl as safeUrlFor, sameStyle, trimPieces, type Piece, type Style } from '../text-pieces.ts';
import { MAX_BUTTON_URL } from './limits.ts';

export { clean, oneLine, trimPieces, type Piece };

/**
 * `text` with Slack's three control characters replaced by their entities (`&amp;`, `&lt;`, `&gt;`) and nothing
 * else. After this no text can form a mention, channel link, special token or link.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

const MARK: Record<Style, string> = { bold: '*', italic: '_', code: '`' };

/**
 * A URL safe inside `<url|text>` and in `url` fields, or `undefined` (see adapters/text-pieces.ts): `|`, `<`, `>` and
 * whitespace are percent-encoded, so the URL cannot end the link token.
 */
export function safeUrl(raw: string, max: number): string | undefined {
  return safeUrlFor(raw, max, /[\s|<>]/gu);
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
  return mergePieces(pieces, sameStyle).map(renderPiece).join('');
}

/** Cutting and splitting measured in rendered mrkdwn (see adapters/text-pieces.ts). */
export const { size, chunkPieces, cutPieces } = piecesFor<Piece>({ render: renderPieces, isPlain });

/** Plain text (header, button, alt text) escaped and cut to `max` characters. */
export function plainText(text: string, max: number): string {
  return renderPieces(cutPieces([{ text: oneLine(text) }], max));
}

