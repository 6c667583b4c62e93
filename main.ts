/**
 * Composition root: reads the configuration once, opens the database, the corpus and its index, wires
 * the bot (commands, scheduler, delivery), starts the adapters that are configured (the terminal when
 * no chat platform is), and shuts everything down cleanly on SIGINT/SIGTERM.
 *
 *   npm start                                      interactive terminal bot
 *   npm start -- --once "search diffusion"         one command, then exit (0 ok, 1 user error, 2 failure)
 *   npm start -- --once "show 2501.12948" --json   the reply as OutgoingMessage JSON
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBot } from './bot.ts';
import { readStartArguments, runOnce, START_USAGE } from './adapters/shell/once.ts';
import { createShellAdapter } from './adapters/shell/repl.ts';
import { chatAdapters, type ChatAdapter } from './adapters/chat-adapters.ts';
import { boundShutdown, guardProcess, nextSignal } from './adapters/process-guard.ts';
import { DEFAULT_WIDTH } from './adapters/shell/render.ts';
import { corpusSummary } from './commands/presenters/bundled.ts';
import { systemClock } from './src/clock.ts';
import { ConfigError, readConfig } from './src/config.ts';
import { createArxivHttp, createPaperSources } from './src/corpus/paper-sources.ts';
import { createArxivHtmlFetcher, FullTextLibrary } from './src/fulltext/full-text-library.ts';
import { ChatCompletionsClient } from './src/llm/chat-completions.ts';
import { PaperWriter } from './src/llm/paper-writer.ts';
import { PacedSender } from './src/delivery/paced-sender.ts';
import type { ChatPlatform } from './src/chat/platform.port.ts';
import { Readiness } from './src/health/health-server.ts';
import { startObservability, type Observability } from './src/health/observability.ts';
import type { PaperLibrary } from './src/library/paper-library.ts';
import { openLogger } from './src/logger.ts';
import { commandRegistry } from './commands/registry.ts';
import { LIBRARY_FILES, openPaperLibrary, type LibraryProgress } from './src/library/open-library.ts';
import { SAVE_AFTER_CHANGES } from './src/scheduler/paper-sync.ts';
import { DatabaseProblem } from './src/store/database-problem.ts';
import { parseDatabaseUrl } from './src/store/database-url.ts';
import { openStores } from './src/store/open-stores.ts';

const version = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** How often the bot looks for papers written by others (an import beside it, another process). */
const FOLLOW_INTERVAL_MS = 10_000;

/** Papers from which building the index takes long enough (seconds) to say so. */
const SLOW_INDEX_BUILD_PAPERS = 10_000;

/** Says on stderr what a slow start is doing (moving an old corpus file, building the index of many papers). */
function startupProgress(): (progress: LibraryProgress) => void {
  const said = new Set<string>();
  return (progress) => {
    if (said.has(progress.step) || (progress.step === 'indexing' && progress.of < SLOW_INDEX_BUILD_PAPERS)) return;
    said.add(progress.step);
    process.stderr.write(progress.step === 'migrating'
      ? `Moving the papers of ${progress.file} into the database (once, after an upgrade)…\n`
      : `Building the search index of ${progress.of.toLocaleString('en')} papers (once; later starts load it)…\n`);
  };
}

/** A line on a terminal's stderr until `clear` rubs it out (once; later calls do nothing). */
function transientLine(text: string): { clear(): void } {
  process.stderr.write(text);
  let shown = true;
  return { clear() { if (shown) process.stderr.write('\r\x1b[K'); shown = false; } };
}

