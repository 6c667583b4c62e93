import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { DatabaseTarget } from './database-url.ts';
import { openPostgresStores } from './postgres/postgres-store.ts';
import { openSqliteStores } from './sqlite/sqlite-store.ts';
import type { Stores } from './store.ts';

/**
 * Opens the stores on the database `DATABASE_URL` names (see `parseDatabaseUrl`): the embedded SQLite
 * file, or a PostgreSQL server (which may take a moment to connect, and fails with a
 * `DatabaseConnectionError` naming `DATABASE_URL` when it cannot).
 */
export async function openStores(target: DatabaseTarget, options: { log: Logger; clock?: Clock; backgroundCheckpoints?: boolean; backgroundCheck?: boolean }): Promise<Stores> {
  return target.kind === 'sqlite' ? openSqliteStores(target.path, options) : openPostgresStores(target.url, options);
}
