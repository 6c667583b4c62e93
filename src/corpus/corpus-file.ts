import { existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import type { Corpus } from './corpus.ts';
import { readJsonLinesFile, writeJsonLinesFile } from './sources/jsonl.ts';
import type { Paper } from './paper.ts';

/** Where the running corpus lives inside the data directory (signal snapshots live in the database). */
export const CORPUS_FILES = {
  papers: 'corpus.jsonl',
  index: 'search-index.bin',
} as const;

/** Saves the corpus's papers as JSON Lines in `dataDir`, atomically. */
export function saveCorpus(dataDir: string, corpus: Corpus): void {
  mkdirSync(dataDir, { recursive: true });
  writeJsonLinesFile(join(dataDir, CORPUS_FILES.papers), corpus.papers());
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
 * order: a saved index is used only when it was built from exactly this corpus.
 */
export function corpusFingerprint(papers: Iterable<Paper>): string {
  const lines: string[] = [];
  for (const p of papers) {
    lines.push([p.id, p.titleDisplay, p.abstractDisplay, p.keywords.join(','), p.authors.join(','), p.publishedAt ?? p.featuredOn ?? '', p.signals?.upvotes ?? ''].join('\t'));
  }
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}
