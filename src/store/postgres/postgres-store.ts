import pg from 'pg';
import { systemClock, type Clock } from '../../clock.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import type { Migration } from '../migration.ts';
import type { Stores } from '../store.ts';
import { PostgresChannelSettingsStore } from './channel-settings.ts';
import { describeServer, explainConnectionError } from './connection-error.ts';
import { PostgresDeliveryStore } from './deliveries.ts';
import { PostgresDiscussionStore } from './discussions.ts';
import { PostgresFullTextStore } from './full-texts.ts';
import { PostgresHeartbeatStore } from './heartbeats.ts';
import { PostgresInstallationStore } from './installations.ts';
import { PostgresInboundEventStore } from './inbound-events.ts';
import { PostgresLeaseStore } from './leases.ts';
import { applyPostgresMigrations, quoteIdentifier } from './migrations.ts';
import { PostgresModelUsageStore } from './model-usage.ts';
import { PostgresPaperStore } from './papers.ts';
import { rowTypes } from './row-types.ts';
import { PostgresSavedPaperStore } from './saved-papers.ts';
import { PostgresSignalSnapshotStore, PostgresSourceStateStore } from './source-state.ts';
import { PostgresSubscriptionStore } from './subscriptions.ts';

/** How long opening a connection may take before it counts as the server not answering. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Connections each process keeps at most; the bot's writes are small, so a few suffice. */
export const POOL_SIZE = 5;

/** Options of {@link openPostgresStores}. */
export interface PostgresStoreOptions {
  /** Where applied migrations and lost idle connections are logged (silent by default). */
  log?: Logger;
  /** Stamps `schema_migrations.applied_at` (the stores themselves only use the `Date`s they are given). */
  clock?: Clock;
  /**
   * Keep every table in this schema (a lower-case SQL name; created if missing) instead of the first one
   * of the user's `search_path` (normally `public`). Tests give each run its own.
   */
  schema?: string;
  /** Default the real schema; tests pass their own. */
  migrations?: readonly Migration[];
  /** How long connecting may take before the server counts as not answering (default {@link CONNECT_TIMEOUT_MS}). */
  connectTimeoutMs?: number;
}

/**
 * Connects to the PostgreSQL server at `url` (`postgres://user:password@host:5432/db`, with libpq's query
 * parameters such as `sslmode`), brings the schema up to date under an advisory lock (see
 * `migrations.ts`) and returns every store on one pool of at most {@link POOL_SIZE} connections.
 *
 * Any number of processes may open the same database: every write is one statement whose keys (primary
 * keys and UNIQUE with `ON CONFLICT`) decide races, as in the SQLite store, except a papers upsert, one
 * transaction behind a row lock (see `papers.ts`). A server that cannot be reached or refuses the
 * connection is a `DatabaseConnectionError` naming `DATABASE_URL`.
 */
export async function openPostgresStores(url: string, options: PostgresStoreOptions = {}): Promise<Stores> {
  const { server, database } = describeServer(url);
  const log = (options.log ?? silentLogger).child({ module: 'store', server, database });
  const clock = options.clock ?? systemClock;
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new RangeError(`A schema name must be lower-case letters, digits and _ (not starting with a digit), not ${options.schema}`);
  }
  const connection = {
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    types: rowTypes,
    ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)}` } : {}),
  };
  const pool = new pg.Pool({ ...connection, max: POOL_SIZE });
  // An idle connection the server dropped (a restart, a failover) must not crash the process: the pool
  // discards it and the next query opens a new one.
  pool.on('error', (error) => log.warn({ err: error.message }, 'Lost an idle PostgreSQL connection'));

  try {
    // One connection first, so that a server that cannot be reached or refuses says so in those words.
    const client = await pool.connect().catch((error: unknown) => {
      throw explainConnectionError(error, url, connectTimeoutMs);
    });
    client.release();
    await applyPostgresMigrations(pool, {
      now: () => clock.now(),
      log,
      database: `${database} on ${server}`,
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    channels: new PostgresChannelSettingsStore(pool),
    subscriptions: new PostgresSubscriptionStore(pool),
    deliveries: new PostgresDeliveryStore(pool),
    saved: new PostgresSavedPaperStore(pool),
    sources: new PostgresSourceStateStore(pool),
    snapshots: new PostgresSignalSnapshotStore(pool),
    discussions: new PostgresDiscussionStore(pool),
    papers: new PostgresPaperStore(pool, { client: () => new pg.Client(connection), log }),
    fullTexts: new PostgresFullTextStore(pool),
    modelUsage: new PostgresModelUsageStore(pool),
    leases: new PostgresLeaseStore(pool),
    heartbeats: new PostgresHeartbeatStore(pool),
    installations: new PostgresInstallationStore(pool),
    inbound: new PostgresInboundEventStore(pool),
    verified: async () => undefined,
    async ping() {
      await pool.query('SELECT 1');
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
