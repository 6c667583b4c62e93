import type { ParseOutcome } from '../paper.ts';
import type { Logger } from '../../logger.ts';
import { repairFlattenedTex } from '../normalize.ts';
import { titleId } from '../paper.ts';
import { OutcomeCollector } from './outcome.ts';

/** A title is a line of at most this many characters... */
const MAX_TITLE_CHARS = 300;
/** ...followed by an abstract of at least this many. Page chrome ("Subscribe", "Mar 14") is neither. */
const MIN_ABSTRACT_CHARS = 200;

/**
 * Parses the text of the Hugging Face trending papers page, as copied from a browser: page chrome, then
 * each paper as a title line followed by its abstract, separated by blank lines. Papers get stable ids
 * from their titles and keep the page order as `bundledRank`. Lines that are neither are skipped; a title
 * seen twice is kept once. The page shows math rendered, so copied text has lost its TeX backslashes
 * (`f_theta`, `Tsharpmu`): abstracts are repaired (`f_θ`, `T♯μ`; TeX that lost its backslashes is no use
 * raw either). Titles are kept as copied, so a paper's id (from its title) never changes.
 */
export function parseTrendingPage(text: string, log: Logger): ParseOutcome {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const collector = new OutcomeCollector('bundled', log);
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const title = lines[i]!;
    const abstract = lines[i + 1];
    if (title.length > MAX_TITLE_CHARS || abstract === undefined || abstract.length < MIN_ABSTRACT_CHARS) continue;
    i++;
    const id = titleId(title);
    if (seen.has(id)) {
      collector.reject({ index: i, id }, `duplicate title: ${title}`);
      continue;
    }
    seen.add(id);
    collector.add({ index: i, id }, { title, abstract: repairFlattenedTex(abstract), source: 'bundled', bundledRank: seen.size });
  }
  return collector.outcome();
}
