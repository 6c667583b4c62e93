/**
 * Real bot processes for the scale benchmark: the built bot (`node dist/main.js`, what `npm start` runs) in
 * Slack or Discord mode against the fake platforms of test/fakes on 127.0.0.1, its `/metrics` scraped for the
 * longest event-loop stall (prom-client's `monitorEventLoopDelay` maximum, which each scrape resets) and the
 * corpus size, its memory and CPU read from `/proc`, and a full GC forced through the inspector protocol.
 * A fake Hugging Face serves 1,000 new papers per refresh; a refresh is set off by deleting the source's row
 * in `source_state`, which the scheduler reads as "never fetched" at its next wake (at most the follow
 * interval, 10 s), so twenty refreshes take minutes instead of twenty cron minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { startFakeDiscord, type FakeDiscord } from '../test/fakes/discord/fake-discord.ts';
import { startFakeSlack, type FakeSlack } from '../test/fakes/slack/fake-slack.ts';
import { slackDriver, type SlackDriver } from '../test/fakes/slack/slack-driver.ts';
import { hfDailyItem, paperboyEnv, procCpuSeconds, procStatus, ROOT } from './scale-data.ts';
import type { Paper } from '../src/corpus/paper.ts';
import type { Memory } from './scale-report.ts';

const SLACK_SECRET = '0123456789abcdef0123456789abcdef';
const DISCORD_TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123';
/** How often `/metrics` is scraped: each scrape ends one stall window. */
const SCRAPE_EVERY_MS = 200;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * This process's own event-loop delay, read and reset at each scrape like the bot's: a control. The benchmark
 * does little between scrapes, so a long delay here means the machine (other processes) held the CPUs, and the
 * bot's figure in the same window may be scheduling, not blocking.
 */
const ownDelay = monitorEventLoopDelay({ resolution: 10 });
ownDelay.enable();

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `check` returns something, checking every `everyMs`; throws after `timeoutMs` with `what`. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

/** One scrape of `/metrics`: when it was answered, the stall maximum since the previous scrape (the bot's and this process's), the corpus. */
interface Scrape {
  at: number;
  stallMs: number;
  ownStallMs: number;
  papers: number;
}

/** A running bot process. */
export class BotProcess {
  readonly child: ChildProcess;
  readonly spawnedAt = performance.now();
  /** The spawn time in ms since the epoch (the fake Discord stamps its records so). */
  readonly spawnedEpoch = Date.now();
  stdout = '';
  stderr = '';
  private readonly scrapes: Scrape[] = [];
  private scraping: ReturnType<typeof setInterval> | undefined;
  private inFlight = false;
  readonly exited: Promise<number | null>;