async function main(): Promise<number> {
  const cli = readStartArguments(process.argv.slice(2));
  if ('problem' in cli) {
    process.stderr.write(`${cli.problem}\n${START_USAGE}\n`);
    return 1;
  }
  if (typeof process.loadEnvFile !== 'function') throw new ConfigError(`Paperboy needs Node.js 20.12 or newer (this is ${process.version}).`);
  try { process.loadEnvFile(); } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // no .env file: the environment alone configures the bot
  }
  const config = readConfig();
  const onChat = cli.values.once === undefined && Boolean(config.slack || config.discord);
  // With Slack or Discord, JSON lines on stdout for whatever runs the process; in the terminal, a file beside the conversation.
  const logFile = config.logFile ?? (onChat ? undefined : join(config.dataDir, 'paperboy.log'));
  const log = await openLogger({ level: config.logLevel, format: config.logFormat, ...(logFile ? { file: logFile } : {}) });
  // Nothing a request does, nor anything inside a library, can stop the process: it is logged with its request.
  guardProcess(log);
  const clock = systemClock;
  const startedAt = clock.now();
  log.info({ version, node: process.version }, 'paperboy starting');
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && cli.values.once === undefined && !onChat;
  // A cold start (or a large corpus) can take a while: say what is happening, then clear the line.
  const loading = interactive && process.stderr.isTTY ? transientLine('Opening the database and loading papers…') : { clear: () => undefined };
  const progress = startupProgress();
  const database = parseDatabaseUrl(config.databaseUrl);
  const openingDatabase = performance.now();
  // A running bot checkpoints SQLite's write-ahead log from a worker thread, not inside its commits; the
  // integrity check reads the whole file on another thread while the papers load.
  const stores = await openStores(database, { log, backgroundCheckpoints: cli.values.once === undefined, backgroundCheck: true });
  const databaseMs = performance.now() - openingDatabase;
  // /readyz and the corpus gauge answer while the papers load; they see the index once it is there.
  const readiness = new Readiness();
  let loaded: PaperLibrary | undefined;
  let observability: Observability | undefined;
  try {
    if (config.health) {
      observability = await startObservability(config.health, {
        clock, log, readiness, commands: commandRegistry.map((spec) => spec.name), sources: config.sources.enabled,
        corpusSize: () => loaded?.stats().papers ?? 0,
        lastSourceSuccess: async (source) => { const at = (await stores.sources.get(source))?.lastSuccessAt; return at ? new Date(at) : undefined; },
      });
    }
    readiness.add({ name: 'database', check: () => stores.ping().then(() => undefined) });
    readiness.add({ name: 'search index', check: () => (loaded ? undefined : 'loading') });
    const indexPath = join(config.dataDir, LIBRARY_FILES.index);
    const openingLibrary = performance.now();
    const [library] = await Promise.all([
      openPaperLibrary({ stores, dataDir: config.dataDir, log, clock, onProgress: (step) => { loading.clear(); progress(step); } }),
      stores.verified(),
    ]);
    loaded = library;
    loading.clear();
    log.info({ papers: library.stats().papers, databaseMs: Math.round(databaseMs), libraryMs: Math.round(performance.now() - openingLibrary) }, 'papers opened');
    const actor = { platform: 'shell', userId: config.shell.user, displayName: config.shell.user, canManageChannel: true };
    const channel = { platform: 'shell', channelId: config.shell.channel };
    const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    // A terminal that reports no size (0 columns, as some pseudo-terminals do) gets the default width, not a word per line.
    const width = Math.min(process.stdout.columns || DEFAULT_WIDTH, DEFAULT_WIDTH);
    // One client for everything asked of arXiv (API, RSS, full texts), so arXiv's pace holds across them.
    const arxivHttp = createArxivHttp(config.sources, { clock, log });
    const fullText = new FullTextLibrary({
      store: stores.fullTexts, clock, log: log.child({ part: 'full-text' }), fetch: createArxivHtmlFetcher(arxivHttp, config.fullText.htmlBaseUrl),
    });
    const model = config.languageModel;
    const writer = model
      ? new PaperWriter({
          client: new ChatCompletionsClient({ baseUrl: model.baseUrl, apiKey: model.apiKey, model: model.model, timeoutMs: model.timeoutMs }),
          usage: stores.modelUsage, clock, log: log.child({ part: 'language-model' }), dailyTokensPerChannel: model.dailyTokensPerChannel,
        })
      : undefined;
    const senders = new Map<string, PacedSender>();
    let stopWatching = async (): Promise<void> => undefined;
    const platforms = new Map<string, ChatPlatform>();
    /** The chat platforms, once set up (none for `--once` and the terminal). */
    let chat: ChatAdapter[] = [];
    const bot = createBot({
      clock,
      log,
      library,
      stores,
      senderFor: (platform) => senders.get(platform),
      platformFor: (platform) => platforms.get(platform),
      status: { startedAt, version, sources: config.sources.enabled, connections: async () => (await Promise.all(chat.map((adapter) => adapter.connections?.() ?? []))).flat() },
      ...(observability ? { metrics: observability.metrics } : {}),
      defaultTimeZone: config.scheduler.defaultTimeZone,
      graceMs: config.scheduler.graceMs,
      sources: createPaperSources(config.sources, { clock, log, arxivHttp }),
      indexPath,
      followIntervalMs: FOLLOW_INTERVAL_MS,
      fullText,
      ...(writer ? { writer } : {}),
      // On PostgreSQL any number of processes may run: each is a replica sharing the work and the platforms' limits.
      ...(database.kind === 'postgres' && cli.values.once === undefined
        ? { replica: { ...config.replica, onBeat: (alive: number) => { for (const sender of senders.values()) sender.shareGlobalLimit(alive); } } }
        : {}),
    });

    if (cli.values.once !== undefined) {
      const code = await runOnce({ inbound: bot, clock, line: cli.values.once, json: cli.values.json ?? false, color, width, stdout: process.stdout, stderr: process.stderr, actor, channel });
      // A new index, or a long catch-up (an import since the last run), is saved so the next run does not repeat it.
      if (library.unsaved >= SAVE_AFTER_CHANGES || (library.unsaved > 0 && !existsSync(indexPath))) await bot.sync.flush();
      return code;
    }

    chat = await chatAdapters(config, { inbound: bot, clock, log, inboundEvents: stores.inbound, installs: bot.installs, notice: (line) => process.stderr.write(`${line}\n`) });
    if (chat.length > 0) {
      // Chat platforms are configured: serve them all from this process until SIGINT/SIGTERM, no terminal prompt.
      for (const adapter of chat) {
        platforms.set(adapter.name, adapter.platform);
        senders.set(adapter.name, new PacedSender({ platform: adapter.platform, clock, logger: log, ...adapter.pacing, ...(observability ? { metrics: observability.metrics } : {}) }));
        readiness.add({ name: adapter.name, check: () => (adapter.connected() ? undefined : `not connected to ${adapter.description}`) });
      }
      // From here on SIGINT/SIGTERM end the process within a bound, even while a platform is still starting.
      const signal = nextSignal();
      const started: typeof chat = [];
      const starting = (async () => {
        for (const adapter of chat) {
          await adapter.start();
          started.push(adapter);
        }
      })();
      starting.catch(() => undefined);
      let early: string | undefined;
      try {
        early = await Promise.race([starting.then(() => undefined), signal]);
      } catch (error) {
        // One platform refused to start: stop the ones already listening, or the process would never exit.
        boundShutdown(log, () => 1);
        for (const adapter of started) await adapter.stop();
        throw error;
      }
      if (early === undefined) {
        log.info({ papers: library.stats().papers, adapters: chat.map((a) => a.name), sources: config.sources.enabled }, 'paperboy started');
        const logsGo = logFile ? `logs in ${logFile}` : 'logs on stdout';
        const endpoints = observability ? `; /healthz, /readyz, /metrics on port ${observability.port}` : '';
        process.stderr.write(`Paperboy ${version} is running on ${chat.map((a) => a.description).join(' and ')}; ${logsGo}${endpoints}. Ctrl-C stops it.\n`);
        // Resumes unsent posts and catches up in the background: a slow channel must not hold the signal up.
        bot.start().catch((error: unknown) => log.error({ error: String(error) }, 'could not start the scheduler'));
        // Papers another process commits reach the index at once where the database announces them (PostgreSQL).
        stopWatching = await stores.papers.watchChanges(() => bot.sync.requestSync());
      }
      const received = early ?? (await signal);
      log.info({ signal: received }, 'shutting down');
      boundShutdown(log, () => 0);
      // Posts still being sent stay recorded and are looked up and finished on the next start.
      await stopWatching();
      await bot.stop();
      for (const adapter of chat) await adapter.stop().catch((error: unknown) => log.warn({ adapter: adapter.name, error: String(error) }, 'adapter did not stop cleanly'));
      log.info({}, 'stopped');
      return 0;
    }

    const shell = createShellAdapter({
      inbound: bot,
      clock,
      input: process.stdin,
      output: process.stdout,
      interactive,
      color,
      width,
      historyFile: join(config.dataDir, '.shell_history'),
      actor,
      channel,
      banner: [
        `Paperboy ${version} · ${corpusSummary(library.stats(), config.sources.enabled)}`,
        'Type help, a command such as "search diffusion", a number to press a button, or quit (Ctrl-D).',
      ].join('\n'),
    });
    platforms.set('shell', shell.platform);
    // The terminal prints scheduled posts as they fire; it has no rate limit worth pacing for.
    senders.set('shell', new PacedSender({ platform: shell.platform, clock, logger: log, perChannel: { perSecond: 100, burst: 100 }, global: { perSecond: 100, burst: 100 } }));
    log.info({ papers: library.stats().papers, adapters: ['shell'], sources: config.sources.enabled }, 'paperboy started');
    await bot.start();
    stopWatching = await stores.papers.watchChanges(() => bot.sync.requestSync());
    const stop = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      shell.close();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    await shell.closed;
    await stopWatching();
    await bot.stop();
    log.info({}, 'stopped');
    return 0;
  } finally {
    await observability?.close();
    await stores.close();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    const clearLine = process.stderr.isTTY ? '\r\x1b[K' : ''; // over "Opening the database…", if it is showing
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(clearLine + (error instanceof ConfigError || error instanceof DatabaseProblem ? `${error.message}\n` : `Paperboy could not start: ${reason}\n`));
    process.exitCode = 1;
  },
);
