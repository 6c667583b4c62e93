import { createHash } from 'node:crypto';
import { z } from 'zod';
import { truncate } from '../chat/text.ts';
import type { Logger } from '../logger.ts';
import {
  cleanAbstract,
  collapseWhitespace,
  decodeHtmlEntities,
  normalizeArxivId,
  normalizeGithubUrl,
  texToDisplay,
} from './normalize.ts';

/** Where a paper record came from. */
export const SourceNameSchema = z.enum(['bundled', 'hf-daily', 'hf-paper', 'arxiv-api', 'arxiv-rss', 'import']);
/** Where a paper record came from. */
export type SourceName = z.infer<typeof SourceNameSchema>;

/** arXiv RSS announce types (`absonly` exists in arXiv's code but is filtered out of feeds). */
export const AnnounceTypeSchema = z.enum(['new', 'cross', 'replace', 'replace-cross', 'absonly']);
/** arXiv RSS announce type. */
export type AnnounceType = z.infer<typeof AnnounceTypeSchema>;

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

/** Community signals at one instant; absent fields mean the source does not provide them. */
export const SignalsSchema = z.object({
  upvotes: z.number().int().nonnegative().optional(),
  comments: z.number().int().nonnegative().optional(),
  githubStars: z.number().int().nonnegative().optional(),
  /** When the source reported these numbers (ISO). The newest observation wins on merge. */
  observedAt: isoDateTime,
});
/** Community signals at one instant. */
export type Signals = z.infer<typeof SignalsSchema>;

/** Links a card shows. */
export const PaperLinksSchema = z.object({
  abs: z.url().optional(),
  pdf: z.url().optional(),
  hf: z.url().optional(),
  github: z.url().optional(),
  project: z.url().optional(),
});
/** Links a card shows. */
export type PaperLinks = z.infer<typeof PaperLinksSchema>;

/**
 * One normalized paper, whatever source it came from. Text fields are cleaned (whitespace folded,
 * entities decoded, TeX kept raw); the `*Display` twins have TeX made readable for cards.
 */
export const PaperSchema = z.object({
  /** The corpus key: the arXiv base id when known, else a stable id derived from the title (`pb-…`). */
  id: z.string().regex(/^\S+$/, 'an id has no spaces'),
  /** arXiv base id without version (`2501.12948`, `hep-th/9711200`). */
  arxivId: z.string().optional(),
  /** Latest arXiv version seen, kept apart from the id. */
  version: z.number().int().positive().optional(),
  title: z.string().min(1),
  titleDisplay: z.string().min(1),
  abstract: z.string(),
  abstractDisplay: z.string(),
  /** One-sentence summary written by the source (Hugging Face `ai_summary`). */
  aiSummary: z.string().optional(),
  /** Key terms (Hugging Face `ai_keywords`). */
  keywords: z.array(z.string()),
  /** Visible author names, in order. */
  authors: z.array(z.string()),
  primaryCategory: z.string().optional(),
  categories: z.array(z.string()),
  /** arXiv publication (v1) time, ISO. */
  publishedAt: isoDateTime.optional(),
  /** Submission time of the latest version, ISO. */
  updatedAt: isoDateTime.optional(),
  /** The UTC day Hugging Face featured the paper on Daily Papers. */
  featuredOn: isoDate.optional(),
  links: PaperLinksSchema,
  signals: SignalsSchema.optional(),
  announceType: AnnounceTypeSchema.optional(),
  comment: z.string().optional(),
  journalRef: z.string().optional(),
  doi: z.string().optional(),
  /** 1-based position in the bundled trending page; keeps its order where no signals exist. */
  bundledRank: z.number().int().positive().optional(),
  sources: z.array(SourceNameSchema).min(1),
});
/** One normalized paper. */
export type Paper = z.infer<typeof PaperSchema>;

/**
 * What an importer knows about a paper, before normalization. Text may be raw (wrapped, with entities);
 * `arxivId` may carry a version or a URL prefix.
 */
export interface PaperDraft {
  arxivId?: string | undefined;
  version?: number | undefined;
  title: string;
  abstract: string;
  aiSummary?: string | undefined;
  keywords?: string[] | undefined;
  authors?: string[] | undefined;
  primaryCategory?: string | undefined;
  categories?: string[] | undefined;
  publishedAt?: string | Date | undefined;
  updatedAt?: string | Date | undefined;
  featuredOn?: string | Date | undefined;
  links?: Partial<PaperLinks> | undefined;
  signals?: Omit<Signals, 'observedAt'> & { observedAt: string | Date } | undefined;
  announceType?: AnnounceType | undefined;
  comment?: string | undefined;
  journalRef?: string | undefined;
  doi?: string | undefined;
  bundledRank?: number | undefined;
  source: SourceName;
}

