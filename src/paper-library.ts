import { join } from 'node:path';
import type { Clock } from './clock.ts';
import { loadBundledPapers } from './corpus/bundled.ts';
import { Corpus, type SignalSnapshot } from './corpus/corpus.ts';
import { CORPUS_FILES, corpusFingerprint, corpusFingerprintSteps, readSavedPapers, saveCorpusSteps } from './corpus/corpus-file.ts';
import { readIndexFile, writeIndexFile } from './index/index-file.ts';
import { PaperIndex } from './index/paper-index.ts';
import { PaperSearch, toIndexDoc } from './index/paper-search.ts';
import type { Logger } from './logger.ts';
import { runStepsYielding } from './util/steps.ts';

/** Where the library keeps its files, and its collaborators. */
export interface PaperLibraryOptions {
  dataDir: string;
  log: Logger;
  clock: Clock;
  /** Signal history kept in the database, for trending velocity. */
  snapshots?: Iterable<SignalSnapshot>;
}

/**
 * Opens the corpus and its search index: the saved corpus in `dataDir` (if any) plus the bundled papers,
 * and the saved index when it was built from exactly this corpus; otherwise the index is rebuilt without
 * blocking the event loop, and saved for the next start.
 */
export async function openPaperLibrary({ dataDir, log, clock, snapshots = [] }: PaperLibraryOptions): Promise<PaperSearch> {
  const corpus = new Corpus(readSavedPapers(dataDir, log), snapshots);
  corpus.upsert(loadBundledPapers(log));
  const fingerprint = corpusFingerprint(corpus.papers());
  const indexPath = join(dataDir, CORPUS_FILES.index);
  const started = performance.now();
  const snapshot = readIndexFile(indexPath, fingerprint);
  if (typeof snapshot !== 'string') {
    const index = PaperIndex.fromSnapshot(snapshot);
    log.info({ papers: corpus.size, ms: Math.round(performance.now() - started) }, 'search index loaded');
    return new PaperSearch(corpus, index, clock);
  }
  const index = await PaperIndex.buildAsync([...corpus.papers()].map(toIndexDoc));
  log.info({ papers: corpus.size, ms: Math.round(performance.now() - started), previousIndex: snapshot }, 'search index built');
  try {
    writeIndexFile(indexPath, index.snapshot(), fingerprint);
  } catch (error) {
    log.warn({ path: indexPath, error: String(error) }, 'could not save the search index; it will be rebuilt next start');
  }
  return new PaperSearch(corpus, index, clock);
}

/**
 * Saves the corpus and the compacted index, so the next start loads them. It pauses every few milliseconds:
 * at 100k papers this is seconds of work, and a running bot must keep answering chat platforms meanwhile.
 * Changes made during the save are saved by the next one (a mismatch only makes the next start rebuild).
 */
export async function saveLibrary(search: PaperSearch, dataDir: string): Promise<void> {
  const papers = [...search.corpus.papers()];
  await runStepsYielding(saveCorpusSteps(dataDir, papers));
  const fingerprint = await runStepsYielding(corpusFingerprintSteps(papers));
  const snapshot = await search.index.compactYielding();
  writeIndexFile(join(dataDir, CORPUS_FILES.index), snapshot, fingerprint);
}
