import { collapseWhitespace, normalizeArxivId } from '../normalize.ts';
import { AnnounceTypeSchema, type AnnounceType, type ParseContext, type ParseOutcome } from '../paper.ts';
import { MalformedResponseError } from './errors.ts';
import { OutcomeCollector } from './outcome.ts';
import { child, childText, children, isElement, parseXml, textOf } from './xml.ts';

/** `arXiv:<id>v<N> Announce Type: <type> \nAbstract: <abstract>`; groups: the id, the announce type. */
const DESCRIPTION_HEADER = /^arXiv:(\S+) Announce Type: (\S+)\s*\nAbstract: /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The calendar date as written in an RFC 822 date (`Thu, 23 Jan 2025 00:00:00 -0500` → `2025-01-23`):
 * arXiv stamps feeds at midnight US Eastern, so the written date is the announcement day in Eastern time,
 * which a conversion to UTC could shift.
 */
function writtenDate(rfc822: string | undefined): string | undefined {
  const match = /(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})/.exec(rfc822 ?? '');
  const month = match ? MONTHS.indexOf(match[2]!) + 1 : 0;
  if (!match || month === 0) return undefined;
  return `${match[3]}-${String(month).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
}

/**
 * Splits `dc:creator` (`Ann Lee (MIT, USA), Bo Chen`) into names: commas inside parentheses do not
 * separate authors, and the parenthesized affiliations are dropped.
 */
function splitCreators(creators: string): string[] {
  const names = [''];
  let depth = 0;
  for (const char of creators) {
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (char === ',') names.push('');
    else names[names.length - 1] += char;
  }
  return names.map(collapseWhitespace).filter((name) => name !== '');
}

/**
 * Parses an arXiv RSS feed (`rss.arxiv.org/rss/<cat>`). Id and version come from `guid`, falling back to
 * the description header, then the link; the abstract is the description after its header. The first
 * category stands in for the primary one. The item date is the announcement day: it becomes `publishedAt`
 * for first announcements (`new`, `cross`) and `updatedAt` for replacements, which announce a later
 * version of an older paper. With `ctx.announceTypes`, other items are left out (not rejected).
 * `announcedOn` is the channel's announcement date (`YYYY-MM-DD`, US Eastern).
 * Throws {@link MalformedResponseError} for an empty, ill-formed or non-RSS body.
 */
export function parseArxivRss(
  xml: string,
  ctx: ParseContext & { announceTypes?: readonly AnnounceType[] },
): ParseOutcome & { announcedOn?: string } {
  const channel = child(child(parseXml(xml), 'rss'), 'channel');
  if (!isElement(channel)) throw new MalformedResponseError('arXiv RSS: no <rss><channel> root');

  const collector = new OutcomeCollector('arxiv-rss', ctx.log);
  children(channel, 'item').forEach((item, index) => {
    const description = childText(item, 'description') ?? '';
    const header = DESCRIPTION_HEADER.exec(description);
    const announceType = AnnounceTypeSchema.safeParse((childText(item, 'arxiv:announce_type') ?? header?.[2])?.trim()).data;
    if (ctx.announceTypes && !(announceType && ctx.announceTypes.includes(announceType))) return;

    const id = [childText(item, 'guid'), header?.[1], childText(item, 'link')]
      .map((candidate) => normalizeArxivId(candidate ?? ''))
      .find((parsed) => parsed !== null);
    if (!id) return collector.reject({ index }, 'no arXiv id in guid, description or link');
    const categories = children(item, 'category').flatMap((c) => textOf(c)?.trim() || []);
    const date = childText(item, 'pubDate')?.trim();
    const firstAnnouncement = announceType === 'new' || announceType === 'cross';
    const replacement = announceType === 'replace' || announceType === 'replace-cross';
    collector.add({ index, id: id.base }, {
      arxivId: id.base,
      version: id.version ?? undefined,
      title: childText(item, 'title') ?? '',
      abstract: header ? description.slice(header[0].length) : description,
      authors: children(item, 'dc:creator').flatMap((c) => splitCreators(textOf(c) ?? '')),
      categories,
      primaryCategory: categories[0],
      announceType,
      publishedAt: firstAnnouncement ? date : undefined,
      updatedAt: replacement ? date : undefined,
      doi: childText(item, 'arxiv:DOI'),
      journalRef: childText(item, 'arxiv:journal_reference'),
      source: 'arxiv-rss',
    });
  });
  const announcedOn = writtenDate(childText(channel, 'pubDate'));
  return announcedOn === undefined ? collector.outcome() : { ...collector.outcome(), announcedOn };
}
