/**
 * Data for the scale benchmark: synthetic corpora written as JSON Lines (the export format `npm run import`
 * reads), a `DATA_DIR` built from one (imported, then its search index built and saved as the bot saves it),
 * the extra papers a refresh or an import brings (ids of their own, so they are new), and processes run with
 * their wall time, CPU and peak memory measured. Papers are observed at a fixed instant, not when the data is
 * generated, so a later run on kept data (`--keep-data`) measures the same corpus.
 */
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.ts';
import { loadBundledPapers } from '../src/corpus/bundled.ts';
import type { Paper } from '../src/corpus/paper.ts';
import { LIBRARY_FILES, openPaperLibrary } from '../src/library/open-library.ts';
import { silentLogger } from '../src/logger.ts';
import { openSqliteStores } from '../src/store/sqlite/sqlite-store.ts';
import { generateCorpus } from './synthetic-corpus.ts';

/** The repository root (where `dist/`, `src/cli/import.ts` are). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** When every synthetic paper's signals were observed: fixed, so runs on different days see the same corpus. */
export const OBSERVED_AT = new Date('2026-11-01T00:00:00Z');

/** Seeds: the corpus, the papers the fake source serves, the papers imported into the running bot, the 1 GB file. */
export const SEEDS = { corpus: 20260126, refresh: 7_100, runningImport: 7_200, bigImport: 7_300 } as const;

/** arXiv-style year prefixes no synthetic corpus uses (its papers are from 2024–2026), so added papers are new. */
export const ID_YEARS = { runningImport: 27, refresh: 28, bigImport: 29 } as const;

let basis: Paper[] | undefined;
function bundledBasis(): Paper[] {
  return (basis ??= loadBundledPapers(silentLogger));
}

/** `size` synthetic papers; with `idYear` their ids are re-numbered `<idYear><MM>.<NNNNN>` from `firstNumber`. */
export function syntheticPapers(size: number, seed: number, idYear?: number, firstNumber = 0): Paper[] {
  const papers = generateCorpus({ size, seed, basis: bundledBasis(), now: OBSERVED_AT });
  if (idYear === undefined) return papers;
  return papers.map((paper, i) => {
    const n = firstNumber + i;
    const id = `${idYear}${String(1 + (n % 12)).padStart(2, '0')}.${String(Math.floor(n / 12)).padStart(5, '0')}`;
    return { ...paper, id, arxivId: id, links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}`, hf: `https://huggingface.co/papers/${id}` } };
  });
}

/**
 * `count` papers of a JSON Lines corpus of `lines` lines, evenly spaced through it (read line by line, only the
 * chosen lines parsed). With `count` ≥ `lines`, every paper.
 */
export async function spacedPapersOf(path: string, lines: number, count: number): Promise<Paper[]> {
  const wanted = Math.min(count, lines);
  const papers: Paper[] = [];
  let line = 0;
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of reader) {
    // Line i is chosen when it is the first at or after the next even step, so exactly `wanted` are chosen.
    if (papers.length < wanted && line >= Math.floor((papers.length * lines) / wanted)) papers.push(JSON.parse(text) as Paper);
    line++;
  }
  return papers;
}

/**
 * The batches a refreshing Hugging Face Daily Papers page serves in a realistic mix: each of `refreshes`
 * batches holds `existingEach` papers already in the corpus (taken in turn from `existing`, each with its
 * upvotes and comments raised, as the page shows a paper again a day later) and `freshEach` new ones.
 */
export function mixedRefreshBatches(existing: readonly Paper[], fresh: readonly Paper[], refreshes: number, existingEach: number, freshEach: number): Paper[][] {
  if (existing.length < existingEach) throw new Error(`${existingEach} papers already in the corpus a refresh, but the corpus gave ${existing.length}`);
  if (fresh.length < refreshes * freshEach) throw new Error(`${refreshes} × ${freshEach} new papers needed, ${fresh.length} given`);
  return Array.from({ length: refreshes }, (_, k) => [
    ...Array.from({ length: existingEach }, (_, j) => raisedSignals(existing[(k * existingEach + j) % existing.length]!, k + 1)),
    ...fresh.slice(k * freshEach, (k + 1) * freshEach),
  ]);
}

/** The paper as seen again `round` refreshes later: more upvotes and comments than the corpus holds. */
function raisedSignals(paper: Paper, round: number): Paper {
  const signals = paper.signals ?? { observedAt: OBSERVED_AT.toISOString() };
  return { ...paper, signals: { ...signals, upvotes: (signals.upvotes ?? 0) + 3 * round, comments: (signals.comments ?? 0) + round } };
}

