import { existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { Corpus, type SignalSnapshot } from './corpus.ts';
import { forEachLine, readJsonLinesFile, writeJsonLinesFile } from './sources/jsonl.ts';
import type { Paper } from './paper.ts';

/** Where the running corpus lives inside the data directory. */
export const CORPUS_FILES = {
  papers: 'corpus.jsonl',
  snapshots: 'signal-snapshots.jsonl',
  index: 'search-index.bin',
} as const;

/** Saves the corpus (papers and signal snapshots) as JSON Lines in `dataDir`, atomically per file. */
export function saveCorpus(dataDir: string, corpus: Corpus): void {
  mkdirSync(dataDir, { recursive: true });
  writeJsonLinesFile(join(dataDir, CORPUS_FILES.papers), corpus.papers());
  writeJsonLinesFile(join(dataDir, CORPUS_FILES.snapshots), corpus.snapshots());
}

/** Reads the saved papers and snapshots of `dataDir` (none if it has no corpus yet). */
export function readSavedCorpus(dataDir: string, log: Logger): { papers: Paper[]; snapshots: SignalSnapshot[] } {
  const papersPath = join(dataDir, CORPUS_FILES.papers);
  if (!existsSync(papersPath)) return { papers: [], snapshots: [] };
  const { papers, rejected } = readJsonLinesFile(papersPath, log);
  if (rejected.length > 0) log.warn({ path: papersPath, rejected: rejected.length }, 'saved corpus has invalid lines; they were skipped');
  const snapshotsPath = join(dataDir, CORPUS_FILES.snapshots);
  const snapshots: SignalSnapshot[] = [];
  if (existsSync(snapshotsPath)) {
    forEachLine(snapshotsPath, (line) => {
      if (line.trim() === '') return;
      try {
        const parsed = JSON.parse(line) as SignalSnapshot;
        if (typeof parsed.paperId === 'string' && !Number.isNaN(Date.parse(parsed.observedAt))) snapshots.push(parsed);
      } catch {
        log.warn({ path: snapshotsPath }, 'skipped an unreadable signal snapshot line');
      }
    });
  }
  return { papers, snapshots };
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
