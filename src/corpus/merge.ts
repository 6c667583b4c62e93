import type { Paper, Signals } from './paper.ts';

/** Fields whose change means the paper must be re-indexed. */
export function searchableTextChanged(before: Paper, after: Paper): boolean {
  return (
    before.title !== after.title ||
    before.abstract !== after.abstract ||
    before.keywords.join('\u0000') !== after.keywords.join('\u0000') ||
    before.authors.join('\u0000') !== after.authors.join('\u0000')
  );
}

/** The newest observation wins; a field the newest one lacks keeps its older value. */
export function mergeSignals(a: Signals | undefined, b: Signals | undefined): Signals | undefined {
  if (!a) return b;
  if (!b) return a;
  const [older, newer] = Date.parse(a.observedAt) <= Date.parse(b.observedAt) ? [a, b] : [b, a];
  return {
    upvotes: newer.upvotes ?? older.upvotes,
    comments: newer.comments ?? older.comments,
    githubStars: newer.githubStars ?? older.githubStars,
    observedAt: newer.observedAt,
  };
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function union<T>(first: readonly T[], second: readonly T[]): T[] {
  return [...new Set([...first, ...second])];
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Merges what a source says about a paper into what the corpus knows. One paper per arXiv id: the
 * incoming text and links replace the old where present, lists are united, the newest signals win, the
 * earliest publication date and the latest version are kept, and a bundled paper keeps its page rank
 * when a source later supplies its arXiv id.
 */
export function mergePaper(existing: Paper, incoming: Paper): Paper {
  const arxivText = incoming.sources.includes('arxiv-api') || !existing.sources.includes('arxiv-api');
  const text = arxivText ? incoming : existing;
  return withoutUndefined({
    ...existing,
    ...withoutUndefined(incoming),
    id: incoming.arxivId ?? existing.arxivId ?? existing.id,
    arxivId: incoming.arxivId ?? existing.arxivId,
    version: Math.max(existing.version ?? 0, incoming.version ?? 0) || undefined,
    title: text.title,
    titleDisplay: text.titleDisplay,
    abstract: text.abstract || existing.abstract,
    abstractDisplay: text.abstract ? text.abstractDisplay : existing.abstractDisplay,
    aiSummary: incoming.aiSummary ?? existing.aiSummary,
    keywords: incoming.keywords.length > 0 ? incoming.keywords : existing.keywords,
    authors: incoming.authors.length > 0 ? incoming.authors : existing.authors,
    primaryCategory: existing.sources.includes('arxiv-api') && !incoming.sources.includes('arxiv-api')
      ? existing.primaryCategory ?? incoming.primaryCategory
      : incoming.primaryCategory ?? existing.primaryCategory,
    categories: union(existing.categories, incoming.categories),
    publishedAt: earliest(existing.publishedAt, incoming.publishedAt),
    updatedAt: latest(existing.updatedAt, incoming.updatedAt),
    featuredOn: existing.featuredOn ?? incoming.featuredOn,
    links: { ...existing.links, ...withoutUndefined(incoming.links) },
    signals: mergeSignals(existing.signals, incoming.signals),
    bundledRank: existing.bundledRank ?? incoming.bundledRank,
    sources: union(existing.sources, incoming.sources),
  });
}
