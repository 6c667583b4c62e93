/*
 * The pure text-argument parser every platform goes through: `/papers search "optimal transport"
 * since:7d author:"Yann LeCun"` → words and `key:value` options. The terminal and Slack pass the typed line;
 * Discord's typed options are turned back into a line first (adapters/discord/command-schema.ts).
 */
import { editDistance } from '../../src/util/edit-distance.ts';

/** What a command line holds: free words (quoted phrases kept whole) and `key:value` options. */
export interface ParsedArgs {
  /** Free words in order; a quoted phrase is one word, quotes removed. */
  words: string[];
  /** Options by name (the first one, when repeated). */
  options: Record<string, string>;
  /** `key:value` tokens whose key is not an option of the command. */
  unknownOptions: string[];
  /** Options given more than once (the dispatcher refuses them rather than guess which was meant). */
  repeatedOptions: string[];
}

const OPENING_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };

/** One token of a command line; `phrase` when it began with a quote (then it is always a word). */
export interface Token {
  text: string;
  phrase: boolean;
}

/** Splits a line into tokens; quotes group words; `key:"a b"` stays one token. */
export function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  let current = '';
  let quote: string | undefined;
  let inToken = false;
  let phrase = false;
  for (const char of line) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else current += char;
      continue;
    }
    const closing = OPENING_QUOTES[char];
    if (closing !== undefined && (current === '' || current.endsWith(':'))) {
      if (!inToken) phrase = true;
      quote = closing;
      inToken = true;
      continue;
    }
    if (/\s/.test(char)) {
      if (inToken) tokens.push({ text: current, phrase });
      current = '';
      inToken = false;
      phrase = false;
      continue;
    }
    current += char;
    inToken = true;
  }
  if (inToken) tokens.push({ text: current, phrase });
  return tokens;
}

/** Prefixes that look like `key:` but are part of a paper reference, never options. */
const REFERENCE_PREFIXES = new Set(['http', 'https', 'arxiv', 'oai']);

/**
 * Parses a command line. A token `key:value` is an option when `key` is one of `knownOptions`; a
 * lower-case `key:` that is not (and not a URL or `arXiv:` prefix) is reported in `unknownOptions`;
 * anything else is a word.
 */
export function parseArgs(line: string, knownOptions: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { words: [], options: {}, unknownOptions: [], repeatedOptions: [] };
  for (const { text: token, phrase } of tokenizeLine(line)) {
    const match = phrase ? null : /^([a-z][a-z-]*):(.*)$/s.exec(token);
    const key = match?.[1];
    if (!match || key === undefined || REFERENCE_PREFIXES.has(key.toLowerCase()) || match[2]!.startsWith('//')) {
      parsed.words.push(token);
    } else if (knownOptions.includes(key)) {
      if (key in parsed.options) parsed.repeatedOptions.push(key);
      else parsed.options[key] = match[2]!;
    } else {
      parsed.unknownOptions.push(key);
    }
  }
  return parsed;
}

/** The candidate closest to `word` (by edit distance, or as a prefix), if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const prefixOfOther = (candidate.startsWith(lower) || lower.startsWith(candidate)) && Math.min(lower.length, candidate.length) >= 2;
    const distance = prefixOfOther ? 0.5 : editDistance(lower, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined;
}

/** Quotes a word when it would not survive {@link tokenizeLine} as one word. */
function quoted(word: string): string {
  return /[\s:"'“‘«]/.test(word) ? `"${word.replace(/"/g, '')}"` : word;
}

/** The inverse of {@link parseArgs}: words and options back to a line that parses to the same. */
export function commandLine(words: readonly string[], options: Record<string, string>): string {
  return [...words.map(quoted), ...Object.entries(options).map(([key, value]) => `${key}:${quoted(value)}`)].join(' ');
}
