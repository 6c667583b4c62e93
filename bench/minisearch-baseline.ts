/**
 * The "before" of the benchmark: plain MiniSearch with default-style settings (every field fuzzy 0.2
 * and prefix, OR, title boosted), as measured before the project began. Run with `--baseline`.
 */
import MiniSearch from 'minisearch';
import type { Paper } from '../src/corpus/paper.ts';
import type { BenchQuery } from './queries.ts';
import { percentiles, type Percentiles } from './stats.ts';

/** What the baseline measured. */
export interface BaselineMeasurement {
  buildMs: number;
  search: Percentiles;
  typoFoundTop5: number;
  typoQueries: number;
}

/** Builds the baseline index over `papers` and times `queries` against it. */
export function measureBaseline(papers: readonly Paper[], queries: readonly BenchQuery[]): BaselineMeasurement {
  const started = performance.now();
  const mini = new MiniSearch<{ id: string; title: string; keywords: string; abstract: string; authors: string }>({
    fields: ['title', 'keywords', 'abstract', 'authors'],
    searchOptions: { boost: { title: 3, keywords: 2 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' },
  });
  mini.addAll(
    papers.map((p) => ({ id: p.id, title: p.title, keywords: p.keywords.join(' '), abstract: p.abstract, authors: p.authors.join(' ') })),
  );
  const buildMs = performance.now() - started;
  const times: number[] = [];
  let typoTop5 = 0;
  let typoQueries = 0;
  for (const q of queries) {
    const start = performance.now();
    const results = mini.search(q.text);
    times.push(performance.now() - start);
    if (q.kind === 'title-typo' && q.targetId) {
      typoQueries++;
      if (results.slice(0, 5).some((r) => r.id === q.targetId)) typoTop5++;
    }
  }
  return { buildMs, search: percentiles(times), typoFoundTop5: typoTop5, typoQueries };
}
