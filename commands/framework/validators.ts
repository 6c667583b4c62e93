/*
 * The kinds of arguments and options commands declare, each with its validator (zod, with messages that
 * say what to type instead), its example and its place in the usage line. A command's arguments and
 * options are built from these, once; the dispatcher does the checking.
 */
import { z } from 'zod';
import { UserError } from '../../src/chat/errors.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import type { Papers } from '../../src/library/papers.ts';
import { parseMention } from '../../src/chat/mentions.ts';
import type { MentionTarget } from '../../src/chat/message.ts';
import { closest } from './args.ts';
import { echo } from '../../src/chat/text.ts';
import type { ArgumentSpec, OptionSpec, ValueContext } from './command-spec.ts';
import { missingFacts } from '../presenters/bundled.ts';
import { either } from '../presenters/english.ts';

/** The longest search query or paper reference accepted. */
export const MAX_QUERY_CHARS = 300;

/** Text that must hold some letters or digits and not be too long; `what` says what it is for the messages. */
export function wordsSchema(what: string, example: string): z.ZodType<string, string> {
  return z
    .string()
    .trim()
    .min(1, `Type ${what}, e.g. ${example}`)
    .max(MAX_QUERY_CHARS, `That is too long for ${what} (at most ${MAX_QUERY_CHARS} characters); try fewer words`)
    .refine((text) => /[\p{L}\p{N}]/u.test(text), `Type ${what} with some letters or digits, e.g. ${example}`);
}

/** The `<paper>` argument: an arXiv id, an arXiv or Hugging Face URL, or title words (autocompleted on Discord). */
export function paperArgument(description: string): ArgumentSpec<string> & { required: true } {
  return {
    kind: 'paper',
    takes: 'rest',
    required: true,
    description,
    example: '2501.12948',
    placeholder: 'paper',
    schema: ({ command }) => wordsSchema('a paper: an arXiv id, a paper URL or title words', `/papers ${command} 2501.12948`),
  };
}

/** What free words are, for {@link wordsArgument}. */
interface WordsSpec {
  description: string;
  example: string;
  placeholder: string;
  /** What the words are, for the messages: `a topic to follow`. */
  what: string;
  kind?: 'text' | 'query' | 'subscription';
}

/** Free words taken together (`<topic>`, `<question>`); required unless `required: false`. */
export function wordsArgument(spec: WordsSpec & { required: false }): ArgumentSpec<string>;
export function wordsArgument(spec: WordsSpec): ArgumentSpec<string> & { required: true };
export function wordsArgument(spec: WordsSpec & { required?: boolean }): ArgumentSpec<string> {
  return {
    kind: spec.kind ?? 'text',
    takes: 'rest',
    required: spec.required ?? true,
    description: spec.description,
    example: spec.example,
    placeholder: spec.placeholder,
    schema: ({ command }) => wordsSchema(spec.what, `/papers ${command} ${spec.example}`),
  };
}

/** What a one-word choice is, for {@link choiceArgument}. */
interface ChoiceSpec {
  description: string;
  /** Words it takes besides the choices (a near miss, a style it does not make), to refuse them with the choices. */
  accepts?: (word: string) => boolean;
}

/**
 * One word out of a few (`today|week|month`). `accepts` may take more words than the choices (a near miss,
 * a style it does not make) so that they are refused with the choices rather than read as something else.
 */
