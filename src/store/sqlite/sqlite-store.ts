import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../clock.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import { DatabaseProblem } from '../database-problem.ts';
import type { Stores } from '../store.ts';
import { SqliteChannelSettingsStore } from './channel-settings.ts';
import { SqliteDeliveryStore } from './deliveries.ts';
import { SqliteDiscussionStore } from './discussions.ts';
import { SqliteFullTextStore } from './full-texts.ts';
import { SqliteHeartbeatStore } from './heartbeats.ts';
import { SqliteLeaseStore } from './leases.ts';
import { SqliteInstallationStore } from './installations.ts';
import { SqliteInboundEventStore } from './inbound-events.ts';
import { quickCheckInBackground, startCheckpointer, type Checkpointer } from './worker-threads.ts';
import { applyMigrations } from './migrations.ts';
import { SqlitePaperStore } from './papers.ts';
import { SqliteModelUsageStore } from './model-usage.ts';
import { SqliteSavedPaperStore } from './saved-papers.ts';
import { SqliteSignalSnapshotStore, SqliteSourceStateStore } from './source-state.ts';
import { SqliteSubscriptionStore } from './subscriptions.ts';

/** How long a connection waits for another one's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/** Options of {@link openSqliteStores}. */
export interface SqliteStoreOptions {
  /** How long to wait for another connection's lock (default {@link BUSY_TIMEOUT_MS}). */
  busyTimeoutMs?: number;
  /** Where applied migrations and a refused WAL mode are logged (silent by default). */
  log?: Logger;
  /** Stamps `schema_migrations.applied_at` (the stores themselves only use the `Date`s they are given). */
  clock?: Clock;
  /**
   * Checkpoint the write-ahead log from a worker thread instead of inside commits (for the long-running bot:
   * see `worker-threads.ts`). Off by default: a short-lived tool or a test keeps SQLite's automatic checkpoints.
   */
  backgroundCheckpoints?: boolean;
  /**
   * Run the start-up integrity check (`quick_check`, a read of the whole file: about a second at 100k papers)
   * on a worker thread; `verified()` reports its outcome. By default it runs before opening returns.
   */
  backgroundCheck?: boolean;
}

/**
 * Opens (creating it and its directory if missing) the SQLite database at `path` (`:memory:` for a
 * private in-memory one), brings its schema up to date (see `migrations.ts`) and returns every store on
 * it. Opening is synchronous and throws on a database newer than this code; the store methods are async
 * so a PostgreSQL implementation can share the ports.
 *
 * Several processes may open the same file: every write is one statement or one `BEGIN IMMEDIATE`
 * transaction, and the keys (UNIQUE, primary keys with `ON CONFLICT`/`INSERT OR IGNORE`) decide races.
 *
 * Pragmas:
 * - `journal_mode = WAL`: readers do not block the writer, and a crash mid-write leaves the file intact
 *   (the unfinished transaction is simply not in the log).
 * - `synchronous = FULL`: every commit is fsynced to the WAL before the call returns. With `NORMAL`, WAL
 *   commits are only fsynced at checkpoints, so an acknowledged write (a channel's daily setting, a
 *   delivery claim that guards against double posts) survives the process being killed but can be lost
 *   when the machine, VM or container host goes down before the next checkpoint. A few hundred writes a
 *   day make the extra fsync free.
 * - `busy_timeout = 5000`: wait (blocking this process) up to {@link BUSY_TIMEOUT_MS} for another
 *   connection's write instead of failing at once.
 * - `foreign_keys = ON`: `shown_papers.delivery_key` must name a delivery.
 *
 * A file database is checked at start: `PRAGMA quick_check` (a damaged file refuses to start instead of
 * failing every command later), then a write lock taken and given back (read-only or locked by another
 * program). Each problem is a {@link DatabaseProblem} that says what to do.
 */
