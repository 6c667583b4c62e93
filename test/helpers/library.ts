import { readFileSync } from 'node:fs';
import { ManualClock } from '../../src/clock.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { Corpus } from '../../src/corpus/corpus.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import { parseArxivAtom } from '../../src/corpus/sources/arxiv-atom.ts';
import { parseHfDailyPapers } from '../../src/corpus/sources/hf-daily.ts';
import { PaperSearch } from '../../src/index/paper-search.ts';
import { silentLogger } from '../../src/logger.ts';

/** Reads a file of test/fixtures as text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** The Hugging Face Daily Papers fixture as papers observed at `observedAt`. */
export function hfDailyPapers(observedAt: Date): Paper[] {
  return parseHfDailyPapers(JSON.parse(fixture('hf-daily-papers.json')), { observedAt, log: silentLogger }).papers;
}

/** The arXiv API fixture as papers. */
export function arxivPapers(observedAt: Date): Paper[] {
  return parseArxivAtom(fixture('arxiv-query.atom.xml'), { observedAt, log: silentLogger }).papers;
}

/** The bundled corpus, plus (optionally) the HF and arXiv fixtures, searchable, on a manual clock. */
export function testLibrary(options: { withSources?: boolean; now?: string } = {}): { search: PaperSearch; clock: ManualClock } {
  const clock = new ManualClock(options.now ?? '2025-01-24T12:00:00Z');
  const corpus = new Corpus(loadBundledPapers(silentLogger));
  const search = PaperSearch.fromCorpus(corpus, clock);
  if (options.withSources) {
    search.ingest(hfDailyPapers(clock.now()));
    search.ingest(arxivPapers(clock.now()));
  }
  return { search, clock };
}

const fixtureObservedAt = new Date('2025-01-24T12:00:00Z');
let fixturePapers: Paper[] | undefined;

/** Every paper of the HF Daily Papers and arXiv API fixtures. */
export function allFixturePapers(): Paper[] {
  fixturePapers ??= [...hfDailyPapers(fixtureObservedAt), ...arxivPapers(fixtureObservedAt)];
  return fixturePapers;
}

/** A paper of the HF or arXiv fixtures by its arXiv id (throws if there is none). */
export function fixturePaper(id: string): Paper {
  const paper = allFixturePapers().find((p) => p.id === id);
  if (!paper) throw new Error(`no fixture paper ${id}`);
  return paper;
}
