import type { Pool } from 'pg';
import type { Logger } from '../../logger.ts';
import { checkMigrationOrder, refuseRenamed, refuseTooNew, type AppliedMigration, type Migration } from '../migration.ts';
import { DatabaseConnectionError } from './connection-error.ts';

/**
 * The PostgreSQL schema, in order: the same tables, keys and checks as the SQLite one, in PostgreSQL's
 * types. Instants are `timestamptz` (the stores hand them out as `toISOString()` strings), lists of ids
 * are `jsonb` arrays, and tables whose lists break ties by insertion order carry a `seq` identity column.
 * Text a list is sorted by is `COLLATE "C"`, so it sorts byte-wise as in SQLite whatever the database's
 * default collation (`en_US.UTF-8` would put `a` before `B`).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial_schema',
    sql: `
      CREATE TABLE channel_settings (
        channel              text COLLATE "C" PRIMARY KEY,
        daily_time           text,
        daily_time_zone      text,
        daily_weekdays_only  boolean,
        daily_top            integer,
        daily_topic          text,
        disabled_at          timestamptz,
        disabled_reason      text,
        updated_at           timestamptz NOT NULL,
        updated_by           text NOT NULL,
        CHECK ((daily_time IS NULL) = (daily_time_zone IS NULL)),
        CHECK ((daily_time IS NULL) = (daily_weekdays_only IS NULL)),
        CHECK ((daily_time IS NULL) = (daily_top IS NULL)),
        CHECK (daily_time IS NOT NULL OR daily_topic IS NULL),
        CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
      );

      CREATE TABLE subscriptions (
        id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel       text NOT NULL,
        topic         text NOT NULL,
        topic_key     text NOT NULL CHECK (topic_key <> ''),
        min_upvotes   integer,
        mention_kind  text CHECK (mention_kind IN ('user', 'role')),
        mention_id    text,
        created_by    text NOT NULL,
        created_at    timestamptz NOT NULL,
        UNIQUE (channel, topic_key),
        CHECK ((mention_kind IS NULL) = (mention_id IS NULL))
      );

      CREATE TABLE deliveries (
        key         text PRIMARY KEY,
        seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        channel     text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('daily', 'subscription', 'empty-day')),
        status      text NOT NULL CHECK (status IN ('claimed', 'sending', 'retrying', 'sent', 'unknown', 'skipped')),
        paper_ids   jsonb NOT NULL CHECK (jsonb_typeof(paper_ids) = 'array'),
        message     text NOT NULL,
        attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error  text,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      CREATE INDEX deliveries_channel_created ON deliveries (channel, created_at, seq);
      CREATE INDEX deliveries_unfinished ON deliveries (created_at, seq)
        WHERE status IN ('claimed', 'sending', 'retrying');

      CREATE TABLE shown_papers (
        channel       text NOT NULL,
        paper_id      text NOT NULL,
        delivery_key  text NOT NULL REFERENCES deliveries (key),
        shown_at      timestamptz NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );

      CREATE TABLE saved_papers (
        channel   text NOT NULL,
        paper_id  text NOT NULL,
        seq       bigint GENERATED ALWAYS AS IDENTITY,
        saved_by  text NOT NULL,
        saved_at  timestamptz NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );

      CREATE TABLE source_state (
        source                text COLLATE "C" PRIMARY KEY,
        last_attempt_at       timestamptz,
        last_success_at       timestamptz,
        last_error            text,
        consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
        retry_after           timestamptz,
        last_changed          integer
      );

      CREATE TABLE signal_snapshots (
        paper_id      text COLLATE "C" NOT NULL,
        observed_at   timestamptz NOT NULL,
        upvotes       integer,
        comments      integer,
        github_stars  integer,
        PRIMARY KEY (paper_id, observed_at)
      );
      CREATE INDEX signal_snapshots_observed ON signal_snapshots (observed_at);

      CREATE TABLE discussions (
        channel           text NOT NULL,
        paper_id          text NOT NULL,
        seq               bigint GENERATED ALWAYS AS IDENTITY,
        thread            text NOT NULL UNIQUE,
        opened_by         text NOT NULL,
        created_at        timestamptz NOT NULL,
        reply_count       integer NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
        last_activity_at  timestamptz NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );
      CREATE INDEX discussions_channel_activity ON discussions (channel, last_activity_at);

      CREATE TABLE leases (
        name         text COLLATE "C" PRIMARY KEY,
        holder       text,
        token        integer NOT NULL CHECK (token >= 1),
        acquired_at  timestamptz NOT NULL,
        expires_at   timestamptz,
        CHECK ((holder IS NULL) = (expires_at IS NULL))
      );

      CREATE TABLE replica_heartbeats (
        replica_id     text COLLATE "C" PRIMARY KEY,
        first_beat_at  timestamptz NOT NULL,
        last_beat_at   timestamptz NOT NULL
      );
      CREATE INDEX replica_heartbeats_last_beat ON replica_heartbeats (last_beat_at);
    `,
  },
  {
    version: 2,
    name: 'papers',
    sql: `
      CREATE TABLE papers (
        id                   text COLLATE "C" PRIMARY KEY,
        seq                  bigint NOT NULL UNIQUE CHECK (seq > 0),
        created_seq          bigint NOT NULL CHECK (created_seq > 0),
        text_seq             bigint NOT NULL CHECK (text_seq > 0),
        replaced_by          text,
        arxiv_id             text,
        version              integer,
        title                text NOT NULL,
        title_key            text NOT NULL,
        abstract             text NOT NULL,
        ai_summary           text,
        keywords             jsonb NOT NULL CHECK (jsonb_typeof(keywords) = 'array'),
        authors              jsonb NOT NULL CHECK (jsonb_typeof(authors) = 'array'),
        primary_category     text,
        categories           jsonb NOT NULL CHECK (jsonb_typeof(categories) = 'array'),
        published_at         text,
        updated_at           text,
        featured_on          text,
        links                jsonb NOT NULL CHECK (jsonb_typeof(links) = 'object'),
        upvotes              integer,
        comments             integer,
        github_stars         integer,
        signals_observed_at  text,
        announce_type        text,
        comment              text,
        journal_ref          text,
        doi                  text,
        bundled_rank         integer,
        sources              jsonb NOT NULL CHECK (jsonb_typeof(sources) = 'array')
      );
      CREATE INDEX papers_title_key ON papers (title_key, created_seq) WHERE replaced_by IS NULL;
      CREATE INDEX papers_created ON papers (created_seq) WHERE replaced_by IS NULL;

      -- The last sequence number handed out. Writers lock this row for their whole transaction, so they
      -- take turns and sequence order is commit order: a reader polling seq > N never skips a row.
      CREATE TABLE paper_sequence (
        only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        seq       bigint NOT NULL CHECK (seq >= 0)
      );
      INSERT INTO paper_sequence (seq) VALUES (0);

      CREATE TABLE paper_cursors (
        name  text PRIMARY KEY,
        seq   bigint NOT NULL CHECK (seq >= 0)
      );

      CREATE TABLE library_meta (
        key    text PRIMARY KEY,
        value  text NOT NULL
      );
      INSERT INTO library_meta (key, value) VALUES ('library_id', md5(random()::text || clock_timestamp()::text));
    `,
  },
  {
    version: 3,
    name: 'full_texts_and_model_usage',
    sql: `
      -- text is JSON kept as text: jsonb would refuse the escaped NUL character (U+0000) a parsed page may hold.
      CREATE TABLE full_texts (
        paper_id    text PRIMARY KEY,
        url         text NOT NULL,
        fetched_at  timestamptz NOT NULL,
        status      text NOT NULL CHECK (status IN ('found', 'missing', 'unusable')),
        text        text,
        CHECK ((status = 'found') = (text IS NOT NULL))
      );

      CREATE TABLE model_usage (
        channel  text NOT NULL,
        day      text NOT NULL,
        tokens   bigint NOT NULL CHECK (tokens >= 0),
        PRIMARY KEY (channel, day)
      );
    `,
  },
  {
    version: 4,
    name: 'inbound_events',
    // Inbound requests handled once (Slack event ids, Socket Mode envelopes, signed request signatures).
    sql: `
      CREATE TABLE inbound_events (
        key         text PRIMARY KEY,
        seen_at     timestamptz NOT NULL,
        expires_at  timestamptz NOT NULL
      );
      CREATE INDEX inbound_events_expiry ON inbound_events (expires_at);
    `,
  },
  {
    version: 5,
    name: 'delivery_targets',
    // Every outbound post is a delivery: replies in threads (answers, discussion posts) name their thread, and a
    // sent delivery keeps the id of the message it made.
    sql: `
      ALTER TABLE deliveries ADD COLUMN thread text, ADD COLUMN posted_id text;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check
        CHECK (kind IN ('daily', 'subscription', 'empty-day', 'reply', 'discussion'));
    `,
  },
  {
    version: 6,
    name: 'installations',
    // Workspaces the bot was installed in through OAuth (Slack: a team, or an enterprise for an org-wide install),
    // with the adapter's credentials; an uninstalled one keeps its row, without credentials, until it is purged.
    sql: `
      CREATE TABLE installations (
        platform        text COLLATE "C" NOT NULL,
        workspace       text COLLATE "C" NOT NULL,
        credentials     text,
        installed_at    timestamptz NOT NULL,
        uninstalled_at  timestamptz,
        PRIMARY KEY (platform, workspace),
        CHECK ((credentials IS NULL) = (uninstalled_at IS NOT NULL))
      );
      CREATE INDEX installations_uninstalled ON installations (uninstalled_at) WHERE uninstalled_at IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'delivery_owners',
    // The replica that claimed a delivery sends it; another takes an unfinished one over when its heartbeat stops.
    sql: `
      ALTER TABLE deliveries ADD COLUMN owner text;
    `,
  },
];

/** The first key of the advisory lock migrations hold (the second is the schema's name, hashed). */
const MIGRATION_LOCK = 0x7061_7065; // 'pape'

