/**
 * Child process of the benchmark: starts cold like the bot does (opens the database and loads the saved
 * index of a data directory), then times searches and related-paper lookups. Prints one JSON object.
 *   node --expose-gc --import tsx bench/measure.ts DATA_DIR QUERIES_JSON [--plans] [--rt-rates 50,100] [--rt-duration MS]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../src/clock.ts';
import { SignalHistory } from '../src/corpus/signal-history.ts';
import { readIndexFile } from '../src/index/index-file.ts';
import { PaperIndex, type QueryPlan } from '../src/index/paper-index.ts';
import { LIBRARY_FILES } from '../src/library/open-library.ts';
import { PaperLibrary } from '../src/library/paper-library.ts';
import { silentLogger } from '../src/logger.ts';
import { createBot } from '../bot.ts';
import { openSqliteStores } from '../src/store/sqlite/sqlite-store.ts';
import { renderMessage } from '../adapters/shell/render.ts';
import { measureDiscordRoundTrip } from './discord-roundtrip.ts';
import { measureSlackRoundTrip } from './slack-roundtrip.ts';
import { OPEN_LOOP_DURATION_MS, OPEN_LOOP_RATES, type OpenLoopStep } from './open-loop.ts';
import type { BenchQuery } from './queries.ts';
import { percentiles, type Percentiles } from './stats.ts';

/** What one pass of the queries measured. */
export interface QueryRun {
  search: Percentiles;
  searchByKind: Record<string, Percentiles>;
  avgPostingsScanned: number;
  avgMatches: number;
  typoFoundTop5: number;
  typoFoundTop10: number;
  titleFoundTop5: number;
  typoQueries: number;
  titleQueries: number;
}

/** What one cold start and query run measured. */
export interface Measurement extends QueryRun {
  corpusLoadMs: number;
  indexLoadMs: number;
  /** Resident memory with only the index loaded. */
  indexRssMb: number;
  /** Resident memory with the index and every paper object loaded (what the bot holds today). */
  rssMb: number;
  heapMb: number;
  related: Percentiles;
  /** `/papers search <query>` from dispatch to a rendered message (terminal renderer). */
  command: Percentiles;
  /** Signed `/papers search` slash commands through the real Bolt HTTP receiver, open loop at each rate. */
  slack: OpenLoopStep[];
  /** `/papers search` interactions over the real discord.js gateway client, open loop at each rate. */
  discord: OpenLoopStep[];
  /** The same queries under alternative query plans (with `--plans`). */
  alternatives: (QueryRun & { name: string })[];
}

const [dataDir, queriesPath] = process.argv.slice(2);
if (!dataDir || !queriesPath) throw new Error('usage: measure.ts DATA_DIR QUERIES_JSON');
const flag = (name: string): string | undefined => { const at = process.argv.indexOf(name); return at > 0 ? process.argv[at + 1] : undefined; };
const roundTripRates = flag('--rt-rates')?.split(',').map(Number) ?? [...OPEN_LOOP_RATES];
const roundTripMs = Number(flag('--rt-duration') ?? OPEN_LOOP_DURATION_MS);
const { warmup, timed: queries } = JSON.parse(readFileSync(queriesPath, 'utf8')) as { warmup: BenchQuery[]; timed: BenchQuery[] };
const rss = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

let t = performance.now();
const saved = readIndexFile(join(dataDir, LIBRARY_FILES.index));
if (typeof saved === 'string') throw new Error(`index file is ${saved}`);
const index = PaperIndex.fromSnapshot(saved.snapshot);
const indexLoadMs = performance.now() - t;
const indexRssMb = rss();

t = performance.now();
const stores = openSqliteStores(join(dataDir, 'paperboy.db'));
const search = new PaperLibrary(stores.papers, index, saved.stamp, new SignalHistory(), systemClock, silentLogger);
await search.catchUp();
const corpusLoadMs = performance.now() - t;