/** Writes papers as JSON Lines, one `write` per few thousand lines. Returns the bytes written. */
export function writeJsonLines(path: string, papers: readonly Paper[], append = false): number {
  const fd = openSync(path, append ? 'a' : 'w');
  let bytes = 0;
  try {
    for (let i = 0; i < papers.length; i += 2000) {
      const chunk = `${papers.slice(i, i + 2000).map((p) => JSON.stringify(p)).join('\n')}\n`;
      bytes += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * Writes at least `bytes` of JSON Lines (synthetic papers in chunks of 20,000, each chunk its own seed),
 * without holding more than one chunk. Returns the papers written.
 */
export function writeBigJsonLines(path: string, bytes: number, onChunk?: (written: number, papers: number) => void): number {
  let written = 0;
  let papers = 0;
  for (let chunk = 0; written < bytes; chunk++) {
    const batch = syntheticPapers(20_000, SEEDS.bigImport + chunk, ID_YEARS.bigImport, papers);
    written += writeJsonLines(path, batch, chunk > 0);
    papers += batch.length;
    onChunk?.(written, papers);
  }
  return papers;
}

/**
 * Makes `dataDir`, whose database already holds the imported corpus, a bot's data directory: adds the
 * bundled papers, builds the search index from the database as a first start does, and saves it with its
 * stamp, so a start loads it instead of building it. Returns the papers indexed.
 */
export async function saveIndexOf(dataDir: string): Promise<number> {
  const stores = openSqliteStores(join(dataDir, 'paperboy.db'));
  try {
    const library = await openPaperLibrary({ stores, dataDir, log: silentLogger, clock: systemClock });
    await library.save(join(dataDir, LIBRARY_FILES.index));
    return library.stats().papers;
  } finally {
    await stores.close();
  }
}

/** The Hugging Face Daily Papers item (`GET /api/daily_papers`) that brings this paper. */
export function hfDailyItem(paper: Paper): unknown {
  return {
    paper: {
      id: paper.id,
      title: paper.title,
      summary: paper.abstract,
      upvotes: paper.signals?.upvotes ?? 0,
      publishedAt: paper.publishedAt ?? OBSERVED_AT.toISOString(),
      submittedOnDailyAt: paper.publishedAt ?? OBSERVED_AT.toISOString(),
      authors: paper.authors.map((name) => ({ name, hidden: false })),
      ...(paper.aiSummary ? { ai_summary: paper.aiSummary } : {}),
      ai_keywords: paper.keywords,
      ...(paper.signals?.githubStars !== undefined ? { githubStars: paper.signals.githubStars } : {}),
    },
    numComments: paper.signals?.comments ?? 0,
  };
}

/** What a measured process did. */
export interface MeasuredRun {
  code: number | null;
  wallMs: number;
  /** User + system CPU seconds. */
  cpuS: number;
  /** Peak resident memory (the kernel's maximum RSS of the process). */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command to its end, measuring wall time, CPU and peak RSS: through GNU time (`-v`) when the machine
 * has it, else by reading `/proc/PID/status` (VmHWM) and `/proc/PID/stat` every 50 ms.
 */
export function runMeasured(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<MeasuredRun> {
  const gnuTime = existsSync(GNU_TIME);
  const started = performance.now();
  const child = gnuTime
    ? spawn(GNU_TIME, ['-v', file, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(file, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let polled = { peakRssMb: 0, cpuS: 0 };
  const poll = gnuTime ? undefined : setInterval(() => {
    const status = procStatus(child.pid!);
    if (status) polled = { peakRssMb: Math.max(polled.peakRssMb, status.hwmMb), cpuS: procCpuSeconds(child.pid!) ?? polled.cpuS };
  }, 50);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const wallMs = performance.now() - started;
      if (!gnuTime) return resolve({ code, wallMs, ...polled, stdout, stderr });
      const field = (name: string): number => Number(new RegExp(`${name}: ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
      const exit = /Command exited with non-zero status (\d+)/.exec(stderr);
      resolve({
        code: exit ? Number(exit[1]) : code,
        wallMs,
        cpuS: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
        peakRssMb: field('Maximum resident set size \\(kbytes\\)') / 1024,
        stdout,
        stderr: stderr.slice(0, stderr.lastIndexOf('\tCommand being timed')),
      });
    });
  });
}

/** A process's resident memory now and at its peak, from `/proc` (undefined when it is gone). */
export function procStatus(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used, from `/proc/PID/stat` (undefined when it is gone). */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime), in clock ticks of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The environment of a Paperboy process on `dataDir`: nothing inherited that configures the bot, logs as JSON. */
export function paperboyEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Keep what Node needs (PATH, HOME, …); drop every Paperboy setting, so neither the caller's shell nor
  // a .env file (process.loadEnvFile never overrides a variable that is set, even to '') changes the run.
  for (const [name, value] of Object.entries(process.env)) if (!/^(SLACK|DISCORD|HF|ARXIV|LLM|HEALTH|LOG|SHELL)_|^(SOURCES|DATABASE_URL|DATA_DIR|CONTACT|DEFAULT_TIME_ZONE)$/.test(name)) env[name] = value;
  const blank = ['SOURCES', 'DATABASE_URL', 'HEALTH_PORT', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL', 'LOG_FILE', 'HF_TOKEN'];
  return { ...env, ...Object.fromEntries(blank.map((name) => [name, ''])), DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json', NO_COLOR: '1', ...extra };
}

/** Bytes of a file, in MB. */
export function fileMb(path: string): number {
  return statSync(path).size / 2 ** 20;
}
