/* Hygiene for everything people type, before it is parsed. */

/** The longest command line accepted. */
export const MAX_INPUT_CHARS = 2000;

/** C0 and C1 controls (tab and newline become spaces), bidi embeddings, overrides and isolates. */
const CONTROL_OR_BIDI = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Invisible characters that split or disguise a word: zero-width space, word joiner, BOM, soft hyphen. */
const INVISIBLE = /[\u00ad\u180e\u200b\u2060\ufeff]/g;

/**
 * Text as typed, made safe to parse: Unicode normalized (NFC), control, bidi and invisible characters
 * removed (they can disguise or break text), tabs and newlines made spaces. Zero-width joiners stay (some
 * scripts and emoji need them).
 */
export function cleanInput(text: string): string {
  return text
    .normalize('NFC')
    .replace(CONTROL_OR_BIDI, '')
    .replace(INVISIBLE, '')
    .replace(/[\t\n]+/g, ' ')
    .trim();
}

/** A command name as typed, ready for lookup: cleaned, without any invisible formatting character, lower-case. */
export function cleanCommandName(name: string): string {
  return cleanInput(name).replace(/\p{Cf}/gu, '').toLowerCase();
}
