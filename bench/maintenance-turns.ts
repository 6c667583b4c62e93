/**
 * Child process of the scale benchmark: the index maintenance a refresh makes the bot do, in one process with
 * nothing else running (no load generator, no HTTP), so the longest turn of the event loop it takes is the
 * bot's own work and not time spent waiting for a CPU the load generator holds. For each round it writes
 * `--papers` new papers the way a source refresh does (50 per transaction, a turn between), lets the library
 * catch up, and saves the index once 2,000 changes are unsaved (as the paper sync job does); a 1 ms interval
 * times every turn, per phase. Prints one JSON line: the longest turn of each phase and the longest GC pause.
 *
 *   node --import tsx bench/maintenance-turns.ts DATA_DIR [--rounds 6] [--papers 1000]
 */
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { systemClock } from '../src/clock.ts';
import { LIBRARY_FILES, openPaperLibrary } from '../src/library/open-library.ts';
import { silentLogger } from '../src/logger.ts';
import { SAVE_AFTER_CHANGES } from '../src/scheduler/paper-sync.ts';
import { WRITE_BATCH } from '../src/scheduler/source-refresh.ts';
import { openStores } from '../src/store/open-stores.ts';
import { nextTurn } from '../src/util/steps.ts';
import { ID_YEARS, SEEDS, syntheticPapers } from './scale-data.ts';

/** What the child prints: each phase's longest turn and the longest GC pause, ms. */
export interface MaintenanceTurns {
  rounds: number;
  papersPerRound: number;
  writeMs: number;
  catchUpMs: number;
  saveMs: number;
  saves: number;
  gcMs: number;
}

type Phase = 'write' | 'catchUp' | 'save';

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: maintenance-turns.ts DATA_DIR [--rounds N] [--papers N]');
  const flag = (name: string, fallback: number): number => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const rounds = flag('--rounds', 6);
  const papersPerRound = flag('--papers', 1000);
  const stores = await openStores({ kind: 'sqlite', path: join(dataDir, 'paperboy.db') }, { log: silentLogger, backgroundCheckpoints: true });
  const library = await openPaperLibrary({ stores, dataDir, log: silentLogger, clock: systemClock });

  let gcMs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs = Math.max(gcMs, entry.duration);
  });
  gcs.observe({ entryTypes: ['gc'] });
  const longest: Record<Phase, number> = { write: 0, catchUp: 0, save: 0 };
  let phase: Phase | undefined;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (phase) longest[phase] = Math.max(longest[phase], now - last - 1);
    last = now;
  }, 1);
  /** Runs `work` as `name`, timed from a fresh tick; the papers were made before, outside any phase. */
  const timed = async (name: Phase, work: () => Promise<unknown>): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    last = performance.now();
    phase = name;
    await work();
    await new Promise((resolve) => setTimeout(resolve, 5));
    phase = undefined;
  };

  let saves = 0;
  for (let round = 0; round < rounds; round++) {
    // Ids of a year no other part of the benchmark uses on this copy of the data.
    const papers = syntheticPapers(papersPerRound, SEEDS.refresh + 1000 + round, ID_YEARS.refresh, 90_000 + round * papersPerRound);
    await timed('write', async () => {
      for (let i = 0; i < papers.length; i += WRITE_BATCH) {
        await stores.papers.upsert(papers.slice(i, i + WRITE_BATCH));
        await nextTurn();
      }
    });
    await timed('catchUp', () => library.catchUp());
    if (library.unsaved >= SAVE_AFTER_CHANGES) {
      await timed('save', () => library.save(join(dataDir, LIBRARY_FILES.index)));
      saves++;
    }
  }
  clearInterval(ticker);
  gcs.disconnect();
  await stores.close();
  const result: MaintenanceTurns = {
    rounds, papersPerRound, writeMs: longest.write, catchUpMs: longest.catchUp, saveMs: longest.save, saves, gcMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
