import { texToDisplay } from '../corpus/normalize.ts';
import { titleKey, type Paper } from '../corpus/paper.ts';

/**
 * A paper as a database row, the same columns on every engine. Lists and links are JSON text. The display
 * forms of title and abstract are not stored: they are derived from the raw text on read, so each text is
 * kept once.
 */
export interface PaperRow {
  id: string;
  arxiv_id: string | null;
  version: number | null;
  title: string;
  title_key: string;
  abstract: string;
  ai_summary: string | null;
  keywords: string;
  authors: string;
  primary_category: string | null;
  categories: string;
  published_at: string | null;
  updated_at: string | null;
  featured_on: string | null;
  links: string;
  upvotes: number | null;
  comments: number | null;
  github_stars: number | null;
  signals_observed_at: string | null;
  announce_type: string | null;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  bundled_rank: number | null;
  sources: string;
}

/** The columns of {@link PaperRow}, in a fixed order (for INSERT statements). */
export const PAPER_COLUMNS = [
  'id', 'arxiv_id', 'version', 'title', 'title_key', 'abstract', 'ai_summary', 'keywords', 'authors', 'primary_category',
  'categories', 'published_at', 'updated_at', 'featured_on', 'links', 'upvotes', 'comments', 'github_stars',
  'signals_observed_at', 'announce_type', 'comment', 'journal_ref', 'doi', 'bundled_rank', 'sources',
] as const satisfies readonly (keyof PaperRow)[];

/** A paper's row. */
export function toPaperRow(paper: Paper): PaperRow {
  return {
    id: paper.id,
    arxiv_id: paper.arxivId ?? null,
    version: paper.version ?? null,
    title: paper.title,
    title_key: titleKey(paper.title),
    abstract: paper.abstract,
    ai_summary: paper.aiSummary ?? null,
    keywords: JSON.stringify(paper.keywords),
    authors: JSON.stringify(paper.authors),
    primary_category: paper.primaryCategory ?? null,
    categories: JSON.stringify(paper.categories),
    published_at: paper.publishedAt ?? null,
    updated_at: paper.updatedAt ?? null,
    featured_on: paper.featuredOn ?? null,
    links: JSON.stringify(paper.links),
    upvotes: paper.signals?.upvotes ?? null,
    comments: paper.signals?.comments ?? null,
    github_stars: paper.signals?.githubStars ?? null,
    signals_observed_at: paper.signals?.observedAt ?? null,
    announce_type: paper.announceType ?? null,
    comment: paper.comment ?? null,
    journal_ref: paper.journalRef ?? null,
    doi: paper.doi ?? null,
    bundled_rank: paper.bundledRank ?? null,
    sources: JSON.stringify(paper.sources),
  };
}

/** The paper a row holds. */
export function fromPaperRow(row: PaperRow): Paper {
  const paper: Paper = {
    id: row.id,
    title: row.title,
    titleDisplay: texToDisplay(row.title),
    abstract: row.abstract,
    abstractDisplay: texToDisplay(row.abstract),
    keywords: JSON.parse(row.keywords) as string[],
    authors: JSON.parse(row.authors) as string[],
    categories: JSON.parse(row.categories) as string[],
    links: JSON.parse(row.links) as Paper['links'],
    sources: JSON.parse(row.sources) as Paper['sources'],
  };
  if (row.arxiv_id !== null) paper.arxivId = row.arxiv_id;
  if (row.version !== null) paper.version = row.version;
  if (row.ai_summary !== null) paper.aiSummary = row.ai_summary;
  if (row.primary_category !== null) paper.primaryCategory = row.primary_category;
  if (row.published_at !== null) paper.publishedAt = row.published_at;
  if (row.updated_at !== null) paper.updatedAt = row.updated_at;
  if (row.featured_on !== null) paper.featuredOn = row.featured_on;
  if (row.signals_observed_at !== null) {
    paper.signals = { observedAt: row.signals_observed_at };
    if (row.upvotes !== null) paper.signals.upvotes = row.upvotes;
    if (row.comments !== null) paper.signals.comments = row.comments;
    if (row.github_stars !== null) paper.signals.githubStars = row.github_stars;
  }
  if (row.announce_type !== null) paper.announceType = row.announce_type as NonNullable<Paper['announceType']>;
  if (row.comment !== null) paper.comment = row.comment;
  if (row.journal_ref !== null) paper.journalRef = row.journal_ref;
  if (row.doi !== null) paper.doi = row.doi;
  if (row.bundled_rank !== null) paper.bundledRank = row.bundled_rank;
  return paper;
}
