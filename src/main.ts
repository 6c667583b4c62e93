/**
 * Composition root: reads the configuration once, opens the corpus and its index, and reports what it
 * serves. Chat adapters (terminal, Slack, Discord) attach here as they land.
 */
import { systemClock } from './clock.ts';
import { ConfigError, readConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openPaperLibrary } from './paper-library.ts';

async function main(): Promise<void> {
  if (typeof process.loadEnvFile === 'function') {
    try { process.loadEnvFile(); } catch { /* no .env file: the environment alone configures the bot */ }
  }
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const library = await openPaperLibrary({ dataDir: config.dataDir, log, clock: systemClock });
  log.info({ papers: library.corpus.size, terms: library.index.termCount, sources: config.sources.enabled }, 'paperboy core ready');
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Paperboy could not start: ${String(error)}\n`);
  process.exitCode = 1;
});