export function choiceArgument<const T extends string>(choices: readonly [T, ...T[]], spec: ChoiceSpec & { default: T }): ArgumentSpec<T> & { default: string };
export function choiceArgument<const T extends string>(choices: readonly [T, ...T[]], spec: ChoiceSpec): ArgumentSpec<T>;
export function choiceArgument<const T extends string>(choices: readonly [T, ...T[]], spec: ChoiceSpec & { default?: T }): ArgumentSpec<T> {
  return {
    kind: 'text',
    takes: 'word',
    description: spec.description,
    example: choices[0],
    choices,
    ...(spec.accepts ? { accepts: spec.accepts } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    schema: ({ name }) =>
      z.string().transform((word, ctx) => {
        const lower = word.toLowerCase();
        if ((choices as readonly string[]).includes(lower)) return lower as T;
        const near = closest(lower, choices);
        ctx.addIssue({ code: 'custom', message: `"${echo(word)}" is not a ${name}${near ? `: did you mean ${near}?` : '.'} Use ${either(choices)}.` });
        return z.NEVER;
      }),
  };
}

/** Whether a word is a near miss of one of `choices` (a typo of at least three letters), so it is refused, not read as text. */
export function nearChoice(choices: readonly string[]): (word: string) => boolean {
  return (word) => word.length >= 3 && closest(word, choices) !== undefined;
}

/** Names people give citation styles; only BibTeX and Markdown are made, and the others are refused, not ignored. */
const CITATION_STYLE = /^(bibtex|markdown|bib|md|latex|tex|apa|mla|chicago|harvard|ieee|vancouver|ris|endnote|plain|text)$/i;

/** A citation format, `bibtex` or `markdown` (taken from the end of the line: `cite monge gap markdown`). */
export function citationFormatArgument(description: string): ArgumentSpec<'bibtex' | 'markdown'> {
  return choiceArgument(['bibtex', 'markdown'], { description, accepts: (word) => CITATION_STYLE.test(word) });
}

/** A yes/no that is the word itself when yes (`weekdays`); `accepts` names the words that mean it. */
export function flagArgument(spec: { description: string; word: string; accepts: (word: string) => boolean }): ArgumentSpec<true> {
  return {
    kind: 'flag',
    takes: 'word',
    description: spec.description,
    example: spec.word,
    placeholder: spec.word,
    accepts: spec.accepts,
    schema: () => z.string().transform((): true => true),
  };
}

/** What a whole-number option is, for {@link integerOption}. */
interface IntegerSpec {
  description: string;
  min: number;
  max: number;
  example: string;
  placeholder?: string;
}

/** A whole number in a range (`top:5`); Discord is told the range too. */
export function integerOption(spec: IntegerSpec & { default: string }): OptionSpec<number> & { default: string };
export function integerOption(spec: IntegerSpec): OptionSpec<number>;
export function integerOption(spec: IntegerSpec & { default?: string }): OptionSpec<number> {
  return {
    type: 'integer',
    min: spec.min,
    max: spec.max,
    description: spec.description,
    example: spec.example,
    placeholder: spec.placeholder ?? 'N',
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    schema: ({ name }) =>
      z
        .string()
        .trim()
        .regex(/^\d+$/, `${name} takes a whole number from ${spec.min} to ${spec.max}, e.g. ${name}:${spec.example}`)
        .transform(Number)
        .refine((n) => n >= spec.min && n <= spec.max, `${name} must be between ${spec.min} and ${spec.max}, e.g. ${name}:${spec.example}`),
  };
}

/** One of a few values (`sort:newest`). */
export function choiceOption<const T extends string>(choices: readonly [T, ...T[]], spec: { description: string; default: T }): OptionSpec<T> & { default: string };
export function choiceOption<const T extends string>(choices: readonly [T, ...T[]], spec: { description: string }): OptionSpec<T>;
export function choiceOption<const T extends string>(choices: readonly [T, ...T[]], spec: { description: string; default?: T }): OptionSpec<T> {
  return {
    description: spec.description,
    example: choices.find((c) => c !== spec.default) ?? choices[0],
    choices,
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    schema: ({ name }) => z.string().trim().toLowerCase().pipe(z.enum(choices, { error: `${name} must be one of ${choices.join(', ')}, e.g. ${name}:${choices[0]}` })),
  };
}

/** Free words as an option value (`author:Hinton`, `topic:"diffusion models"`). */
export function textOption(spec: { description: string; example: string; placeholder: string; what: string }): OptionSpec<string> {
  return {
    description: spec.description,
    example: spec.example,
    placeholder: spec.placeholder,
    schema: ({ name }) => wordsSchema(spec.what, `${name}:${spec.example}`),
  };
}

/** Who a post may ping: checked against the ids the platform the command came from can mention. */
export function mentionOption(description: string): OptionSpec<MentionTarget> {
  return {
    type: 'mention',
    description,
    example: 'role:ID',
    placeholder: 'user:ID|role:ID',
    schema: (at: ValueContext) =>
      z.string().transform((text, ctx) => {
        const parsed = parseMention(text, at.platform?.mentions);
        if ('target' in parsed) return parsed.target;
        ctx.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      }),
  };
}

/** A `since:` value: a span back from now (`7d`, `24h`, `2w`, `3m`, `1y`) or a date (`2025-01-20`). */
export type Since = { spanMs: number } | { date: Date };

const SPAN_UNITS_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };

/** The `since:` option. */
export function sinceOption(description: string): OptionSpec<Since> {
  return {
    description,
    example: '7d',
    schema: ({ name }) =>
      z.string().transform((value, ctx): Since => {
        const text = value.trim();
        const span = /^(\d{1,4})([hdwmy])$/i.exec(text);
        if (span) return { spanMs: Number(span[1]) * SPAN_UNITS_MS[span[2]!.toLowerCase()]! };
        if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))) return { date: new Date(`${text}T00:00:00Z`) };
        ctx.addIssue({ code: 'custom', message: `${name}: "${echo(value)}" is not a duration or date; use ${name}:7d (or 24h, 2w, 3m, 1y) or ${name}:2025-01-20` });
        return z.NEVER;
      }),
  };
}

/** The instant a `since:` value means at `now`. */
export function sinceInstant(since: Since, now: Date): Date {
  return 'date' in since ? since.date : new Date(now.getTime() - since.spanMs);
}

/** How many candidates a "which one?" answer lists. */
export const WHICH_ONE_SHOWN = 5;

/**
 * Resolves a paper reference or throws a `UserError`: not found (with how to search), or ambiguous
 * (with the candidates and the exact command to pick one). The one rule every `<paper>` argument follows.
 */
export async function resolvePaper(papers: Papers, reference: string, command: string): Promise<Paper> {
  const resolved = await papers.resolve(reference);
  if (resolved.kind === 'found') return resolved.paper;
  if (resolved.kind === 'ambiguous') {
    const shown = resolved.candidates.slice(0, WHICH_ONE_SHOWN);
    const more = resolved.total - shown.length;
    throw new UserError(
      'ambiguous-paper',
      `Which one? ${resolved.total} papers match "${reference}"${resolved.inTitles ? '' : ' (none has all of these words in its title)'}:`,
      [
        ...shown.map((paper) => `/papers ${command} ${paper.id}  (${paper.titleDisplay})`),
        ...(more > 0 ? [`…and ${more} more: /papers search ${reference}`] : []),
      ],
    );
  }
  if (resolved.byId) {
    throw new UserError('paper-not-found', `${resolved.reason} ${missingFacts(papers.stats(), { ids: true }) ?? 'Check the id, or name the paper by words of its title.'}`);
  }
  throw new UserError('paper-not-found', `${resolved.reason} Try /papers search ${reference} to look for it.`);
}