/** Times every query through PaperSearch (as commands will call it) and scores recall of the targets. */
async function runQueries(): Promise<QueryRun> {
  // Warm-up on other queries (JIT), so each plan is timed in the same state with no cached expansions.
  for (const q of warmup) await search.search({ text: q.text, limit: 10 });
  const times: number[] = [];
  const byKind = new Map<string, number[]>();
  const run = { postings: 0, matches: 0, typoTop5: 0, typoTop10: 0, typoCount: 0, titleTop5: 0, titleCount: 0 };
  for (const q of queries) {
    const start = performance.now();
    const result = await search.search({ text: q.text, limit: 10 });
    const elapsed = performance.now() - start;
    times.push(elapsed);
    byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), elapsed]);
    // Untimed: the same query straight on the index, for its work counters.
    const page = index.search({ text: q.text, limit: 10 });
    run.postings += page.postingsScanned;
    run.matches += page.total;
    if (!q.targetId) continue;
    const rank = result.papers.findIndex((hit) => hit.paper.id === q.targetId);
    if (q.kind === 'title-typo') {
      run.typoCount++;
      if (rank >= 0 && rank < 5) run.typoTop5++;
      if (rank >= 0) run.typoTop10++;
    } else {
      run.titleCount++;
      if (rank >= 0 && rank < 5) run.titleTop5++;
    }
  }
  return {
    search: percentiles(times),
    searchByKind: Object.fromEntries([...byKind].map(([kind, list]) => [kind, percentiles(list)])),
    avgPostingsScanned: run.postings / queries.length,
    avgMatches: run.matches / queries.length,
    typoFoundTop5: run.typoTop5,
    typoFoundTop10: run.typoTop10,
    titleFoundTop5: run.titleTop5,
    typoQueries: run.typoCount,
    titleQueries: run.titleCount,
  };
}

/** Query plans measured against the default, one idea at a time. */
const ALTERNATIVE_PLANS: { name: string; plan: Partial<QueryPlan> }[] = [
  { name: 'no typo tolerance', plan: { fuzzyMinLength: 1000 } },
  { name: 'two typo edits only from 8 letters (default: from 6)', plan: { fuzzyTwoEditsLength: 8 } },
  { name: 'fuzzy on every word, not only unknown or rare ones', plan: { rareExactDf: Number.MAX_SAFE_INTEGER } },
  { name: 'prefix on every word, not only the last', plan: { prefixWords: 'all' } },
  { name: 'unbounded fuzzy and prefix expansions', plan: { maxFuzzyExpansions: 100_000, maxPrefixExpansions: 100_000 } },
  {
    name: 'all of the above on (MiniSearch-style: fuzzy + prefix everywhere)',
    plan: { rareExactDf: Number.MAX_SAFE_INTEGER, prefixWords: 'all', maxFuzzyExpansions: 100_000, maxPrefixExpansions: 100_000 },
  },
];

const main = await runQueries();
const alternatives: (QueryRun & { name: string })[] = [];
if (process.argv.includes('--plans')) {
  for (const { name, plan } of ALTERNATIVE_PLANS) {
    index.configureQueries(plan);
    alternatives.push({ name, ...(await runQueries()) });
    index.configureQueries({});
  }
}

/** End to end: the bot's inbound side parses and validates, the command searches and builds cards, the terminal renders. */
async function measureCommands(): Promise<Percentiles> {
  const bot = createBot({
    clock: systemClock, log: silentLogger, library: search, stores, senderFor: () => undefined,
    status: { startedAt: new Date(), version: 'bench', sources: [] }, defaultTimeZone: 'UTC',
  });
  const where = {
    actor: { platform: 'bench', userId: 'U1', displayName: 'bench', canManageChannel: true },
    channel: { platform: 'bench', channelId: 'C1' },
    receivedAt: new Date(),
  };
  index.configureQueries({}); // default plan, empty expansion cache: the timed queries start cold
  const once = async (text: string): Promise<number> => {
    const start = performance.now();
    const result = await bot.command(`search ${text}`, where);
    renderMessage(result.reply, { color: false });
    return performance.now() - start;
  };
  for (const q of warmup) await once(q.text); // warm-up on other queries (JIT)
  const times: number[] = [];
  for (const q of queries) times.push(await once(q.text));
  return percentiles(times);
}

const ids = index.ids();
const relatedTimes: number[] = [];
for (let i = 0; i < 300; i++) {
  const paper = (await search.get(ids[(i * 7919) % ids.length]!))!;
  const start = performance.now();
  await search.related(paper, 5);
  relatedTimes.push(performance.now() - start);
}

const rssMb = rss();
const measurement: Measurement = {
  corpusLoadMs,
  indexLoadMs,
  indexRssMb,
  rssMb,
  heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  related: percentiles(relatedTimes),
  command: await measureCommands(),
  slack: await measureSlackRoundTrip(search, stores, queries.map((q) => q.text), roundTripRates, roundTripMs),
  discord: await measureDiscordRoundTrip(search, stores, queries.map((q) => q.text), roundTripRates, roundTripMs),
  ...main,
  alternatives,
};
process.stdout.write(JSON.stringify(measurement));