  constructor(dataDir: string, env: Record<string, string>, private readonly healthPort: number, nodeArgs: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
      cwd: ROOT,
      env: paperboyEnv(dataDir, { HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => { this.stdout += chunk.toString(); });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for a log line with this message (`msg`), failing early if the bot exits. */
  async logged(message: string, timeoutMs = 120_000): Promise<void> {
    await until(`the bot logging "${message}"`, () => {
      if (this.child.exitCode !== null) throw new Error(`the bot exited (${this.child.exitCode}) before "${message}":\n${this.stderr.slice(-2000)}`);
      return this.stdout.includes(`"msg":"${message}"`) ? true : undefined;
    }, timeoutMs);
  }

  /** The complete JSON log lines printed so far whose message (`msg`) is `message`, parsed. */
  logLines(message: string): Record<string, unknown>[] {
    const marker = `"msg":"${message}"`;
    return this.stdout.slice(0, this.stdout.lastIndexOf('\n')).split('\n').filter((line) => line.includes(marker)).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Waits for the `count`-th log line with this message (failing early if the bot exits); returns it parsed. */
  async nthLogged(message: string, count: number, timeoutMs: number): Promise<Record<string, unknown>> {
    return until(`the bot logging "${message}" ${count} times`, () => {
      if (this.child.exitCode !== null) throw new Error(`the bot exited (${this.child.exitCode}):\n${this.stderr.slice(-2000)}`);
      return this.logLines(message)[count - 1];
    }, timeoutMs, 20);
  }

  /**
   * Waits until the bot logs its search index caught up with the database's change sequence `seq` or beyond
   * (then every paper written up to it is searchable); returns when that was seen.
   */
  async indexCovers(seq: number, timeoutMs: number): Promise<number> {
    return until(`the search index catching up to sequence ${seq}`, () => {
      if (this.child.exitCode !== null) throw new Error(`the bot exited (${this.child.exitCode}):\n${this.stderr.slice(-2000)}`);
      return this.logLines('search index caught up with the database').some((line) => Number(line.seq) >= seq) ? performance.now() : undefined;
    }, timeoutMs, 20);
  }

  /** Scrapes `/metrics` once (this resets the stall maximum inside the bot). */
  async scrape(): Promise<Scrape | undefined> {
    try {
      const body = await (await fetch(`http://127.0.0.1:${this.healthPort}/metrics`)).text();
      const value = (name: string): number => metricValue(body, name);
      const scrape = { at: performance.now(), stallMs: value('nodejs_eventloop_lag_max_seconds') * 1000, ownStallMs: ownDelay.max / 1e6, papers: value('paperboy_corpus_papers') };
      ownDelay.reset();
      this.scrapes.push(scrape);
      return scrape;
    } catch {
      return undefined; // not listening yet
    }
  }

  /** Scrapes every {@link SCRAPE_EVERY_MS} from now on (one at a time). */
  startScraping(): void {
    this.scraping ??= setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = true;
      void this.scrape().finally(() => { this.inFlight = false; });
    }, SCRAPE_EVERY_MS);
  }

  /** The longest stall reported by scrapes answered in [from, to]: the bot's, and this process's own (the control). */
  stallBetween(from: number, to = performance.now()): { botMs: number; ownMs: number } {
    const within = this.scrapes.filter((s) => s.at >= from && s.at <= to);
    const longest = (values: number[]): number => Math.max(0, ...values.filter(Number.isFinite));
    return { botMs: longest(within.map((s) => s.stallMs)), ownMs: longest(within.map((s) => s.ownStallMs)) };
  }

  /** The corpus size the last scrape saw. */
  get papers(): number {
    return this.scrapes.at(-1)?.papers ?? NaN;
  }

  /** Waits until the bot's corpus (as `/metrics` says) reaches `count`; returns when it was seen. */
  async papersReach(count: number, timeoutMs: number): Promise<number> {
    return until(`the corpus reaching ${count.toLocaleString('en')}`, async () => {
      if (this.child.exitCode !== null) throw new Error(`the bot exited (${this.child.exitCode}):\n${this.stderr.slice(-2000)}`);
      if (!this.scraping) await this.scrape();
      return this.papers >= count ? performance.now() : undefined;
    }, timeoutMs, SCRAPE_EVERY_MS / 2);
  }

  /** The JS heap (in use, committed, the young generation's part) and the memory outside it (typed arrays,
   *  buffers), from the bot's own /metrics. */
  async memoryParts(): Promise<Required<Pick<Memory, 'heapMb' | 'heapCommittedMb' | 'youngMb' | 'externalMb'>>> {
    const body = await (await fetch(`http://127.0.0.1:${this.healthPort}/metrics`)).text();
    const mb = (name: string): number => metricValue(body, name) / 2 ** 20;
    return {
      heapMb: mb('nodejs_heap_size_used_bytes'),
      heapCommittedMb: mb('nodejs_heap_size_total_bytes'),
      youngMb: mb('nodejs_heap_space_size_total_bytes{space="new"}'),
      externalMb: mb('nodejs_external_memory_bytes'),
    };
  }

  rssMb(): number {
    return procStatus(this.pid)?.rssMb ?? NaN;
  }

  cpuSeconds(): number {
    return procCpuSeconds(this.pid) ?? NaN;
  }

  /** Forces a full GC through the inspector (the bot must run with `--inspect=127.0.0.1:0`); false when it cannot. */
  async collectGarbage(): Promise<boolean> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(this.stderr)?.[1];
    if (!url) return false;
    const socket = new WebSocket(url);
    try {
      await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
      await new Promise<void>((resolve, reject) => {
        socket.on('message', (data: Buffer) => { if ((JSON.parse(data.toString()) as { id?: number }).id === 1) resolve(); });
        socket.once('error', reject);
        socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
      });
      return true;
    } catch {
      return false;
    } finally {
      socket.close();
    }
  }

