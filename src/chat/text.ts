/*
 * Cutting text that leaves the bot, and cleaning what it must not carry. Text is cut between user-perceived
 * characters (grapheme clusters: an emoji with its modifiers, a letter with its accents), never inside a
 * surrogate pair or a cluster, and measured in UTF-16 units, which is never less than what any platform counts.
 */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** How far past a cut a grapheme cluster can reach (flags, family emoji, stacked marks): only this much is segmented. */
const CLUSTER_REACH = 64;

/** The longest prefix of whole grapheme clusters of `text` at most `max` UTF-16 units long. */
export function graphemePrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  // Between two characters below U+0300 (no combining mark, joiner or surrogate) there is always a cluster
  // boundary, except inside CR LF: the common case needs no segmenter.
  const before = text.charCodeAt(max - 1);
  const after = text.charCodeAt(max);
  if (max === 0 || (before < 0x300 && after < 0x300 && !(before === 13 && after === 10))) return text.slice(0, max);
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, max + CLUSTER_REACH))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** `text` cut at a word boundary to at most `max` UTF-16 units, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = graphemePrefix(text, Math.max(0, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** What someone typed, quoted back in a message: at most `max` units, cut anywhere (never inside a character). */
export function echo(text: string, max = 40): string {
  return text.length <= max ? text : `${graphemePrefix(text, max - 1)}…`;
}

/** Bidi embeddings, overrides and isolates, and the marks that steer them: they can make text read backwards. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text without bidi controls: for anything the bot posts, so a paper title cannot reverse what follows it. */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Text on one line: bidi controls removed, line breaks and other whitespace runs made one space (names, titles). */
export function singleLine(text: string): string {
  return withoutBidiControls(text).replace(/\s+/g, ' ').trim();
}
