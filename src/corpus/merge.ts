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

/**
 * Whether a paper found by its title is the same work as an incoming one: two different arXiv papers can
 * share a title, so only a title-only paper (on either side) is matched by title.
 */
export function sameWork(existing: Paper, incoming: Paper): boolean {
  return existing.id === incoming.id || existing.arxivId === undefined || incoming.arxivId === undefined;
}

/** What upserting one incoming paper onto the stored one does. */
export type UpsertPlan =
  | { kind: 'add'; paper: Paper }
  | { kind: 'unchanged'; paper: Paper }
  | {
      kind: 'update';
      paper: Paper;
      /** The id it had before, when a title-only paper was matched to its arXiv id. */
      previousId?: string;
      /** Whether its searchable text changed (then it must be re-indexed, not only its facets). */
      textChanged: boolean;
    };

/**
 * Decides what an incoming paper does to what is stored: `existing` is the stored paper with the same id,
 * else the stored paper with the same title (see {@link sameWork}), else undefined. Every store runs this
 * one rule, so SQLite, PostgreSQL and memory merge alike.
 */
export function planUpsert(existing: Paper | undefined, incoming: Paper): UpsertPlan {
  if (!existing || !sameWork(existing, incoming)) return { kind: 'add', paper: incoming };
  const merged = mergePaper(existing, incoming);
  if (merged.id === existing.id && samePaper(merged, existing)) return { kind: 'unchanged', paper: existing };
  return {
    kind: 'update',
    paper: merged,
    ...(merged.id !== existing.id ? { previousId: existing.id } : {}),
    textChanged: merged.id !== existing.id || searchableTextChanged(existing, merged),
  };
}

/**
 * Two papers hold the same facts: field order and absent-versus-undefined do not matter, nor do the
 * display forms of title and abstract (derived from the raw text), nor when unchanged signals were
 * observed again (a new observation is a snapshot, not a change of the paper).
 */
export function samePaper(a: Paper, b: Paper): boolean {
  const facts = ({ titleDisplay: _t, abstractDisplay: _a, signals, ...rest }: Paper) => ({
    ...rest,
    signals: signals && { upvotes: signals.upvotes, comments: signals.comments, githubStars: signals.githubStars },
  });
  return canonicalJson(facts(a)) === canonicalJson(facts(b));
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
}
