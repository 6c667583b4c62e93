import { readFileSync } from 'node:fs';
import { ManualClock } from '../../src/clock.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import { parseArxivAtom } from '../../src/corpus/sources/arxiv-atom.ts';
import { parseHfDailyPapers } from '../../src/corpus/sources/hf-daily.ts';
import { openPaperLibrary } from '../../src/library/open-library.ts';
import { SUBSCRIPTION_CURSOR } from '../../src/store/paper-store.port.ts';
import type { PaperLibrary } from '../../src/library/paper-library.ts';
import { silentLogger } from '../../src/logger.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import type { Stores } from '../../src/store/store.ts';

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

/** A library, the stores it reads and its clock. */
export interface TestLibrary {
  library: PaperLibrary;
  clock: ManualClock;
  stores: Stores;
}

/**
 * The bundled corpus in a database (memory unless `stores` is given), plus (optionally) the HF and arXiv
 * fixtures, opened as the bot opens it, on a manual clock. The papers there at the start are not news to
 * subscriptions (as on a first start).
 */
export async function testLibrary(options: { withSources?: boolean; now?: string; stores?: Stores; clock?: ManualClock; dataDir?: string } = {}): Promise<TestLibrary> {
  const clock = options.clock ?? new ManualClock(options.now ?? '2025-01-24T12:00:00Z');
  const stores = options.stores ?? createMemoryStores();
  const library = await openPaperLibrary({ stores, log: silentLogger, clock, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  if (options.withSources) {
    await addPapers({ library, stores }, hfDailyPapers(clock.now()));
    await addPapers({ library, stores }, arxivPapers(clock.now()));
    const cursor = await stores.papers.cursor(SUBSCRIPTION_CURSOR);
    await stores.papers.moveCursor(SUBSCRIPTION_CURSOR, cursor, library.seq);
  }
  return { library, clock, stores };
}

/** Writes papers to the library's database and lets the library catch up, as a refresh or an import does. */
export async function addPapers(lib: Pick<TestLibrary, 'library' | 'stores'>, papers: readonly Paper[]): Promise<void> {
  await lib.stores.papers.upsert(papers);
  await lib.library.catchUp();
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
