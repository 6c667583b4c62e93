/**
 * The scale benchmark of issue #11, with real processes. For each corpus size it writes a synthetic corpus
 * as JSON Lines, times `npm run import` of it into an empty database (wall, CPU, peak RSS), builds and saves
 * that database's search index as a first start does, then on a copy of that data directory:
 * - `npm start -- --once "search diffusion"` (node scripts/start.js, what npm start runs), one warm-up then
 *   timed runs, with the part spent loading data read from the bot's own `papers opened` log line;
 * - a Slack-mode bot (HTTP mode, fake Slack) and a Discord-mode bot (fake Discord), each timed from spawn to
 *   its first `/papers search` acknowledged and answered; the longest event-loop stall in the 5 s after the
 *   Slack-mode bot logs `paperboy started` (its adapters listen);
 * - a Slack-mode bot with Hugging Face Daily Papers as its source (a fake on 127.0.0.1 serving 1,000 new
 *   papers per refresh): RSS after start, 20 refreshes (stall and time of each), RSS after them, then
 *   `npm run import` of 10,000 papers beside it (stall, and the time until the bot's corpus has them);
 * - on a fresh copy of the data, the same bot with 20 refreshes in a realistic mix: 950 papers already in the
 *   corpus (upvotes and comments raised) and 50 new ones each (about Hugging Face's daily count).
 * RSS is read from /proc, plain and after two full GCs forced through the inspector protocol. Stalls are
 * prom-client's `monitorEventLoopDelay` maximum on /metrics, which every scrape (each 200 ms) resets.
 * With `--big-import` it also imports a 1 GB JSON Lines file. Nothing is asserted; the targets are printed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotProcess, discordSide, FakeHuggingFace, firstDiscordCommand, firstSlackCommand, freePort, slackSide, SourceStateSwitch, type SlackSide } from './scale-bots.ts';
import {
  fileMb, ID_YEARS, mixedRefreshBatches, paperboyEnv, ROOT, runMeasured, saveIndexOf, SEEDS, spacedPapersOf, syntheticPapers, writeBigJsonLines, writeJsonLines,
} from './scale-data.ts';
import type { MaintenanceTurns } from './maintenance-turns.ts';
import { formatProjection, formatScaleNotes, formatScaleTable, spreadOf, type CpuSplit, type Memory, type MixedRefreshes, type ScaleRow } from './scale-report.ts';
import type { Paper } from '../src/corpus/paper.ts';

/** What to run. */
export interface ScaleOptions {
  sizes: readonly number[];
  /** Keep each size's corpus file and data directory under this directory, and reuse them when present. */
  keepData?: string;
  /** Also import a 1 GB JSON Lines file. */
  bigImport: boolean;
  /** Refreshes of 1,000 papers (20 by default). */
  refreshes: number;
  /** Timed `--once` runs after the warm-up. */
  onceRuns: number;
  /** Write a V8 CPU profile of the bot that refreshes and takes the import into this directory (`node --cpu-prof`). */
  cpuProfileDir?: string;
  progress: (line: string) => void;
}

/** What `--big-import` measured. */
export interface BigImport {
  fileMb: number;
  papers: number;
  generateMs: number;
  wallMs: number;
  peakRssMb: number;
  cpuS: number;
  summary: string;
}

/** Everything the scale section measured. */
export interface ScaleResult {
  machine: string;
  rows: ScaleRow[];
  loadAtEachSize: string[];
  bigImport?: BigImport;
}

const REFRESH_PAPERS = 1000;
/** The realistic mix of a refresh: papers already in the corpus, seen again, and new ones (about Hugging Face's daily count). */
const MIXED_EXISTING = 950;
const MIXED_NEW = 50;
const RUNNING_IMPORT_PAPERS = 10_000;
/** How long after the adapters listen the start is watched for stalls. */
const START_WINDOW_MS = 5000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(', ');
const importArgs = (file: string): string[] => ['--import', 'tsx', 'src/cli/import.ts', file];

/** Runs the scale benchmark at each size (and the 1 GB import when asked). */
export async function measureScale(options: ScaleOptions): Promise<ScaleResult> {
  const machine = `${cpus().length} CPUs (${availableParallelism()} available to Node), load average ${load()} (1, 5, 15 min) at the start, Node ${process.version}`;
  const built = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('could not build dist/');
  const rows: ScaleRow[] = [];
  const loadAtEachSize: string[] = [];
  for (const size of options.sizes) {
    loadAtEachSize.push(`${size.toLocaleString('en')} papers: load average ${load()} at its start`);
    rows.push(await measureSize(size, options));
  }
  return { machine, rows, loadAtEachSize, ...(options.bigImport ? { bigImport: await measureBigImport(options.progress) } : {}) };
}