/** Thrown by {@link createPaper} when a draft cannot become a valid paper; the message says why. */
export class InvalidPaperError extends Error {}

/** Lower-cased, accent-free, alphanumeric-only form of a title, so one title always gives one key. */
export function titleKey(title: string): string {
  return texToDisplay(collapseWhitespace(decodeHtmlEntities(title)))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The stable id of a paper that has no arXiv id: `pb-` and 10 hex digits of a hash of its title. */
export function titleId(title: string): string {
  return `pb-${createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 10)}`;
}

function toIso(value: string | Date | undefined, label: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidPaperError(`${label} is not a date: ${String(value)}`);
  return date.toISOString();
}

function toDay(value: string | Date | undefined, label: string): string | undefined {
  return toIso(value, label)?.slice(0, 10);
}

function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/**
 * Links every arXiv paper has, derived from its base id. Hugging Face paper pages exist only for
 * new-style ids (`2501.12948`), not for old-style ones (`hep-th/9711200`).
 */
export function arxivLinks(arxivId: string): Pick<PaperLinks, 'abs' | 'pdf' | 'hf'> {
  return {
    abs: `https://arxiv.org/abs/${arxivId}`,
    pdf: `https://arxiv.org/pdf/${arxivId}`,
    ...(arxivId.includes('/') ? {} : { hf: `https://huggingface.co/papers/${arxivId}` }),
  };
}

/** Keeps only http(s) links that parse: one bad project URL must not cost the paper. */
function usableLinks(links: Partial<PaperLinks>): Partial<PaperLinks> {
  return Object.fromEntries(
    Object.entries(links).filter(([, value]) => typeof value === 'string' && /^https?:\/\//i.test(value) && URL.canParse(value)),
  );
}

/**
 * Normalizes a draft into a {@link Paper}: id, whitespace, entities, TeX display text, dates, links.
 * Throws {@link InvalidPaperError} with a readable reason when the draft is not a paper.
 */
export function createPaper(draft: PaperDraft): Paper {
  return createPaperReportingCuts(draft).paper;
}

/** {@link createPaper}, also saying which fields were cut to {@link FIELD_CAPS}. */
export function createPaperReportingCuts(draft: PaperDraft): { paper: Paper; cut: string[] } {
  let arxivId: string | undefined;
  let version = draft.version;
  if (draft.arxivId !== undefined && draft.arxivId.trim() !== '') {
    const parsed = normalizeArxivId(draft.arxivId);
    if (!parsed) throw new InvalidPaperError(`not an arXiv id: ${JSON.stringify(draft.arxivId)}`);
    arxivId = parsed.base;
    version = version ?? parsed.version ?? undefined;
  }
  const title = collapseWhitespace(decodeHtmlEntities(draft.title));
  if (title === '') throw new InvalidPaperError('the title is empty');
  const abstract = cleanAbstract(decodeHtmlEntities(draft.abstract));
  const github = draft.links?.github ? normalizeGithubUrl(draft.links.github) : undefined;
  const links = usableLinks({
    ...(arxivId ? arxivLinks(arxivId) : {}),
    ...draft.links,
    github: github ?? undefined,
  });
  const candidate = defined({
    id: arxivId ?? titleId(title),
    arxivId,
    version,
    title,
    titleDisplay: texToDisplay(title),
    abstract,
    abstractDisplay: texToDisplay(abstract),
    aiSummary: draft.aiSummary ? collapseWhitespace(decodeHtmlEntities(draft.aiSummary)) : undefined,
    keywords: (draft.keywords ?? []).map((k) => collapseWhitespace(decodeHtmlEntities(k))).filter((k) => k !== ''),
    authors: (draft.authors ?? []).map((a) => texToDisplay(collapseWhitespace(decodeHtmlEntities(a)))).filter((a) => a !== ''),
    primaryCategory: draft.primaryCategory,
    categories: draft.categories ?? [],
    publishedAt: toIso(draft.publishedAt, 'publishedAt'),
    updatedAt: toIso(draft.updatedAt, 'updatedAt'),
    featuredOn: toDay(draft.featuredOn, 'featuredOn'),
    links,
    signals: draft.signals
      ? defined({ ...draft.signals, observedAt: toIso(draft.signals.observedAt, 'signals.observedAt') })
      : undefined,
    announceType: draft.announceType,
    comment: draft.comment ? collapseWhitespace(decodeHtmlEntities(draft.comment)) : undefined,
    journalRef: draft.journalRef ? collapseWhitespace(decodeHtmlEntities(draft.journalRef)) : undefined,
    doi: draft.doi?.trim(),
    bundledRank: draft.bundledRank,
    sources: [draft.source],
  });
  const result = PaperSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidPaperError(`${issue?.path.join('.') || 'paper'}: ${issue?.message ?? 'invalid'}`);
  }
  return capPaper(result.data);
}

/**
 * The most a paper may hold, so one bad record (a 50 MB "abstract") cannot swell the database, the index
 * or a card: a title longer than this is not a title and the paper is rejected; longer text and lists are
 * cut (at a word, with an ellipsis), and the cut is reported.
 */
export const FIELD_CAPS = {
  title: 1000,
  abstract: 20_000,
  aiSummary: 2000,
  authors: 500,
  author: 200,
  keywords: 50,
  keyword: 100,
  comment: 2000,
} as const;

/** C0 control characters other than tab and newline, and DEL: no text field needs them (PostgreSQL cannot store NUL). */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

function withoutControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** The paper with control characters removed from its text fields (a copy, or the same object when it had none). */
function withoutControlCharacters(paper: Paper): Paper {
  const texts = [paper.title, paper.abstract, paper.aiSummary ?? '', paper.comment ?? '', ...paper.authors, ...paper.keywords];
  if (!texts.some((text) => CONTROL_CHARACTER.test(text))) return paper;
  const title = withoutControls(paper.title);
  const abstract = withoutControls(paper.abstract);
  if (title.trim() === '') throw new InvalidPaperError('the title is empty');
  return {
    ...paper,
    title,
    titleDisplay: texToDisplay(title),
    abstract,
    abstractDisplay: texToDisplay(abstract),
    ...(paper.aiSummary !== undefined ? { aiSummary: withoutControls(paper.aiSummary) } : {}),
    ...(paper.comment !== undefined ? { comment: withoutControls(paper.comment) } : {}),
    authors: paper.authors.map(withoutControls).filter((a) => a.trim() !== ''),
    keywords: paper.keywords.map(withoutControls).filter((k) => k.trim() !== ''),
  };
}

/**
 * Applies {@link FIELD_CAPS}, after removing control characters (which no text field needs and PostgreSQL
 * cannot store): returns the paper (cut where needed) and the names of the fields that were cut; throws
 * {@link InvalidPaperError} when the title is too long to be a title.
 */
export function capPaper(incoming: Paper): { paper: Paper; cut: string[] } {
  const paper = withoutControlCharacters(incoming);
  const caps = FIELD_CAPS;
  if (paper.title.length > caps.title) throw new InvalidPaperError(`the title is ${paper.title.length} characters long (at most ${caps.title})`);
  const cut: string[] = [];
  let next = paper;
  const change = (field: string, patch: Partial<Paper>): void => {
    cut.push(field);
    next = { ...next, ...patch };
  };
  if (paper.abstract.length > caps.abstract) {
    const abstract = truncate(paper.abstract, caps.abstract);
    change('abstract', { abstract, abstractDisplay: texToDisplay(abstract) });
  }
  if (paper.aiSummary !== undefined && paper.aiSummary.length > caps.aiSummary) change('aiSummary', { aiSummary: truncate(paper.aiSummary, caps.aiSummary) });
  if (paper.comment !== undefined && paper.comment.length > caps.comment) change('comment', { comment: truncate(paper.comment, caps.comment) });
  if (paper.authors.length > caps.authors || paper.authors.some((a) => a.length > caps.author)) {
    change('authors', { authors: paper.authors.slice(0, caps.authors).map((a) => truncate(a, caps.author)) });
  }
  if (paper.keywords.length > caps.keywords || paper.keywords.some((k) => k.length > caps.keyword)) {
    change('keywords', { keywords: paper.keywords.slice(0, caps.keywords).map((k) => truncate(k, caps.keyword)) });
  }
  return { paper: next, cut };
}

/** One item an importer could not use, and why. */
export interface Rejection {
  /** Position of the item in its batch (0-based), when it has one. */
  index?: number;
  /** The item's id, when it could be read. */
  id?: string;
  reason: string;
}

/** What parsing one response or file produced: the papers, and the items skipped with their reasons. */
export interface ParseOutcome {
  papers: Paper[];
  rejected: Rejection[];
}

/** What every source parser needs besides the body: when the data was observed, and where to log skips. */
export interface ParseContext {
  /** The instant the response was received; stamps the signals. */
  observedAt: Date;
  log: Logger;
}

/** The instant a paper entered the conversation: featured on Hugging Face, else published (ms since the epoch). */
export function referenceTime(paper: Paper): number | undefined {
  const iso = paper.featuredOn ? `${paper.featuredOn}T00:00:00Z` : paper.publishedAt;
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