export function openSqliteStores(path: string, options: SqliteStoreOptions = {}): Stores {
  const log = (options.log ?? silentLogger).child({ module: 'store', file: path });
  const clock = options.clock ?? systemClock;
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });

  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
    if (!inMemory && !options.backgroundCheck) checkIntegrity(db, path);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && mode !== 'wal') log.warn({ journalMode: mode }, 'SQLite refused WAL mode; using its journal instead');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, { now: () => clock.now(), log, file: path });
    // Every store writes: a database this process may not write, or one another program holds, fails here, not at the first command.
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } catch (error) {
    db?.close();
    throw inMemory ? error : problemAt(path, error);
  }
  const openedFile = inMemory ? undefined : statSync(path);
  const verification = inMemory || !options.backgroundCheck
    ? Promise.resolve()
    : quickCheckInBackground(path).then(({ problems, code }) => {
        if (problems.length > 0) throw code ? problemAt(path, Object.assign(new Error(problems[0]), { code })) : damaged(path, summary(problems));
      });
  // Until someone asks for the outcome, a failure must not count as an unhandled rejection.
  verification.catch(() => undefined);
  let checkpointer: Checkpointer | undefined;
  if (options.backgroundCheckpoints && !inMemory && db.pragma('journal_mode', { simple: true }) === 'wal') {
    db.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(path, log);
  }

  return {
    papers: new SqlitePaperStore(db),
    channels: new SqliteChannelSettingsStore(db),
    subscriptions: new SqliteSubscriptionStore(db),
    deliveries: new SqliteDeliveryStore(db),
    saved: new SqliteSavedPaperStore(db),
    sources: new SqliteSourceStateStore(db),
    snapshots: new SqliteSignalSnapshotStore(db),
    discussions: new SqliteDiscussionStore(db),
    fullTexts: new SqliteFullTextStore(db),
    modelUsage: new SqliteModelUsageStore(db),
    leases: new SqliteLeaseStore(db),
    installations: new SqliteInstallationStore(db),
    heartbeats: new SqliteHeartbeatStore(db),
    verified: () => verification,
    async ping() {
      if (!db.open) throw new Error('the database is closed');
      // A file moved or deleted under the bot still answers through its open handle, but every write then
      // goes to a file no restart will see again.
      const now = openedFile ? statSync(path, { throwIfNoEntry: false }) : undefined;
      if (openedFile && (now?.ino !== openedFile.ino || now.dev !== openedFile.dev)) throw new Error(`${path} was moved or deleted while the bot was running`);
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    },
    inbound: new SqliteInboundEventStore(db),
    async close() {
      await checkpointer?.stop();
      checkpointer = undefined;
      if (db.open) db.close();
    },
  };
}

/** SQLite's `quick_check`: pages, records and indexes consistent (not the slower `integrity_check` of every value). */
function checkIntegrity(db: Database.Database, path: string): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const problems = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
  if (problems.length > 0) throw damaged(path, summary(problems));
}

function summary(problems: readonly string[]): string {
  return problems.join('; ').replace(/\s+/g, ' ').slice(0, 200);
}

function damaged(path: string, detail: string): DatabaseProblem {
  return new DatabaseProblem(
    `The database ${path} is damaged (${detail}). Restore it from a backup, or move it aside to start with an empty one ` +
      `(mv ${path} ${path}.damaged): papers are then loaded again, but channel settings, subscriptions and reading lists start empty.`,
  );
}

/** What an error while opening the database means for the person starting Paperboy. */
function problemAt(path: string, error: unknown): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (error instanceof DatabaseProblem) return error;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT_')) {
    return damaged(path, error instanceof Error ? error.message : code);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code.startsWith('SQLITE_CANTOPEN_')) {
    return new DatabaseProblem(
      `The database ${path} cannot be written by this user, and Paperboy writes to it (settings, posts, papers). ` +
        `Make the file and its folder writable (chmod u+w ${path} ${dirname(path)}), or set DATA_DIR to a folder this user can write.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseProblem(
      `The database ${path} is locked by another program (another Paperboy, npm run import, or a sqlite3 shell in a transaction). ` +
        'Stop it or let it finish, then start again.',
    );
  }
  return error;
}
