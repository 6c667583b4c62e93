/**
 * `npm run bench`: search speed at scale. For each corpus size it generates a synthetic corpus whose
 * word statistics come from the bundled papers, builds and saves the index, then starts a fresh process
 * that loads it cold (as the bot does) and times 500 realistic queries and 300 related-paper lookups.
 * "command" is `/papers search <query>` end to end: dispatch, validation, search, cards, terminal rendering.
 * The round trips offer `/papers search` in an open loop at fixed arrival rates (see open-loop.ts): signed
 * slash commands through the real Bolt HTTP receiver, and interactions over the gateway to the real
 * discord.js client, with Slack and Discord played by a separate process whose CPU is reported apart.
 * It also times start-up on the bundled corpus (npm start, node dist/main.js --once).
 * It prints tables and asserts nothing about time.
 *
 *   npm run bench                         # 10k and 100k papers
 *   npm run bench -- --sizes 2000,20000   # other sizes
 *   npm run bench -- --plans              # also the same queries under alternative query plans
 *   npm run bench -- --baseline           # also plain MiniSearch with default-style settings (slow)
 *   npm run bench -- --rt-rates 50,100 --rt-duration 3000   # other open-loop rates (per second) and step length (ms)
 * It ends with the fan-out of a daily post to 1,000 channels through the paced sender (simulated time), start-up
 * times, and the answers section (bench/answer-latency.ts): answer latency on a 50-page paper and answer quality.
 * With BENCH_DATABASE_URL (or TEST_DATABASE_URL) set to a PostgreSQL database, also the replicas section
 * (bench/replicas.ts): a 1,000-channel fan-out across three replicas, and how soon a paper one inserts is
 * found on another.
 * The scale section (bench/scale.ts, issue #11) measures real bot processes at 100k and 300k papers by default:
 * start, first command on Slack and Discord, memory over 20 refreshes, event-loop stalls, imports.
 *   npm run bench -- --only scale --sizes 100000,300000   # sections: start, fanout, search, scale, replicas, answers
 *   npm run bench -- --only scale --keep-data /tmp/pb     # keep each size's corpus, data directory and bot logs; reuse the data
 *   npm run bench -- --only scale --big-import            # also import a 1 GB JSON Lines file
 *   npm run bench -- --only scale --refreshes 3           # fewer than the 20 refreshes (a quick check)
 *   npm run bench -- --only scale --cpu-prof /tmp/prof    # a CPU profile of the bot through the refreshes and the import
 *                                                          # (read it with bench/busy-stretches.ts)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundledPapers } from '../src/corpus/bundled.ts';
import { writeIndexFile } from '../src/index/index-file.ts';
import { PaperIndex } from '../src/index/paper-index.ts';
import { LIBRARY_FILES } from '../src/library/open-library.ts';
import { toIndexDoc } from '../src/library/paper-library.ts';
import { openSqliteStores } from '../src/store/sqlite/sqlite-store.ts';
import { silentLogger } from '../src/logger.ts';
import type { Measurement } from './measure.ts';
import { measureBaseline, type BaselineMeasurement } from './minisearch-baseline.ts';
import { formatFanout, formatFanoutFaults, measureFanout, measureFanoutOverWorkspaces, measureFanoutWithFaults } from './fanout.ts';
import { formatAnswers, measureAnswers } from './answer-latency.ts';
import { generateQueries } from './queries.ts';
import { generateCorpus } from './synthetic-corpus.ts';
import { formatOpenLoop } from './open-loop.ts';
import { formatStartTimes, measureStartTimes } from './start-time.ts';
import { formatReplicas, measureReplicas } from './replicas.ts';
import { formatScale, measureScale } from './scale.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizesArg = flag('--sizes');
const sizes = sizesArg ? sizesArg.split(',').map(Number) : [10_000, 100_000];
const SECTIONS = ['start', 'fanout', 'search', 'scale', 'replicas', 'answers'] as const;
const only = flag('--only')?.split(',');
const unknown = only?.filter((name) => !(SECTIONS as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0) throw new Error(`--only takes sections among ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
const runs = (section: (typeof SECTIONS)[number]): boolean => !only || only.includes(section);
const withBaseline = args.includes('--baseline');
const withPlans = args.includes('--plans');
const roundTripArgs = ['--rt-rates', '--rt-duration'].flatMap((name) => (args.includes(name) ? [name, args[args.indexOf(name) + 1]!] : []));
const QUERY_COUNT = 500;
const SEED = 20260126;

interface Row {
  size: number;
  generateMs: number;
  buildMs: number;
  saveMs: number;
  fileMb: number;
  terms: number;
  measured: Measurement;
  baseline?: BaselineMeasurement;
}

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const seconds = (n: number): string => `${(n / 1000).toFixed(2)} s`;

async function run(size: number): Promise<Row> {
  const basis = loadBundledPapers(silentLogger);
  let t = performance.now();
  const papers = generateCorpus({ size, seed: SEED, basis, now: new Date('2026-11-01T00:00:00Z') });
  const generateMs = performance.now() - t;
  const queries = generateQueries({ corpus: papers, count: QUERY_COUNT, seed: SEED + 1 });
  // Warm-up queries are different ones, so the timed queries find no cached typo expansions.
  const warmup = generateQueries({ corpus: papers, count: 200, seed: SEED + 2 });

  t = performance.now();
  const index = PaperIndex.build(papers.map(toIndexDoc));
  const buildMs = performance.now() - t;

  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  try {
    const stores = openSqliteStores(join(dir, 'paperboy.db'));
    for (let i = 0; i < papers.length; i += 1000) await stores.papers.upsert(papers.slice(i, i + 1000));
    const stamp = { libraryId: await stores.papers.libraryId(), seq: await stores.papers.lastSeq() };
    await stores.close();
    t = performance.now();
    writeIndexFile(join(dir, LIBRARY_FILES.index), index.snapshot(), stamp);
    const saveMs = performance.now() - t;
    const queriesPath = join(dir, 'queries.json');
    writeFileSync(queriesPath, JSON.stringify({ warmup, timed: queries }));
    const measureScript = fileURLToPath(new URL('./measure.ts', import.meta.url));
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', measureScript, dir, queriesPath, ...(withPlans ? ['--plans'] : []), ...roundTripArgs], {
      encoding: 'utf8',
      maxBuffer: 16 * 2 ** 20,
    });
    const row: Row = {
      size,
      generateMs,
      buildMs,
      saveMs,
      fileMb: statSync(join(dir, LIBRARY_FILES.index)).size / 2 ** 20,
      terms: index.termCount,
      measured: JSON.parse(output) as Measurement,
    };
    if (withBaseline) row.baseline = measureBaseline(papers, queries);
    return row;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (runs('start')) process.stderr.write('timing start-up…\n');
const startTimes = runs('start') ? measureStartTimes() : undefined;
// The fan-out runs first, so its memory figure is not the corpus's.
if (runs('fanout')) process.stderr.write('simulating a daily post to 1,000 channels…\n');
const fanout = runs('fanout') ? await measureFanout({ channels: 1000 }) : undefined;
const fanoutWithFaults = runs('fanout') ? await measureFanoutWithFaults() : undefined;
if (runs('fanout')) process.stderr.write('simulating a daily post to 100 workspaces × 10 channels…\n');
const fanoutWorkspaces = runs('fanout') ? await measureFanoutOverWorkspaces() : undefined;
const replicasDatabaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (runs('replicas') && replicasDatabaseUrl) process.stderr.write('three replicas on PostgreSQL: fan-out to 1,000 channels, then insert-to-search lag…\n');
const replicas = runs('replicas') && replicasDatabaseUrl ? await measureReplicas(replicasDatabaseUrl) : undefined;

const rows: Row[] = [];
for (const size of runs('search') ? sizes : []) {
  process.stderr.write(`benchmarking ${size.toLocaleString('en')} papers…\n`);
  rows.push(await run(size));
}

const keepData = flag('--keep-data');
const cpuProfileDir = flag('--cpu-prof');
const scale = runs('scale')
  ? await measureScale({
      sizes: sizesArg ? sizes : [100_000, 300_000],
      ...(keepData ? { keepData: resolve(keepData) } : {}),
      ...(cpuProfileDir ? { cpuProfileDir: resolve(cpuProfileDir) } : {}),
      bigImport: args.includes('--big-import'),
      refreshes: Number(flag('--refreshes') ?? 20),
      onceRuns: 5,
      progress: (text) => process.stderr.write(`${text}\n`),
    })
  : undefined;

const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
const out: string[] = [];
if (rows.length > 0) {
  out.push(`Paperboy search benchmark: Node ${process.version}, ${QUERY_COUNT} queries, 300 related lookups, cold start in a fresh process; targets at 100k: search p99 ≤ 15 ms, related p99 ≤ 15 ms, command p99 ≤ 30 ms`);
  out.push('');
  out.push(line(['papers', 'terms', 'build', 'save', 'index file', 'load index', 'RSS index only', 'load corpus', 'RSS with papers', 'heap', 'search p50', 'p95', 'p99', 'max', 'related p50', 'p99', 'command p50', 'p99']));
  out.push(line(Array(18).fill('---')));
  for (const r of rows) {
    const m = r.measured;
    out.push(line([
      r.size.toLocaleString('en'), r.terms.toLocaleString('en'), seconds(r.buildMs), seconds(r.saveMs), `${r.fileMb.toFixed(0)} MB`,
      seconds(m.indexLoadMs), `${m.indexRssMb.toFixed(0)} MB`, seconds(m.corpusLoadMs), `${m.rssMb.toFixed(0)} MB`, `${m.heapMb.toFixed(0)} MB`,
      `${ms(m.search.p50)} ms`, `${ms(m.search.p95)} ms`, `${ms(m.search.p99)} ms`, `${ms(m.search.max)} ms`,
      `${ms(m.related.p50)} ms`, `${ms(m.related.p99)} ms`, `${ms(m.command.p50)} ms`, `${ms(m.command.p99)} ms`,
    ]));
  }
  out.push('');
  out.push('Round trips, open loop: `/papers search` offered at fixed rates; latency from when each request was due (so a late generator');
  out.push('cannot hide a slow bot); ack = the HTTP response / first interaction callback, answer = the posted result; CPU as a share of one core.');
  out.push(...formatOpenLoop(rows.flatMap((r) => [
    { papers: r.size, platform: 'Slack', steps: r.measured.slack },
    { papers: r.size, platform: 'Discord', steps: r.measured.discord },
  ])));
  out.push('');
  out.push(line(['papers', 'query kind', 'count', 'p50', 'p99']));
  out.push(line(Array(5).fill('---')));
  for (const r of rows) {
    for (const [kind, p] of Object.entries(r.measured.searchByKind)) {
      out.push(line([r.size.toLocaleString('en'), kind, String(p.count), `${ms(p.p50)} ms`, `${ms(p.p99)} ms`]));
    }
  }
  out.push('');
  out.push(line(['papers', 'avg postings scanned', 'avg matches', 'typo → target in top 5', 'typo → top 10', 'title words → top 5']));
  out.push(line(Array(6).fill('---')));
  for (const r of rows) {
    const m = r.measured;
    const share = (n: number, of: number): string => `${n}/${of} (${of ? Math.round((100 * n) / of) : 0}%)`;
    out.push(line([
      r.size.toLocaleString('en'), Math.round(m.avgPostingsScanned).toLocaleString('en'), Math.round(m.avgMatches).toLocaleString('en'),
      share(m.typoFoundTop5, m.typoQueries), share(m.typoFoundTop10, m.typoQueries), share(m.titleFoundTop5, m.titleQueries),
    ]));
  }
  if (rows.some((r) => r.measured.alternatives.length > 0)) {
    out.push('');
    out.push('Query plans, one idea at a time (same index, same queries)');
    out.push(line(['papers', 'plan', 'p50', 'p95', 'p99', 'avg postings scanned', 'typo → top 5']));
    out.push(line(Array(7).fill('---')));
    for (const r of rows) {
      const runs = [{ name: 'default: exact first, fuzzy (and swapped letters) for unknown or rare words, prefix on the last word, bounded expansions', ...r.measured }, ...r.measured.alternatives];
      for (const run of runs) {
        out.push(line([r.size.toLocaleString('en'), run.name, `${ms(run.search.p50)} ms`, `${ms(run.search.p95)} ms`, `${ms(run.search.p99)} ms`,
          Math.round(run.avgPostingsScanned).toLocaleString('en'), `${run.typoFoundTop5}/${run.typoQueries}`]));
      }
    }
  }
  if (rows.some((r) => r.baseline)) {
    out.push('');
    out.push('Baseline: plain MiniSearch, fuzzy 0.2 + prefix on every field, OR (same corpus and queries, in-process)');
    out.push(line(['papers', 'build', 'search p50', 'p95', 'p99', 'typo → top 5']));
    out.push(line(Array(6).fill('---')));
    for (const r of rows) {
      const b = r.baseline;
      if (!b) continue;
      out.push(line([r.size.toLocaleString('en'), seconds(b.buildMs), `${ms(b.search.p50)} ms`, `${ms(b.search.p95)} ms`, `${ms(b.search.p99)} ms`,
        `${b.typoFoundTop5}/${b.typoQueries}`]));
    }
  }
  out.push('');
}
if (scale) out.push(...formatScale(scale), '');
if (fanout && fanoutWithFaults && fanoutWorkspaces) {
  out.push('Daily post fan-out through the paced sender, simulated Slack-like limits (1 msg/s per channel, burst 3; workspace 50/s), 50 ms per call (memory: this process, measured before any corpus was built)');
  out.push(formatFanout(fanout));
  out.push('');
  out.push('The same with one channel hung (its first 3 calls hang until the 10 s request timeout, then a look-up) and one answering 429 twenty times (Retry-After 1 s); the others against the bound for them alone (simulated time)');
  out.push(formatFanoutFaults(fanoutWithFaults));
  out.push('');
  out.push('Daily post to 100 Slack workspaces × 10 channels, each workspace limited on its own, against the bound of one workspace alone (target ≤ 1.2×): the Slack-like limits above, a tight workspace cap of 5/s (burst 5), and that cap with one budget shared by all workspaces (the sender before per-workspace budgets); simulated time');
  out.push(formatFanout(fanoutWorkspaces));
  out.push('');
}
if (runs('replicas')) {
  out.push(...(replicas ? formatReplicas(replicas) : ['Replicas: skipped (set BENCH_DATABASE_URL to a PostgreSQL database to measure three replicas)']));
  out.push('');
}
if (startTimes) out.push(...formatStartTimes(startTimes));
if (runs('answers')) out.push(formatAnswers(await measureAnswers()));
process.stdout.write(`${out.join('\n')}\n`);