  /** Stops the bot with SIGTERM (SIGKILL after 60 s) and waits for it; then writes what it printed to `logFile`, if given. */
  async stop(logFile?: string): Promise<void> {
    if (this.scraping) clearInterval(this.scraping);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
      await this.exited;
      clearTimeout(killer);
    }
    if (logFile) {
      mkdirSync(dirname(logFile), { recursive: true });
      writeFileSync(logFile, `${this.stdout}${this.stderr}`);
    }
  }
}

/** Spawn → first command acknowledged and answered, ms. */
export interface FirstCommand {
  ackMs: number;
  answerMs: number;
}

/** A fake Slack and the way to send it commands. */
export interface SlackSide {
  fake: FakeSlack;
  env: Record<string, string>;
  driver: SlackDriver;
  /** `/papers <text>`: resolves with the answer's text (from the acknowledgement or the response URL), timed. */
  command(text: string): Promise<{ ackAt: number; answerAt: number; answer: string }>;
  close(): Promise<void>;
}

/** Starts a fake Slack and picks the bot's port; `env` configures the bot for HTTP mode against them. */
export async function slackSide(): Promise<SlackSide> {
  const answers = new Map<string, (body: unknown) => void>();
  const fake = await startFakeSlack({ onResponse: (response) => answers.get(response.id)?.(response.body) });
  const port = await freePort();
  const driver = slackDriver(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
  return {
    fake,
    driver,
    env: {
      SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_PORT: String(port), SLACK_HOST: '127.0.0.1',
      SLACK_API_URL: fake.apiUrl, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT', SLACK_MANAGERS: '*',
    },
    async command(text) {
      const responseUrl = fake.responseUrl();
      const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
      const posted = new Promise<unknown>((resolve) => answers.set(id, resolve));
      try {
        const response = await driver.command({ text, response_url: responseUrl });
        const ackAt = performance.now();
        if (response.status !== 200) throw new Error(`the slash command was answered ${response.status}: ${response.body}`);
        if ((response.json as { blocks?: unknown[] } | undefined)?.blocks?.length) return { ackAt, answerAt: ackAt, answer: response.body };
        const body = await posted;
        return { ackAt, answerAt: performance.now(), answer: JSON.stringify(body) };
      } finally {
        answers.delete(id);
      }
    },
    close: () => fake.close(),
  };
}

/** Sends `/papers search diffusion` until the bot listens and answers it; times both from the spawn. */
export async function firstSlackCommand(bot: BotProcess, slack: SlackSide): Promise<FirstCommand> {
  return until('the first Slack command answered', async () => {
    if (bot.child.exitCode !== null) throw new Error(`the bot exited (${bot.child.exitCode}):\n${bot.stderr.slice(-2000)}`);
    try {
      const { ackAt, answerAt } = await slack.command('search diffusion');
      return { ackMs: ackAt - bot.spawnedAt, answerMs: answerAt - bot.spawnedAt };
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return undefined; // not listening yet
      throw error;
    }
  }, 300_000, 20);
}

/** A fake Discord; `env` configures the bot against it. */
export async function discordSide(): Promise<{ fake: FakeDiscord; env: Record<string, string>; close(): Promise<void> }> {
  const fake = await startFakeDiscord({ token: DISCORD_TOKEN, interactionDeadlineMs: Number.POSITIVE_INFINITY });
  return {
    fake,
    env: { DISCORD_TOKEN, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_BASE: fake.apiBase, DISCORD_MANAGERS: '*' },
    close: () => fake.close(),
  };
}

/** Waits for the bot's gateway session, then sends `/papers search diffusion`; times the callback and the answer from the spawn. */
export async function firstDiscordCommand(bot: BotProcess, fake: FakeDiscord): Promise<FirstCommand> {
  await until('the bot identifying on the gateway', () => {
    if (bot.child.exitCode !== null) throw new Error(`the bot exited (${bot.child.exitCode}):\n${bot.stderr.slice(-2000)}`);
    return fake.identifies > 0 ? true : undefined;
  }, 300_000, 10);
  const ref = fake.interaction.command({ subcommand: 'search', options: [{ name: 'query', type: 3, value: 'diffusion' }] });
  const callback = await fake.waitForCallback(ref.token, 60_000);
  const ackMs = callback.at - bot.spawnedEpoch;
  if (callback.type === 4) return { ackMs, answerMs: ackMs };
  const edit = await fake.waitForRequest((r) => r.path.includes('/webhooks/') && r.path.includes(ref.token) && (r.method === 'PATCH' || r.method === 'POST'), 60_000);
  return { ackMs, answerMs: edit.at - bot.spawnedEpoch };
}

/** A fake Hugging Face serving Daily Papers: each refresh (a request for page 0) gets the next batch of papers. */
/** A metric's value in a Prometheus text exposition (NaN when absent). */
function metricValue(body: string, name: string): number {
  const escaped = name.replace(/[{}"\\]/g, '\\$&');
  return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(body)?.[1] ?? NaN);
}

export class FakeHuggingFace {
  private server: Server | undefined;
  private pages: string[][] = [];
  /** How many refreshes started (page-0 requests), and when each did. */
  readonly refreshStarts: number[] = [];

  /** `batches` of papers, each served as pages of 100 items. */
  constructor(batches: readonly (readonly Paper[])[]) {
    this.pages = batches.map((batch) => {
      const pages: string[] = [];
      for (let i = 0; i < batch.length; i += 100) pages.push(JSON.stringify(batch.slice(i, i + 100).map(hfDailyItem)));
      return pages;
    });
  }

  async start(): Promise<string> {
    this.server = createHttpServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== '/api/daily_papers') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const page = Number(url.searchParams.get('p') ?? 0);
      if (page === 0) this.refreshStarts.push(performance.now());
      const batch = this.pages[this.refreshStarts.length - 1] ?? [];
      response.writeHead(200, { 'content-type': 'application/json' }).end(batch[page] ?? '[]');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/**
 * The bot's database as the benchmark drives it: the source's row in `source_state` (written so the bot starts
 * with no refresh due, deleted to set one off), and the papers' change sequence.
 */
export class SourceStateSwitch {
  private readonly db: Database.Database;

  constructor(dataDir: string, private readonly source: string) {
    this.db = new Database(join(dataDir, 'paperboy.db'));
    this.db.pragma('busy_timeout = 30000');
  }

  /** Records a successful refresh just now, so the scheduler waits for the cron schedule. */
  markFresh(): void {
    const now = new Date().toISOString();
    this.db.prepare('INSERT OR REPLACE INTO source_state (source, last_attempt_at, last_success_at, consecutive_failures, last_changed) VALUES (?, ?, ?, 0, 0)').run(this.source, now, now);
  }

  /** Makes the source look never fetched: the scheduler refreshes it at its next wake. */
  refreshSoon(): void {
    this.db.prepare('DELETE FROM source_state WHERE source = ?').run(this.source);
  }

  /** The papers' change sequence in the database now: the highest `seq` any paper row carries. */
  paperSequence(): number {
    return this.db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM papers').get()?.seq ?? 0;
  }

  close(): void {
    this.db.close();
  }
}
