import { z } from 'zod';
import { absoluteHfAvatar } from '../normalize.ts';
import type { OutcomeCollector } from './outcome.ts';

/*
 * Hugging Face paper payloads (data-sources §1 and §6.2), shared by the Daily Papers and paper-detail
 * parsers. Objects are not strict: unknown fields are dropped, so new Hub fields never break parsing.
 */

const isoDateTime = z.iso.datetime({ offset: true });

/** A Hub user. The username is in `name` or in `user` (`submittedOnDailyBy` often has only `user`). */
export const HfUserSchema = z
  .object({
    _id: z.string(),
    fullname: z.string(),
    type: z.string(),
    name: z.string().optional(),
    user: z.string().optional(),
    avatarUrl: z.string().optional(),
    isPro: z.boolean().optional(),
    isHf: z.boolean().optional(),
    isHfAdmin: z.boolean().optional(),
    isMod: z.boolean().optional(),
    followerCount: z.number().optional(),
  })
  .refine((u) => u.name !== undefined || u.user !== undefined, { message: 'a user needs `name` or `user`' })
  .transform((u) => ({
    ...u,
    username: (u.name ?? u.user)!,
    avatarUrl: u.avatarUrl === undefined ? undefined : absoluteHfAvatar(u.avatarUrl),
  }));
/** A Hub organization (its picture is `avatar`, not `avatarUrl`). */
const HfOrgSchema = z.object({
  _id: z.string(),
  name: z.string(),
  fullname: z.string().optional(),
  avatar: z.string().optional(),
});

/** One author of a paper; hidden authors are not displayed. */
const HfAuthorSchema = z.object({
  _id: z.string().optional(),
  name: z.string(),
  hidden: z.boolean().default(false),
  // Not used downstream: a malformed linked account must not cost us the paper.
  user: HfUserSchema.optional().catch(undefined),
  status: z.string().optional(),
  statusLastChangedAt: z.string().optional(),
});

/** The paper record: Daily Papers' `paper`, or the flat `/api/papers/{id}` body. */
export const HfPaperCoreSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  summary: z.string(),
  upvotes: z.number().int().nonnegative().default(0),
  publishedAt: isoDateTime,
  authors: z.array(HfAuthorSchema),
  discussionId: z.string().optional(),
  submittedOnDailyAt: isoDateTime.optional(),
  submittedOnDailyBy: HfUserSchema.optional().catch(undefined),
  projectPage: z.string().nullish(),
  githubRepo: z.string().nullish(),
  githubRepoAddedBy: z.string().nullish(),
  githubStars: z.number().int().nonnegative().nullish(),
  ai_summary: z.string().nullish(),
  ai_keywords: z.array(z.string()).nullish(),
  ai_summary_model: z.string().nullish(),
  mediaUrls: z.array(z.string()).nullish(),
  organization: HfOrgSchema.nullish().catch(undefined),
  withdrawnAt: z.string().nullish(),
});
/** A validated Hugging Face paper record. */
export type HfPaperCore = z.infer<typeof HfPaperCoreSchema>;

/** One Daily Papers item: the paper, plus the comment count that only exists at this level. */
export const HfDailyItemSchema = z.object({
  paper: HfPaperCoreSchema,
  numComments: z.number().int().nonnegative().default(0),
  publishedAt: z.string().optional(),
  title: z.string().optional(),
  summary: z.string().optional(),
  thumbnail: z.string().nullish(),
  submittedBy: HfUserSchema.optional(),
  isAuthorParticipating: z.boolean().optional(),
  mediaUrls: z.array(z.string()).nullish(),
  organization: HfOrgSchema.nullish().catch(undefined),
});

/** A one-line reason from a failed validation: `paper.title: Invalid input: …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/** `url` if it is an absolute http(s) URL; the Hub's free-text `projectPage` is not always one. */
function httpUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds one validated Hugging Face paper to `collector`: withdrawn papers are skipped with reason
 * `withdrawn`; the rest become papers with visible authors only, signals stamped `observedAt`, and
 * `featuredOn` from `submittedOnDailyAt`. `comments` is the Daily Papers `numComments`, when known.
 */
export function collectHfPaper(
  collector: OutcomeCollector,
  item: { index?: number },
  paper: HfPaperCore,
  observedAt: Date,
  comments?: number,
): void {
  const at = { ...item, id: paper.id };
  if (paper.withdrawnAt) return collector.reject(at, 'withdrawn');
  collector.add(at, {
    arxivId: paper.id,
    title: paper.title,
    abstract: paper.summary,
    aiSummary: paper.ai_summary ?? undefined,
    keywords: paper.ai_keywords ?? undefined,
    authors: paper.authors.filter((author) => !author.hidden).map((author) => author.name),
    publishedAt: paper.publishedAt,
    featuredOn: paper.submittedOnDailyAt,
    links: { github: paper.githubRepo ?? undefined, project: httpUrl(paper.projectPage) },
    signals: { upvotes: paper.upvotes, comments, githubStars: paper.githubStars ?? undefined, observedAt },
    source: collector.source,
  });
}
