/*
 * What the bundled papers lack, said where it matters. The 74 papers that ship with Paperboy are a copy of
 * the Hugging Face trending page: title and abstract only, no dates, authors, arXiv ids or upvotes. Filters
 * and sorts on those facts cannot find them, and without a source every trending window is the page's order.
 */
import type { LibraryStats } from '../../src/library/papers.ts';
import { count, either } from './english.ts';

/** How to get papers that have dates, authors, ids and upvotes. */
export const CONNECT_A_SOURCE = 'connect a source with SOURCES=hf-daily in .env';

/**
 * A sentence for a command that asked for facts the bundled papers lack (`since:` → dates), or nothing:
 * when no bundled paper is there, nothing was asked, or the asking found papers in a corpus that has more.
 * With only bundled papers it says how to get papers that have them.
 */
export function missingFacts(
  stats: LibraryStats,
  asked: { dates?: boolean; authors?: boolean; upvotes?: boolean; ids?: boolean },
  found = false,
): string | undefined {
  if (stats.bundled === 0 || (found && stats.bundled < stats.papers)) return undefined;
  const lacking = [asked.dates && 'dates', asked.authors && 'authors', asked.ids && 'arXiv ids', asked.upvotes && 'upvotes'].filter((w): w is string => Boolean(w));
  if (lacking.length === 0) return undefined;
  if (stats.bundled < stats.papers) return `The ${stats.bundled} bundled papers have no ${either(lacking)} (title and abstract only).`;
  return `The ${stats.bundled} papers here are the bundled ones, which have no ${either(lacking)} (title and abstract only); ${CONNECT_A_SOURCE} for papers that do.`;
}

/** One line on what the corpus is, for the first-start banner and `status`; `sources` are those configured. */
export function corpusSummary(stats: LibraryStats, sources: readonly string[]): string {
  const papers = count(stats.papers, 'paper');
  if (stats.bundled === 0) return papers;
  if (stats.bundled < stats.papers) return `${papers} (${stats.bundled} of them bundled: title and abstract only)`;
  const lacking = 'titles and abstracts of the trending page, without dates, authors, arXiv ids or upvotes';
  if (sources.length > 0) return `${papers}, all bundled so far: ${lacking} (${either(sources)} will bring papers that have them)`;
  return `${papers}, all bundled: ${lacking} (${CONNECT_A_SOURCE} for those)`;
}
