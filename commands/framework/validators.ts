import { z } from 'zod';
import { UserError } from '../../src/chat/errors.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import type { Papers } from '../../src/library/papers.ts';

/** The longest search query or paper reference accepted. */
export const MAX_QUERY_CHARS = 300;

/**
 * Validates `input` with `schema`; on failure throws a `UserError` whose message is the first problem
 * (schemas carry user-facing messages) followed by the usage line.
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown, usage: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new UserError('invalid-argument', `${field}${issue?.message ?? 'invalid input'}`, [`Usage: /papers ${usage}`]);
}

/** A `since:` value: a span back from now (`7d`, `24h`, `2w`, `3m`, `1y`) or a date (`2025-01-20`). */
export type Since = { spanMs: number } | { date: Date };

const SPAN_UNITS_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };

/** Parses `since:` values. */
export const sinceSchema = z.string().transform((value, ctx): Since => {
  const span = /^(\d{1,4})([hdwmy])$/i.exec(value.trim());
  if (span) return { spanMs: Number(span[1]) * SPAN_UNITS_MS[span[2]!.toLowerCase()]! };
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) && !Number.isNaN(Date.parse(value.trim()))) return { date: new Date(`${value.trim()}T00:00:00Z`) };
  ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration or date; use since:7d (or 24h, 2w, 3m, 1y) or since:2025-01-20` });
  return z.NEVER;
});

/** The instant a `since:` value means at `now`. */
export function sinceInstant(since: Since, now: Date): Date {
  return 'date' in since ? since.date : new Date(now.getTime() - since.spanMs);
}

/** A whole number in a range, from option text, with a message that names the option. */
export function wholeNumber(option: string, min: number, max: number, example: string) {
  return z
    .string()
    .regex(/^\d+$/, `${option} takes a whole number, e.g. ${option}:${example}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${option} must be between ${min} and ${max}, e.g. ${option}:${example}`);
}

/** One of fixed choices, with a message listing them. */
export function choice<T extends string>(option: string, choices: readonly [T, ...T[]]) {
  return z.enum(choices, { error: `${option} must be one of ${choices.join(', ')}, e.g. ${option}:${choices[0]}` });
}

/** Free text that must hold something (not only spaces or symbols) and not be too long. */
export function requiredText(what: string, example: string) {
  return z
    .string()
    .trim()
    .min(1, `Type ${what}, e.g. ${example}`)
    .max(MAX_QUERY_CHARS, `That is too long for ${what} (at most ${MAX_QUERY_CHARS} characters)`)
    .refine((text) => /[\p{L}\p{N}]/u.test(text), `Type ${what} with some letters or digits, e.g. ${example}`);
}

/** The `<paper>` argument: an arXiv id, an arXiv or Hugging Face URL, or title words. */
export function paperReference(command: string) {
  return requiredText('a paper: an arXiv id, a paper URL or title words', `/papers ${command} 2501.12948`);
}

/**
 * Resolves a paper reference or throws a `UserError`: not found (with how to search), or ambiguous
 * (with the candidates and the exact command to pick one).
 */
export async function resolvePaper(papers: Papers, reference: string, command: string): Promise<Paper> {
  const resolved = await papers.resolve(reference);
  if (resolved.kind === 'found') return resolved.paper;
  if (resolved.kind === 'ambiguous') {
    throw new UserError(
      'ambiguous-paper',
      `Which one? Several papers match "${reference}":`,
      resolved.candidates.slice(0, 5).map((paper) => `/papers ${command} ${paper.id}  (${paper.titleDisplay})`),
    );
  }
  throw new UserError('paper-not-found', `${resolved.reason} Try /papers search ${reference.slice(0, 60)} to look for it.`);
}
