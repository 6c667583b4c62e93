/**
 * Child process of the benchmark: starts cold like the bot does (reads the saved corpus and index from a
 * data directory), then times searches and related-paper lookups. Prints one JSON object to stdout.
 *   node --expose-gc --import tsx bench/measure.ts DATA_DIR QUERIES_JSON FINGERPRINT
 * The index is loaded first, so the memory it takes is measured apart from the paper objects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../src/clock.ts';
import { Corpus } from '../src/corpus/corpus.ts';
import { CORPUS_FILES, corpusFingerprint, readSavedCorpus } from '../src/corpus/corpus-file.ts';
import { readIndexFile } from '../src/index/index-file.ts';
import { PaperIndex } from '../src/index/paper-index.ts';
import { PaperSearch } from '../src/index/paper-search.ts';
import { silentLogger } from '../src/logger.ts';
import type { BenchQuery } from './queries.ts';
import { percentiles, type Percentiles } from './stats.ts';

/** What one cold start and query run measured. */
export interface Measurement {
  corpusLoadMs: number;
  indexLoadMs: number;
  /** Resident memory with only the index loaded. */
  indexRssMb: number;
  /** Resident memory with the index and every paper object loaded (what the bot holds today). */
  rssMb: number;
  heapMb: number;
  search: Percentiles;
  searchByKind: Record<string, Percentiles>;
  related: Percentiles;
  avgPostingsScanned: number;
  avgMatches: number;
  typoFoundTop5: number;
  typoFoundTop10: number;
  titleFoundTop5: number;
  typoQueries: number;
  titleQueries: number;
}

const [dataDir, queriesPath, fingerprint] = process.argv.slice(2);
if (!dataDir || !queriesPath || !fingerprint) throw new Error('usage: measure.ts DATA_DIR QUERIES_JSON FINGERPRINT');
const queries = JSON.parse(readFileSync(queriesPath, 'utf8')) as BenchQuery[];
const rss = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

let t = performance.now();
const snapshot = readIndexFile(join(dataDir, CORPUS_FILES.index), fingerprint);
if (typeof snapshot === 'string') throw new Error(`index file is ${snapshot}`);
const index = PaperIndex.fromSnapshot(snapshot);
const indexLoadMs = performance.now() - t;
const indexRssMb = rss();

t = performance.now();
const saved = readSavedCorpus(dataDir, silentLogger);
const corpus = new Corpus(saved.papers, saved.snapshots);
if (corpusFingerprint(corpus.papers()) !== fingerprint) throw new Error('the saved corpus does not match the index');
const corpusLoadMs = performance.now() - t;
const search = new PaperSearch(corpus, index, systemClock);

// Warm-up pass (JIT), then the timed pass.
for (const q of queries.slice(0, 50)) search.search({ text: q.text, limit: 5 });

const times: number[] = [];
const byKind = new Map<string, number[]>();
let postings = 0;
let matches = 0;
let typoTop5 = 0;
let typoTop10 = 0;
let typoCount = 0;
let titleTop5 = 0;
let titleCount = 0;
for (const q of queries) {
  const start = performance.now();
  const result = search.search({ text: q.text, limit: 10 });
  const elapsed = performance.now() - start;
  times.push(elapsed);
  byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), elapsed]);
  // Untimed: the same query straight on the index, for its work counters.
  const page = index.search({ text: q.text, limit: 10 });
  postings += page.postingsScanned;
  matches += page.total;
  if (q.targetId) {
    const ids = result.papers.map((hit) => hit.paper.id);
    const rank = ids.indexOf(q.targetId);
    if (q.kind === 'title-typo') {
      typoCount++;
      if (rank >= 0 && rank < 5) typoTop5++;
      if (rank >= 0) typoTop10++;
    } else {
      titleCount++;
      if (rank >= 0 && rank < 5) titleTop5++;
    }
  }
}

const ids = index.ids();
const relatedTimes: number[] = [];
for (let i = 0; i < 300; i++) {
  const paper = corpus.get(ids[(i * 7919) % ids.length]!)!;
  const start = performance.now();
  search.related(paper, 5);
  relatedTimes.push(performance.now() - start);
}

const rssMb = rss();
const measurement: Measurement = {
  corpusLoadMs,
  indexLoadMs,
  indexRssMb,
  rssMb,
  heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  search: percentiles(times),
  searchByKind: Object.fromEntries([...byKind].map(([kind, list]) => [kind, percentiles(list)])),
  related: percentiles(relatedTimes),
  avgPostingsScanned: postings / queries.length,
  avgMatches: matches / queries.length,
  typoFoundTop5: typoTop5,
  typoFoundTop10: typoTop10,
  titleFoundTop5: titleTop5,
  typoQueries: typoCount,
  titleQueries: titleCount,
};
process.stdout.write(JSON.stringify(measurement));
