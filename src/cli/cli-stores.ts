import { readConfig } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { parseDatabaseUrl } from '../store/database-url.ts';
import { openStores } from '../store/open-stores.ts';
import type { Stores } from '../store/store.ts';

/**
 * What a command-line tool (import, export) works on: the database the bot uses, configured as the bot is
 * (environment and `.env`), and a logger that only speaks up for warnings unless LOG_LEVEL says more.
 */
export async function openCliStores(): Promise<{ stores: Stores; log: Logger }> {
  if (typeof process.loadEnvFile === 'function') {
    try { process.loadEnvFile(); } catch { /* no .env file: the environment alone configures the tool */ }
  }
  const config = readConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  return { stores: await openStores(parseDatabaseUrl(config.databaseUrl), { log }), log };
}
