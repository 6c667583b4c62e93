import { collapseWhitespace, normalizeArxivId } from '../normalize.ts';
import type { ParseContext, ParseOutcome } from '../paper.ts';
import { ArxivApiError, MalformedResponseError } from './errors.ts';
import { OutcomeCollector } from './outcome.ts';
import { attribute, child, childText, children, isElement, parseXml, type XmlElement } from './xml.ts';

/** A parsed arXiv API page: its papers, and the OpenSearch numbers needed to page on. */
export type ArxivAtomOutcome = ParseOutcome & { totalResults: number; startIndex: number; itemsPerPage: number };

/** A GitHub repository URL inside free text such as an author comment. */
const GITHUB_IN_TEXT = /(?:https?:\/\/)?(?:www\.)?github\.com\/[\w.-]+\/[\w.-]+/i;

function isErrorEntry(entry: unknown): boolean {
  return (
    childText(entry, 'title')?.trim() === 'Error' &&
    /^https?:\/\/arxiv\.org\/api\/errors/.test(childText(entry, 'id')?.trim() ?? '')
  );
}

function feedCount(feed: XmlElement, name: string): number {
  const text = childText(feed, name)?.trim() ?? '';
  if (!/^\d+$/.test(text)) throw new MalformedResponseError(`arXiv API: <${name}> is missing or not a number`);
  return Number(text);
}

/**
 * Parses an arXiv API (`export.arxiv.org/api/query`) Atom response. Each entry keeps its version apart
 * from the base id; links are the unversioned ones derived from the id, plus a GitHub repository when the
 * author comment names one. An entry without an arXiv id or title is skipped and logged.
 * Throws {@link ArxivApiError} for arXiv's Error entry, and {@link MalformedResponseError} for an empty,
 * ill-formed or non-Atom body, or one without the OpenSearch counts.
 */
export function parseArxivAtom(xml: string, ctx: ParseContext): ArxivAtomOutcome {
  const feed = child(parseXml(xml), 'feed');
  if (!isElement(feed)) throw new MalformedResponseError('arXiv API: no Atom <feed> root');
  const entries = children(feed, 'entry');
  const error = entries.find(isErrorEntry);
  if (error !== undefined) {
    throw new ArxivApiError(collapseWhitespace(childText(error, 'summary') ?? 'unknown error'), childText(error, 'id')?.trim());
  }
  const counts = {
    totalResults: feedCount(feed, 'opensearch:totalResults'),
    startIndex: feedCount(feed, 'opensearch:startIndex'),
    itemsPerPage: feedCount(feed, 'opensearch:itemsPerPage'),
  };

  const collector = new OutcomeCollector('arxiv-api', ctx.log);
  entries.forEach((entry, index) => {
    const id = childText(entry, 'id')?.trim();
    if (!id) return collector.reject({ index }, 'the entry has no <id>');
    const categories = children(entry, 'category').flatMap((c) => attribute(c, 'term') ?? []);
    const comment = childText(entry, 'arxiv:comment');
    collector.add({ index, id: normalizeArxivId(id)?.base ?? id }, {
      arxivId: id,
      title: childText(entry, 'title') ?? '',
      abstract: childText(entry, 'summary') ?? '',
      authors: children(entry, 'author').flatMap((author) => childText(author, 'name') ?? []),
      categories,
      primaryCategory: attribute(child(entry, 'arxiv:primary_category'), 'term') ?? categories[0],
      publishedAt: childText(entry, 'published')?.trim(),
      updatedAt: childText(entry, 'updated')?.trim(),
      comment,
      journalRef: childText(entry, 'arxiv:journal_ref'),
      doi: childText(entry, 'arxiv:doi'),
      links: { github: comment?.match(GITHUB_IN_TEXT)?.[0].replace(/\.+$/, '') },
      source: 'arxiv-api',
    });
  });
  return { ...collector.outcome(), ...counts };
}