/** Options of {@link applyPostgresMigrations}. */
export interface PostgresMigrationOptions {
  /** Default {@link MIGRATIONS}; tests pass their own. */
  migrations?: readonly Migration[];
  /** Stamps `schema_migrations.applied_at`. */
  now: () => Date;
  log: Logger;
  /** The schema to migrate (created when missing); default the first schema of the `search_path`. */
  schema?: string;
  /** Names the database in errors and logs (never with a password). */
  database: string;
}

/**
 * Brings the schema up to the newest migration, like the SQLite store's `applyMigrations`: creates
 * `schema_migrations` (version, name, applied_at) if missing, then runs each migration not yet recorded in
 * a transaction of its own, and refuses a database migrated by a newer Paperboy or recorded under other
 * names.
 *
 * All of it runs on one connection holding a session advisory lock keyed by the schema, so replicas that
 * start together migrate one after another: the first applies, the others wait, then find every version
 * recorded. A process that dies mid-migration loses its session, which releases the lock, and its
 * unfinished transaction rolls back. Returns the versions it applied.
 */
export async function applyPostgresMigrations(pool: Pool, options: PostgresMigrationOptions): Promise<number[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  checkMigrationOrder(migrations);
  const log = options.log;
  const client = await pool.connect();
  let broken: Error | undefined;
  let lock: [number, string] | undefined;
  try {
    const schema = options.schema ?? (await client.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
    if (!schema) {
      throw new DatabaseConnectionError(
        `DATABASE_URL: the database ${options.database} has no schema to create tables in (no schema of its search_path exists). ` +
          'Create the schema, or name an existing one in DATABASE_URL (?options=-c%20search_path%3Dname).',
      );
    }
    const key: [number, string] = [MIGRATION_LOCK, schema];
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', key);
    if (!rows[0]?.ok) {
      log.info({ database: options.database, schema }, 'Waiting for another process to finish migrating the database');
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', key);
    }
    lock = key;
    if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const table = `${quoteIdentifier(schema)}.schema_migrations`;
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      version     integer PRIMARY KEY,
      name        text NOT NULL,
      applied_at  timestamptz NOT NULL
    )`);
    const recorded = new Map(
      (await client.query<AppliedMigration>(`SELECT version, name FROM ${table} ORDER BY version`)).rows.map((r) => [r.version, r]),
    );
    refuseTooNew([...recorded.values()].at(-1), migrations.length, options.database);

    const applied: number[] = [];
    for (const migration of migrations) {
      const existing = recorded.get(migration.version);
      if (existing) {
        refuseRenamed(existing, migration, options.database);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, $3)`, [
          migration.version,
          migration.name,
          options.now(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      applied.push(migration.version);
      log.info({ database: options.database, schema, version: migration.version, migration: migration.name }, 'Applied database migration');
    }
    return applied;
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    if (lock) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', lock).catch((error: Error) => (broken ??= error));
    // A connection whose session may still hold the lock or a transaction is closed, not reused.
    client.release(broken);
  }
}

/** `name` as a quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
