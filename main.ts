/**
 * Composition root: reads the configuration once, opens the database, the corpus and its index, wires
 * the bot (commands, scheduler, delivery), starts the adapters that are configured (the terminal when
 * no chat platform is), and shuts everything down cleanly on SIGINT/SIGTERM.
 *
 *   npm start                                      interactive terminal bot
 *   npm start -- --once "search diffusion"         one command, then exit (0 ok, 1 user error, 2 failure)
 *   npm start -- --once "show 2501.12948" --json   the reply as OutgoingMessage JSON
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBot } from './bot.ts';
import { runOnce } from './adapters/shell/once.ts';
import { createShellAdapter } from './adapters/shell/repl.ts';
import { chatAdapters } from './adapters/chat-adapters.ts';
import { DEFAULT_WIDTH } from './adapters/shell/render.ts';
import { systemClock } from './src/clock.ts';
import { ConfigError, readConfig } from './src/config.ts';
import { SNAPSHOT_RETENTION_MS } from './src/corpus/corpus.ts';
import { createPaperSources } from './src/corpus/paper-sources.ts';
import { PacedSender } from './src/delivery/paced-sender.ts';
import type { ChatPlatform } from './src/chat/platform.port.ts';
import { createFileLogger } from './src/logger.ts';
import { openPaperLibrary, saveLibrary } from './src/paper-library.ts';
import { parseDatabaseUrl } from './src/store/database-url.ts';
import { openSqliteStores } from './src/store/sqlite/sqlite-store.ts';

const version = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function main(): Promise<number> {
  const cli = parseArgs({ options: { once: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  if (typeof process.loadEnvFile === 'function') {
    try { process.loadEnvFile(); } catch { /* no .env file: the environment alone configures the bot */ }
  }
  const config = readConfig();
  const log = createFileLogger(config.logLevel, join(config.dataDir, 'paperboy.log'));
  const clock = systemClock;
  const startedAt = clock.now();
  const database = parseDatabaseUrl(config.databaseUrl);
  if (database.kind !== 'sqlite') throw new ConfigError('DATABASE_URL: the PostgreSQL store does not exist yet; use sqlite:./data/paperboy.db');
  const stores = openSqliteStores(database.path, { log });
  try {
    const snapshots = await stores.snapshots.since(new Date(startedAt.getTime() - SNAPSHOT_RETENTION_MS));
    const search = await openPaperLibrary({ dataDir: config.dataDir, log, clock, snapshots });
    const actor = { platform: 'shell', userId: config.shell.user, displayName: config.shell.user, canManageChannel: true };
    const channel = { platform: 'shell', channelId: config.shell.channel };
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const width = Math.min(process.stdout.columns ?? DEFAULT_WIDTH, DEFAULT_WIDTH);
    const senders = new Map<string, PacedSender>();
    const platforms = new Map<string, ChatPlatform>();
    const bot = createBot({
      clock,
      log,
      search,
      stores,
      senderFor: (platform) => senders.get(platform),
      platformFor: (platform) => platforms.get(platform),
      status: { startedAt, version, sources: config.sources.enabled },
      defaultTimeZone: config.scheduler.defaultTimeZone,
      graceMs: config.scheduler.graceMs,
      sources: createPaperSources(config.sources, { clock, log }),
      // Runs inside the source-refresh job: the job loop runs one job at a time and waits for it on stop.
      persist: () => saveLibrary(search, config.dataDir),
    });

    if (cli.values.once !== undefined) {
      return await runOnce({ inbound: bot, clock, line: cli.values.once, json: cli.values.json ?? false, color, width, stdout: process.stdout, stderr: process.stderr, actor, channel });
    }

    const chat = chatAdapters(config, { inbound: bot, clock, log });
    if (chat.length > 0) {
      // Chat platforms are configured: serve them all from this process until SIGINT/SIGTERM, no terminal prompt.
      for (const adapter of chat) {
        platforms.set(adapter.name, adapter.platform);
        senders.set(adapter.name, new PacedSender({ platform: adapter.platform, clock, logger: log, ...adapter.pacing }));
      }
      const started: typeof chat = [];
      try {
        for (const adapter of chat) {
          await adapter.start();
          started.push(adapter);
        }
      } catch (error) {
        // One platform refused to start: stop the ones already listening, or the process would never exit.
        for (const adapter of started) await adapter.stop();
        throw error;
      }
      log.info({ papers: search.corpus.size, adapters: chat.map((a) => a.name), sources: config.sources.enabled }, 'paperboy started');
      process.stderr.write(`Paperboy ${version} is running on ${chat.map((a) => a.description).join(' and ')}; logs in ${join(config.dataDir, 'paperboy.log')}. Ctrl-C stops it.\n`);
      await bot.start();
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      log.info({ signal }, 'shutting down');
      await bot.stop();
      for (const adapter of chat) await adapter.stop();
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
        `Paperboy ${version} · ${search.corpus.size} papers`,
        'Type help, a command such as "search diffusion", a number to press a button, or quit (Ctrl-D).',
      ].join('\n'),
    });
    platforms.set('shell', shell.platform);
    // The terminal prints scheduled posts as they fire; it has no rate limit worth pacing for.
    senders.set('shell', new PacedSender({ platform: shell.platform, clock, logger: log, perChannel: { perSecond: 100, burst: 100 }, global: { perSecond: 100, burst: 100 } }));
    log.info({ papers: search.corpus.size, adapters: ['shell'], sources: config.sources.enabled }, 'paperboy started');
    await bot.start();
    const stop = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      shell.close();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    await shell.closed;
    await bot.stop();
    log.info({}, 'stopped');
    return 0;
  } finally {
    await stores.close();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Paperboy could not start: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
