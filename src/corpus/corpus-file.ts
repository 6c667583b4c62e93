import { existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import type { Corpus } from './corpus.ts';
import { runSteps, type Steps } from '../util/steps.ts';
import { jsonLinesFileSteps, readJsonLinesFile } from './sources/jsonl.ts';
import type { Paper } from './paper.ts';

/** Where the running corpus lives inside the data directory (signal snapshots live in the database). */
export const CORPUS_FILES = {
  papers: 'corpus.jsonl',
  index: 'search-index.bin',
} as const;

/** Papers digested between pauses of {@link corpusFingerprintSteps}. */
const FINGERPRINT_SLICE = 5000;

/** Saves papers as the corpus file of `dataDir`, atomically, pausing as it goes (see {@link Steps}). */
export function* saveCorpusSteps(dataDir: string, papers: Iterable<Paper>): Steps<void> {
  mkdirSync(dataDir, { recursive: true });
  yield* jsonLinesFileSteps(join(dataDir, CORPUS_FILES.papers), papers);
}

/** Saves the corpus's papers as JSON Lines in `dataDir`, atomically. */
export function saveCorpus(dataDir: string, corpus: Corpus): void {
  runSteps(saveCorpusSteps(dataDir, corpus.papers()));
}

/** Reads the saved papers of `dataDir` (none if it has no corpus yet). */
export function readSavedPapers(dataDir: string, log: Logger): Paper[] {
  const papersPath = join(dataDir, CORPUS_FILES.papers);
  if (!existsSync(papersPath)) return [];
  const { papers, rejected } = readJsonLinesFile(papersPath, log);
  if (rejected.length > 0) log.warn({ path: papersPath, rejected: rejected.length }, 'saved corpus has invalid lines; they were skipped');
  return papers;
}

/**
 * A digest of everything the index depends on (ids, searchable text, date, upvotes), independent of
 * order: a saved index is used only when it was built from exactly this corpus. Pauses as it goes.
 */
export function* corpusFingerprintSteps(papers: Iterable<Paper>): Steps<string> {
  const lines: string[] = [];
  for (const p of papers) {
    lines.push([p.id, p.titleDisplay, p.abstractDisplay, p.keywords.join(','), p.authors.join(','), p.publishedAt ?? p.featuredOn ?? '', p.signals?.upvotes ?? ''].join('\t'));
    if (lines.length % FINGERPRINT_SLICE === 0) yield;
  }
  lines.sort();
  yield;
  const hash = createHash('sha256');
  for (let i = 0; i < lines.length; i++) {
    hash.update(lines[i]!).update('\n');
    if (i % FINGERPRINT_SLICE === FINGERPRINT_SLICE - 1) yield;
  }
  return hash.digest('hex');
}

/** {@link corpusFingerprintSteps} at once. */
export function corpusFingerprint(papers: Iterable<Paper>): string {
  return runSteps(corpusFingerprintSteps(papers));
}