async function measureSize(size: number, options: ScaleOptions): Promise<ScaleRow> {
  const say = (line: string): void => options.progress(`[scale ${size.toLocaleString('en')}] ${line}`);
  const scratch = mkdtempSync(join(tmpdir(), `paperboy-scale-${size}-`));
  const home = options.keepData ? join(options.keepData, String(size)) : scratch;
  mkdirSync(home, { recursive: true });
  try {
    const corpusFile = join(home, 'corpus.jsonl');
    const baseDir = join(home, 'base');
    const readyMark = join(baseDir, 'scale-ready.json');
    const ready = existsSync(readyMark);
    if (!existsSync(corpusFile)) {
      say('generating the corpus…');
      writeJsonLines(`${corpusFile}.part`, syntheticPapers(size, SEEDS.corpus));
      renameSync(`${corpusFile}.part`, corpusFile);
    }
    // The timed import fills the data directory, unless kept data already has one (then it goes to scratch).
    const importDir = ready ? join(scratch, 'import') : baseDir;
    rmSync(importDir, { recursive: true, force: true });
    mkdirSync(importDir, { recursive: true });
    say(`npm run import of ${fileMb(corpusFile).toFixed(0)} MB…`);
    const imported = await runMeasured(process.execPath, importArgs(corpusFile), paperboyEnv(importDir, { LOG_LEVEL: 'warn' }));
    if (imported.code !== 0) throw new Error(`the import failed (${imported.code}): ${imported.stderr.slice(-2000)}`);
    if (ready) rmSync(importDir, { recursive: true, force: true });
    else {
      say('building and saving the search index…');
      const papers = await saveIndexOf(baseDir);
      writeFileSync(readyMark, `${JSON.stringify({ size, papers, seed: SEEDS.corpus })}\n`);
    }

    const work = join(scratch, 'work');
    cpSync(baseDir, work, { recursive: true });
    say(`npm start -- --once "search diffusion" × ${options.onceRuns + 1}…`);
    const once = measureOnce(work, scratch, options.onceRuns);
    // With --keep-data, what each bot printed (its JSON log lines) is kept beside the data, to see what a stall was.
    const logOf = (name: string): string | undefined => (options.keepData ? join(home, 'logs', `${name}.log`) : undefined);
    say('Discord-mode bot…');
    const discordFirst = await measureDiscordStart(work, logOf('discord-start'));
    say('Slack-mode bot…');
    const slackStart = await measureSlackStart(work, logOf('slack-start'));
    say(`Slack-mode bot with ${options.refreshes} refreshes and an import beside it…`);
    const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfileDir, String(size))] : [];
    const running = await measureRunningBot(work, scratch, options.refreshes, say, logOf('slack-refreshes-import'), profile);
    say(`Slack-mode bot with ${options.refreshes} refreshes of ${MIXED_EXISTING} papers seen again and ${MIXED_NEW} new, on a fresh copy of the data…`);
    const mixedWork = join(scratch, 'mixed');
    cpSync(baseDir, mixedWork, { recursive: true });
    spawnSync('sync'); // as for the maintenance turns below: the copy is not still going to disk during the run
    const mixed = await measureMixedRefreshes(mixedWork, corpusFile, size, options.refreshes, say, logOf('slack-mixed-refreshes'));
    rmSync(mixedWork, { recursive: true, force: true });
    say('the same index maintenance alone, in one process…');
    const ownTurns = measureOwnTurns(baseDir, scratch);
    return {
      papers: size,
      ...once,
      slackFirst: slackStart.first,
      discordFirst,
      stallStartMs: slackStart.stallMs,
      ...running,
      mixed,
      controlStallMs: { ...running.controlStallMs, start: slackStart.controlMs },
      ownTurns,
      importWallMs: imported.wallMs,
      importPeakRssMb: imported.peakRssMb,
      importCpuS: imported.cpuS,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** bench/maintenance-turns.ts on a fresh copy of the data: the bot's own longest turns, with no load beside it. */
function measureOwnTurns(baseDir: string, scratch: string): MaintenanceTurns {
  const dataDir = join(scratch, 'turns');
  cpSync(baseDir, dataDir, { recursive: true });
  // The copy's hundreds of megabytes would still be going to disk, slowing the first commits' fsyncs.
  spawnSync('sync');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/maintenance-turns.ts', dataDir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 2 ** 20 });
  if (result.status !== 0) throw new Error(`maintenance-turns failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as MaintenanceTurns;
}

/** `node scripts/start.js --once "search diffusion"`: one warm-up, then `runs` timed, each read from its log. */
function measureOnce(dataDir: string, scratch: string, runs: number): Pick<ScaleRow, 'onceWall' | 'onceLoading' | 'onceBoot'> {
  const wall: number[] = [];
  const loading: number[] = [];
  const boot: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const logFile = join(scratch, `once-${i}.log`);
    const spawnedEpoch = Date.now();
    const started = performance.now();
    const result = spawnSync(process.execPath, ['scripts/start.js', '--once', 'search diffusion'], {
      cwd: ROOT, env: paperboyEnv(dataDir, { LOG_FILE: logFile }), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    const elapsed = performance.now() - started;
    if (result.status !== 0) throw new Error(`--once failed (${result.status}): ${result.stderr}`);
    if (i === 0) continue;
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { msg?: string; time?: number | string; databaseMs?: number; libraryMs?: number });
    const starting = lines.find((l) => l.msg === 'paperboy starting');
    const opened = lines.find((l) => l.msg === 'papers opened');
    wall.push(elapsed);
    loading.push((opened?.databaseMs ?? NaN) + (opened?.libraryMs ?? NaN));
    boot.push(starting?.time === undefined ? NaN : new Date(starting.time).getTime() - spawnedEpoch);
  }
  return { onceWall: spreadOf(wall), onceLoading: spreadOf(loading), onceBoot: spreadOf(boot) };
}

async function measureDiscordStart(dataDir: string, logFile: string | undefined): Promise<{ ackMs: number; answerMs: number }> {
  const discord = await discordSide();
  const bot = new BotProcess(dataDir, discord.env, await freePort());
  try {
    return await firstDiscordCommand(bot, discord.fake);
  } finally {
    await bot.stop(logFile);
    await discord.close();
  }
}

async function measureSlackStart(dataDir: string, logFile: string | undefined): Promise<{ first: { ackMs: number; answerMs: number }; stallMs: number; controlMs: number }> {
  const slack = await slackSide();
  const bot = new BotProcess(dataDir, slack.env, await freePort());
  try {
    const first = await firstSlackCommand(bot, slack);
    await bot.logged('paperboy started');
    await bot.scrape(); // resets the maximum: what came before the adapters listened is not counted
    const from = performance.now();
    bot.startScraping();
    await sleep(START_WINDOW_MS);
    const stall = bot.stallBetween(from);
    return { first, stallMs: stall.botMs, controlMs: stall.ownMs };
  } finally {
    await bot.stop(logFile);
    await slack.close();
  }
}

/**
 * RSS as read, then after two full GCs forced 1 s apart, read 1 s after the second (when the bot runs with the
 * inspector). One GC is not enough: the ArrayBuffer backing stores it leaves unreachable are freed by V8's
 * sweeper afterwards, and at 100k papers a second GC a second later still drops RSS by 100–170 MB.
 */
async function memoryOf(bot: BotProcess): Promise<Memory> {
  const plainMb = bot.rssMb();
  for (let i = 0; i < 2; i++) {
    if (!(await bot.collectGarbage())) return { plainMb };
    await sleep(1000);
  }
  return { plainMb, afterGcMb: bot.rssMb(), ...(await bot.memoryParts()) };
}

const cpuNow = (): number => { const { user, system } = process.cpuUsage(); return (user + system) / 1e6; };

/** A Slack-mode bot (with the inspector) whose only source is a fake Hugging Face serving `batches`, one a refresh. */
interface RefreshingBot {
  bot: BotProcess;
  slack: SlackSide;
  hf: FakeHuggingFace;
  state: SourceStateSwitch;
  /** Stops the bot (writing its log to `logFile`, if given) and the fakes. */
  close(logFile: string | undefined): Promise<void>;
}

async function startRefreshingBot(dataDir: string, batches: readonly (readonly Paper[])[], nodeArgs: readonly string[]): Promise<RefreshingBot> {
  const hf = new FakeHuggingFace(batches);
  const hfUrl = await hf.start();
  const state = new SourceStateSwitch(dataDir, 'hf-daily');
  state.markFresh(); // no refresh at start; each one is set off by the benchmark
  const slack = await slackSide();
  // An hourly schedule whose minute is 55 minutes away, as an hourly source is configured: no scheduled refresh
  // during the run, every one is set off by the benchmark.
  const schedule = `${(new Date().getUTCMinutes() + 55) % 60} * * * *`;
  const bot = new BotProcess(dataDir, { ...slack.env, SOURCES: 'hf-daily', HF_BASE_URL: hfUrl, HF_SCHEDULE: schedule }, await freePort(), ['--inspect=127.0.0.1:0', ...nodeArgs]);
  return {
    bot, slack, hf, state,
    async close(logFile) {
      await bot.stop(logFile);
      await slack.close();
      await hf.close();
      state.close();
    },
  };
}

/** What a run of refreshes measured. */
interface RefreshRun {
  rssAfterStart: Memory;
  /** After the first refresh: the bot warmed up (its code compiled, its caches and the delta in use). */
  rssAfterFirstRefresh: Memory;
  rssAfterRefreshes: Memory;
  /** The bot's corpus (`/metrics`) after start and after the refreshes. */
  papersAtStart: number;
  papersAfterRefreshes: number;
  /** Each refresh's longest stall, the bot's and the benchmark's own (the control). */
  stalls: { botMs: number; ownMs: number }[];
  /** Each refresh from its first request to done, ms. */
  durations: number[];
  cpu: CpuSplit;
}

/**
 * Lets the started bot settle and reads its RSS, then sets off `refreshes` refreshes one after another, each
 * done when `done(k, papersAtStart)` resolves (with when it was seen), then reads its RSS again.
 */
async function runRefreshes(running: RefreshingBot, refreshes: number, done: (k: number, papersAtStart: number) => Promise<number>, say: (line: string) => void): Promise<RefreshRun> {
  const { bot, slack, hf, state } = running;
  await firstSlackCommand(bot, slack);
  await bot.logged('paperboy started');
  bot.startScraping();
  await sleep(3000);
  const rssAfterStart = await memoryOf(bot);
  await bot.scrape();
  const papersAtStart = bot.papers;

  const stalls: { botMs: number; ownMs: number }[] = [];
  const durations: number[] = [];
  let rssAfterFirstRefresh: Memory | undefined;
  let cpuSpentMeasuring = 0;
  const botCpu = bot.cpuSeconds();
  const loadCpu = cpuNow();
  for (let k = 1; k <= refreshes; k++) {
    state.refreshSoon();
    const from = await waitFor(`refresh ${k} to start`, () => hf.refreshStarts[k - 1], 60_000);
    const doneAt = await done(k, papersAtStart);
    durations.push(doneAt - from);
    // The refresh's stall window runs until the next one starts (its index save, when due, comes after its papers);
    // the first one's ends before the GCs forced to read the memory of the warmed-up bot.
    if (k === 1) {
      await sleep(2000);
      stalls.push(bot.stallBetween(from));
      const measuring = bot.cpuSeconds();
      rssAfterFirstRefresh = await memoryOf(bot);
      cpuSpentMeasuring = bot.cpuSeconds() - measuring;
      await bot.scrape(); // resets the maximum
    }
    if (k > 2) stalls.push(bot.stallBetween(hf.refreshStarts[k - 2]!, from));
    if (k === refreshes) {
      await sleep(3000);
      stalls.push(bot.stallBetween(from));
    }
    say(`refresh ${k}/${refreshes}: ${Math.round(doneAt - from)} ms`);
  }
  say(`longest stall of each refresh, ms (bot/benchmark): ${stalls.map((s) => `${Math.round(s.botMs)}/${Math.round(s.ownMs)}`).join(' ')}`);
  const cpu = { botS: bot.cpuSeconds() - botCpu - cpuSpentMeasuring, loadS: cpuNow() - loadCpu, load: 'benchmark (fake source, scrapes)' };
  await sleep(2000);
  const rssAfterRefreshes = await memoryOf(bot);
  await bot.scrape();
  return { rssAfterStart, rssAfterFirstRefresh: rssAfterFirstRefresh!, rssAfterRefreshes, papersAtStart, papersAfterRefreshes: bot.papers, stalls, durations, cpu };
}

type RunningFigures = Pick<ScaleRow, 'rssAfterStart' | 'rssAfterRefreshes' | 'papersAtStart' | 'papersAfterRefreshes' | 'refreshes' | 'refreshPapers' | 'stallFirstRefreshMs'
  | 'stallAnyRefreshMs' | 'stallImportMs' | 'refreshMedianMs' | 'refreshCpu' | 'runningImportPapers' | 'runningImportWallMs' | 'searchableAfterImportMs' | 'runningImportCpu'>
  & { controlStallMs: { refreshes: number; import: number } };

/** The all-new refreshes (1,000 new papers each), then an import of 10,000 papers beside the bot. */
async function measureRunningBot(dataDir: string, scratch: string, refreshes: number, say: (line: string) => void, logFile: string | undefined, nodeArgs: readonly string[]): Promise<RunningFigures> {
  const fresh = syntheticPapers(refreshes * REFRESH_PAPERS, SEEDS.refresh, ID_YEARS.refresh);
  const batches = Array.from({ length: refreshes }, (_, k) => fresh.slice(k * REFRESH_PAPERS, (k + 1) * REFRESH_PAPERS));
  const importFile = join(scratch, 'running-import.jsonl');
  const toImport = syntheticPapers(RUNNING_IMPORT_PAPERS, SEEDS.runningImport, ID_YEARS.runningImport);
  writeJsonLines(importFile, toImport);
  const lastImported = toImport.at(-1)!;

  const running = await startRefreshingBot(dataDir, batches, nodeArgs);
  const { bot, slack } = running;
  try {
    const run = await runRefreshes(running, refreshes, (k, papersAtStart) => bot.papersReach(papersAtStart + k * REFRESH_PAPERS, 180_000), say);

    say(`npm run import of ${RUNNING_IMPORT_PAPERS.toLocaleString('en')} papers into the running bot…`);
    await bot.scrape();
    const before = bot.papers;
    const importBotCpu = bot.cpuSeconds();
    const importFrom = performance.now();
    const importing = runMeasured(process.execPath, importArgs(importFile), paperboyEnv(dataDir, { LOG_LEVEL: 'warn' }));
    const searchableAt = await bot.papersReach(before + RUNNING_IMPORT_PAPERS, 180_000);
    const imported = await importing;
    if (imported.code !== 0) throw new Error(`the import beside the bot failed (${imported.code}): ${imported.stderr.slice(-2000)}`);
    const importStall = bot.stallBetween(importFrom, Math.max(searchableAt, importFrom + imported.wallMs));
    const shown = await slack.command(`show ${lastImported.id}`);
    if (!shown.answer.includes(lastImported.id)) throw new Error(`the running bot does not show the imported ${lastImported.id}: ${shown.answer.slice(0, 500)}`);
    return {
      rssAfterStart: run.rssAfterStart,
      rssAfterRefreshes: run.rssAfterRefreshes,
      papersAtStart: run.papersAtStart,
      papersAfterRefreshes: run.papersAfterRefreshes,
      refreshes,
      refreshPapers: REFRESH_PAPERS,
      stallFirstRefreshMs: run.stalls[0]?.botMs ?? NaN,
      stallAnyRefreshMs: Math.max(...run.stalls.map((s) => s.botMs)),
      refreshMedianMs: spreadOf(run.durations).median,
      refreshCpu: run.cpu,
      stallImportMs: importStall.botMs,
      controlStallMs: { refreshes: Math.max(...run.stalls.map((s) => s.ownMs)), import: importStall.ownMs },
      runningImportPapers: RUNNING_IMPORT_PAPERS,
      runningImportWallMs: imported.wallMs,
      searchableAfterImportMs: searchableAt - importFrom,
      runningImportCpu: { botS: bot.cpuSeconds() - importBotCpu, loadS: imported.cpuS, load: 'import process' },
    };
  } finally {
    await running.close(logFile);
  }
}

/**
 * The realistic mix on a fresh copy of the data: each refresh serves {@link MIXED_EXISTING} papers already in
 * the corpus (evenly spaced through the corpus file it was imported from, upvotes and comments raised) and
 * {@link MIXED_NEW} new ones. A refresh is done when the bot has logged it (`paper source refreshed`, with what
 * it added and updated) and then logs its search index caught up with the database's change sequence as it
 * stood after that refresh: the corpus grows by only 50, so its size cannot tell.
 */
async function measureMixedRefreshes(dataDir: string, corpusFile: string, corpusPapers: number, refreshes: number, say: (line: string) => void, logFile: string | undefined): Promise<MixedRefreshes> {
  const existing = await spacedPapersOf(corpusFile, corpusPapers, refreshes * MIXED_EXISTING);
  const fresh = syntheticPapers(refreshes * MIXED_NEW, SEEDS.refresh, ID_YEARS.refresh);
  const running = await startRefreshingBot(dataDir, mixedRefreshBatches(existing, fresh, refreshes, MIXED_EXISTING, MIXED_NEW), []);
  const { bot, state } = running;
  const counted = { added: 0, updated: 0 };
  try {
    const run = await runRefreshes(running, refreshes, async (k) => {
      const refreshed = await bot.nthLogged('paper source refreshed', k, 180_000);
      counted.added += Number(refreshed.added);
      counted.updated += Number(refreshed.updated);
      return bot.indexCovers(state.paperSequence(), 180_000);
    }, say);
    return {
      refreshes,
      existingEach: MIXED_EXISTING,
      newEach: MIXED_NEW,
      ...counted,
      rssAfterStart: run.rssAfterStart,
      rssAfterFirstRefresh: run.rssAfterFirstRefresh,
      rssAfterRefreshes: run.rssAfterRefreshes,
      papersAtStart: run.papersAtStart,
      papersAfterRefreshes: run.papersAfterRefreshes,
      stallFirstMs: run.stalls[0]?.botMs ?? NaN,
      stallEachMs: spreadOf(run.stalls.map((s) => s.botMs)),
      controlStallMs: Math.max(...run.stalls.map((s) => s.ownMs)),
      refreshMedianMs: spreadOf(run.durations).median,
      cpu: run.cpu,
    };
  } finally {
    await running.close(logFile);
  }
}

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** Generates a 1 GB JSON Lines file in a temporary directory and imports it into an empty database. */
async function measureBigImport(progress: (line: string) => void): Promise<BigImport> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-big-import-'));
  try {
    const file = join(dir, 'big.jsonl');
    progress('[big import] generating 1 GB of JSON Lines…');
    const started = performance.now();
    const papers = writeBigJsonLines(file, 2 ** 30, (bytes, n) => progress(`[big import] ${(bytes / 2 ** 20).toFixed(0)} MB, ${n.toLocaleString('en')} papers`));
    const generateMs = performance.now() - started;
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    progress('[big import] npm run import…');
    const run = await runMeasured(process.execPath, importArgs(file), paperboyEnv(dataDir, { LOG_LEVEL: 'warn' }));
    if (run.code !== 0) throw new Error(`the 1 GB import failed (${run.code}): ${run.stderr.slice(-2000)}`);
    return { fileMb: fileMb(file), papers, generateMs, wallMs: run.wallMs, peakRssMb: run.peakRssMb, cpuS: run.cpuS, summary: run.stdout.trim().split('\n').at(-1) ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scale section of the report. */
export function formatScale(result: ScaleResult): string[] {
  const out = [
    'Scale (issue #11): real processes on a synthetic corpus (bundled papers added); bot = node dist/main.js, Slack and Discord faked on 127.0.0.1',
    `Machine: ${result.machine}`,
    ...result.loadAtEachSize.map((line) => `  ${line}`),
    'Stalls: prom-client monitorEventLoopDelay maximum on /metrics (10 ms resolution), reset by each scrape (every 200 ms). RSS from /proc; "after GC": two full GCs forced through the inspector 1 s apart, read 1 s after the second.',
    'Refreshes: a fake Hugging Face Daily Papers; set off by clearing the source state (the scheduler refreshes at its next wake, ≤ 10 s). All-new: 1,000 new papers each, done when /metrics counts them.',
    `Mixed (a fresh copy of the data): ${MIXED_EXISTING} papers already in the corpus (upvotes and comments raised) + ${MIXED_NEW} new each, done when the bot logs its index caught up with the database's change sequence after the refresh.`,
    '',
    ...formatScaleTable(result.rows),
    ...formatScaleNotes(result.rows),
    '',
    ...formatProjection(result.rows),
  ];
  const big = result.bigImport;
  if (big) {
    out.push('', `1 GB import (--big-import): ${big.fileMb.toFixed(0)} MB of JSON Lines, ${big.papers.toLocaleString('en')} papers (generated in ${(big.generateMs / 1000).toFixed(0)} s): `
      + `${(big.wallMs / 1000).toFixed(1)} s wall, ${Math.round(big.papers / (big.wallMs / 1000)).toLocaleString('en')} papers/s, peak RSS ${Math.round(big.peakRssMb)} MB, CPU ${big.cpuS.toFixed(1)} s`, `  importer said: ${big.summary}`);
  }
  return out;
}
