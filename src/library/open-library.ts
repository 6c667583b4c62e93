import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { loadBundledPapers } from '../corpus/bundled.ts';
import { SIGNAL_HISTORY_MS, SignalHistory } from '../corpus/signal-history.ts';
import { readIndexFile } from '../index/index-file.ts';
import { PaperIndex } from '../index/paper-index.ts';
import type { Logger } from '../logger.ts';
import { SUBSCRIPTION_CURSOR, type PaperStore } from '../store/paper-store.port.ts';
import type { Stores } from '../store/store.ts';
import { importFile } from './importer.ts';
import { PaperLibrary } from './paper-library.ts';

/** Files the library keeps in the data directory. */
export const LIBRARY_FILES = {
  /** The search index, a cache of the database (rebuilt when missing or from another database). */
  index: 'search-index.bin',
  /** The corpus file of releases before papers lived in the database; migrated on first start. */
  legacyCorpus: 'corpus.jsonl',
} as const;

/** What a start-up step reports, so a slow first start says what it is doing. */
export type LibraryProgress =
  | { step: 'migrating'; papers: number; file: string }
  | { step: 'indexing'; papers: number; of: number };

/** Where the library keeps its files, and its collaborators. */
export interface OpenLibraryOptions {
  stores: Pick<Stores, 'papers' | 'snapshots'>;
  /** Where the index file (and an earlier release's corpus file) live; none: the index is built in memory. */
  dataDir?: string;
  log: Logger;
  clock: Clock;
  onProgress?: (progress: LibraryProgress) => void;
}

/**
 * Opens the papers: migrates a `corpus.jsonl` left by an earlier release into the database (once; the file
 * is kept as `corpus.jsonl.migrated`), adds the bundled papers (unchanged ones cost nothing), loads the saved
 * index when it was made from this database and applies only the changes made after it; otherwise builds the
 * index from the database. Loading reads no paper text: only changed rows are read.
 */
export async function openPaperLibrary({ stores, dataDir, log, clock, onProgress }: OpenLibraryOptions): Promise<PaperLibrary> {
  if (dataDir !== undefined) await migrateLegacyCorpus(stores, dataDir, log, clock, onProgress);
  await stores.papers.upsert(loadBundledPapers(log));
  await startSubscriptionsHere(stores.papers);
  const history = new SignalHistory(await stores.snapshots.since(new Date(clock.now().getTime() - SIGNAL_HISTORY_MS)));
  const started = performance.now();
  const saved = dataDir === undefined ? 'missing' : readIndexFile(join(dataDir, LIBRARY_FILES.index));
  const libraryId = await stores.papers.libraryId();
  const lastSeq = await stores.papers.lastSeq();
  let library: PaperLibrary;
  if (typeof saved !== 'string' && saved.stamp.libraryId === libraryId && saved.stamp.seq <= lastSeq) {
    library = new PaperLibrary(stores.papers, PaperIndex.fromSnapshot(saved.snapshot), saved.stamp, history, clock, log);
    log.info({ papers: library.stats().papers, seq: saved.stamp.seq, ms: Math.round(performance.now() - started) }, 'search index loaded');
  } else {
    const why = typeof saved === 'string' ? saved : saved.stamp.libraryId !== libraryId ? 'from another database' : 'newer than the database';
    const of = await stores.papers.count();
    library = await PaperLibrary.build(stores.papers, history, clock, log, (papers) => onProgress?.({ step: 'indexing', papers, of }));
    log.info({ papers: library.stats().papers, previousIndex: why, ms: Math.round(performance.now() - started) }, 'search index built from the database');
  }
  const caughtUp = await library.catchUp();
  if (caughtUp.applied > 0) log.info({ changes: caughtUp.applied, seq: caughtUp.seq }, 'search index caught up with the database');
  return library;
}

/**
 * On the very first start, subscriptions begin with the papers that come after it: the bundled papers and
 * a migrated corpus are not news. (Later imports, made while the bot runs or not, are.)
 */
export async function startSubscriptionsHere(papers: PaperStore): Promise<void> {
  if ((await papers.cursor(SUBSCRIPTION_CURSOR)) === undefined) await papers.moveCursor(SUBSCRIPTION_CURSOR, undefined, await papers.lastSeq());
}

/**
 * Moves the papers of an earlier release's `corpus.jsonl` into the database, streamed in batches, then
 * renames the file to `corpus.jsonl.migrated` (kept until the user deletes it). Interrupted, it simply runs
 * again at the next start: papers already moved are unchanged.
 */
async function migrateLegacyCorpus(
  stores: Pick<Stores, 'papers'>,
  dataDir: string,
  log: Logger,
  clock: Clock,
  onProgress: OpenLibraryOptions['onProgress'],
): Promise<void> {
  const file = join(dataDir, LIBRARY_FILES.legacyCorpus);
  if (!existsSync(file)) return;
  const started = performance.now();
  const report = await importFile(file, {
    store: stores.papers,
    observedAt: clock.now(),
    log,
    onProgress: (progress) => onProgress?.({ step: 'migrating', papers: progress.papers, file }),
  });
  if (report.refused) {
    log.error({ file, reason: report.refused }, 'could not move the saved corpus into the database; it is left in place');
    return;
  }
  renameSync(file, `${file}.migrated`);
  log.info(
    { file, papers: report.read, added: report.added, rejected: report.rejected.length, ms: Math.round(performance.now() - started) },
    'moved the saved corpus into the database; the old file is kept as corpus.jsonl.migrated',
  );
}
