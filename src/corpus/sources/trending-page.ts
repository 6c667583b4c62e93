import { createPaper, InvalidPaperError, type ParseOutcome, type Paper } from '../paper.ts';
import type { Logger } from '../../logger.ts';

/** A title is a line of at most this many characters... */
const MAX_TITLE_CHARS = 300;
/** ...followed by an abstract of at least this many. Page chrome ("Subscribe", "Mar 14") is neither. */
const MIN_ABSTRACT_CHARS = 200;

/**
 * Parses the text of the Hugging Face trending papers page, as copied from a browser: page chrome, then
 * each paper as a title line followed by its abstract, separated by blank lines. Papers get stable ids
 * from their titles and keep the page order as `bundledRank`. Lines that are neither are skipped.
 */
export function parseTrendingPage(text: string, log: Logger): ParseOutcome {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const papers: Paper[] = [];
  const rejected: ParseOutcome['rejected'] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const title = lines[i]!;
    const abstract = lines[i + 1];
    if (title.length > MAX_TITLE_CHARS || abstract === undefined || abstract.length < MIN_ABSTRACT_CHARS) continue;
    i++;
    try {
      const paper = createPaper({ title, abstract, source: 'bundled', bundledRank: papers.length + 1 });
      if (seen.has(paper.id)) {
        rejected.push({ index: i, id: paper.id, reason: `duplicate title: ${paper.title}` });
        log.warn({ source: 'bundled', id: paper.id }, 'skipped a duplicate title');
        continue;
      }
      seen.add(paper.id);
      papers.push(paper);
    } catch (error) {
      if (!(error instanceof InvalidPaperError)) throw error;
      rejected.push({ index: i, reason: error.message });
      log.warn({ source: 'bundled', index: i, reason: error.message }, 'skipped an invalid item');
    }
  }
  return { papers, rejected };
}
