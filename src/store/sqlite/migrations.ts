import type { Database } from 'better-sqlite3';
import type { Logger } from '../../logger.ts';
import { checkMigrationOrder, refuseRenamed, refuseTooNew, type AppliedMigration, type Migration } from '../migration.ts';

/**
 * The schema, in order. Timestamps are ISO-8601 UTC strings (`Date.toISOString()`), so text order is time
 * order; lists of ids are JSON arrays. Every table keeps the keys that make concurrent writers safe.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial_schema',
    sql: `
      CREATE TABLE channel_settings (
        channel              TEXT PRIMARY KEY,
        daily_time           TEXT,
        daily_time_zone      TEXT,
        daily_weekdays_only  INTEGER CHECK (daily_weekdays_only IN (0, 1)),
        daily_top            INTEGER,
        daily_topic          TEXT,
        disabled_at          TEXT,
        disabled_reason      TEXT,
        updated_at           TEXT NOT NULL,
        updated_by           TEXT NOT NULL,
        CHECK ((daily_time IS NULL) = (daily_time_zone IS NULL)),
        CHECK ((daily_time IS NULL) = (daily_weekdays_only IS NULL)),
        CHECK ((daily_time IS NULL) = (daily_top IS NULL)),
        CHECK (daily_time IS NOT NULL OR daily_topic IS NULL),
        CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
      );

      CREATE TABLE subscriptions (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        channel       TEXT NOT NULL,
        topic         TEXT NOT NULL,
        topic_key     TEXT NOT NULL CHECK (topic_key <> ''),
        min_upvotes   INTEGER,
        mention_kind  TEXT CHECK (mention_kind IN ('user', 'role')),
        mention_id    TEXT,
        created_by    TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        UNIQUE (channel, topic_key),
        CHECK ((mention_kind IS NULL) = (mention_id IS NULL))
      );

      CREATE TABLE deliveries (
        key         TEXT PRIMARY KEY,
        channel     TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('daily', 'subscription', 'empty-day')),
        status      TEXT NOT NULL CHECK (status IN ('claimed', 'sending', 'retrying', 'sent', 'unknown', 'skipped')),
        paper_ids   TEXT NOT NULL CHECK (json_valid(paper_ids) AND json_type(paper_ids) = 'array'),
        message     TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error  TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE INDEX deliveries_channel_created ON deliveries (channel, created_at);
      CREATE INDEX deliveries_unfinished ON deliveries (created_at)
        WHERE status IN ('claimed', 'sending', 'retrying');

      CREATE TABLE shown_papers (
        channel       TEXT NOT NULL,
        paper_id      TEXT NOT NULL,
        delivery_key  TEXT NOT NULL REFERENCES deliveries (key),
        shown_at      TEXT NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );

      CREATE TABLE saved_papers (
        channel   TEXT NOT NULL,
        paper_id  TEXT NOT NULL,
        saved_by  TEXT NOT NULL,
        saved_at  TEXT NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );

      CREATE TABLE source_state (
        source                TEXT PRIMARY KEY,
        last_attempt_at       TEXT,
        last_success_at       TEXT,
        last_error            TEXT,
        consecutive_failures  INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
        retry_after           TEXT,
        last_changed          INTEGER
      );

      CREATE TABLE signal_snapshots (
        paper_id      TEXT NOT NULL,
        observed_at   TEXT NOT NULL,
        upvotes       INTEGER,
        comments      INTEGER,
        github_stars  INTEGER,
        PRIMARY KEY (paper_id, observed_at)
      );
      CREATE INDEX signal_snapshots_observed ON signal_snapshots (observed_at);

      CREATE TABLE discussions (
        channel           TEXT NOT NULL,
        paper_id          TEXT NOT NULL,
        thread            TEXT NOT NULL UNIQUE,
        opened_by         TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        reply_count       INTEGER NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
        last_activity_at  TEXT NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );
      CREATE INDEX discussions_channel_activity ON discussions (channel, last_activity_at);
    `,
  },
  {
    version: 2,
    name: 'papers',
    sql: `
      CREATE TABLE papers (
        id                   TEXT PRIMARY KEY,
        seq                  INTEGER NOT NULL UNIQUE CHECK (seq > 0),
        created_seq          INTEGER NOT NULL CHECK (created_seq > 0),
        text_seq             INTEGER NOT NULL CHECK (text_seq > 0),
        replaced_by          TEXT,
        arxiv_id             TEXT,
        version              INTEGER,
        title                TEXT NOT NULL,
        title_key            TEXT NOT NULL,
        abstract             TEXT NOT NULL,
        ai_summary           TEXT,
        keywords             TEXT NOT NULL CHECK (json_type(keywords) = 'array'),
        authors              TEXT NOT NULL CHECK (json_type(authors) = 'array'),
        primary_category     TEXT,
        categories           TEXT NOT NULL CHECK (json_type(categories) = 'array'),
        published_at         TEXT,
        updated_at           TEXT,
        featured_on          TEXT,
        links                TEXT NOT NULL CHECK (json_type(links) = 'object'),
        upvotes              INTEGER,
        comments             INTEGER,
        github_stars         INTEGER,
        signals_observed_at  TEXT,
        announce_type        TEXT,
        comment              TEXT,
        journal_ref          TEXT,
        doi                  TEXT,
        bundled_rank         INTEGER,
        sources              TEXT NOT NULL CHECK (json_type(sources) = 'array')
      );
      CREATE INDEX papers_title_key ON papers (title_key, created_seq) WHERE replaced_by IS NULL;
      CREATE INDEX papers_created ON papers (created_seq) WHERE replaced_by IS NULL;

      CREATE TABLE paper_cursors (
        name  TEXT PRIMARY KEY,
        seq   INTEGER NOT NULL CHECK (seq >= 0)
      );

      CREATE TABLE library_meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
      INSERT INTO library_meta (key, value) VALUES ('library_id', lower(hex(randomblob(16))));
      `,
  },
  {
    version: 3,
    name: 'full_texts_and_model_usage',
    sql: `
      CREATE TABLE full_texts (
        paper_id    TEXT PRIMARY KEY,
        url         TEXT NOT NULL,
        fetched_at  TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('found', 'missing', 'unusable')),
        text        TEXT CHECK (text IS NULL OR json_valid(text)),
        CHECK ((status = 'found') = (text IS NOT NULL))
      );

      CREATE TABLE model_usage (
        channel  TEXT NOT NULL,
        day      TEXT NOT NULL,
        tokens   INTEGER NOT NULL CHECK (tokens >= 0),
        PRIMARY KEY (channel, day)
      );
    `,
  },
  {
    version: 4,
    name: 'leases_and_heartbeats',
    sql: `
      CREATE TABLE leases (
        name         TEXT PRIMARY KEY,
        holder       TEXT,
        token        INTEGER NOT NULL CHECK (token >= 1),
        acquired_at  TEXT NOT NULL,
        expires_at   TEXT,
        CHECK ((holder IS NULL) = (expires_at IS NULL))
      );

      CREATE TABLE replica_heartbeats (
        replica_id     TEXT PRIMARY KEY,
        first_beat_at  TEXT NOT NULL,
        last_beat_at   TEXT NOT NULL
      );
      CREATE INDEX replica_heartbeats_last_beat ON replica_heartbeats (last_beat_at);
    `,
  },
  {
    version: 5,
    name: 'inbound_events',
    // Inbound requests handled once (Slack event ids, Socket Mode envelopes, signed request signatures).
    sql: `
      CREATE TABLE inbound_events (
        key         TEXT PRIMARY KEY,
        seen_at     TEXT NOT NULL,
        expires_at  TEXT NOT NULL
      );
      CREATE INDEX inbound_events_expiry ON inbound_events (expires_at);
    `,
  },
  {
    version: 6,
    name: 'delivery_targets',
    // Every outbound post is a delivery: replies in threads (answers, discussion seeds) need the thread they go
    // to, and a sent delivery keeps the id of the message it made (a discussion's thread hangs from its card).
    // SQLite cannot widen a CHECK, so the table is rebuilt, and shown_papers with it (its foreign key follows
    // deliveries_new through the rename), so no row ever lacks its delivery.
    sql: `
      CREATE TABLE deliveries_new (
        key         TEXT PRIMARY KEY,
        channel     TEXT NOT NULL,
        thread      TEXT,
        kind        TEXT NOT NULL CHECK (kind IN ('daily', 'subscription', 'empty-day', 'reply', 'discussion')),
        status      TEXT NOT NULL CHECK (status IN ('claimed', 'sending', 'retrying', 'sent', 'unknown', 'skipped')),
        paper_ids   TEXT NOT NULL CHECK (json_valid(paper_ids) AND json_type(paper_ids) = 'array'),
        message     TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error  TEXT,
        posted_id   TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      INSERT INTO deliveries_new (key, channel, kind, status, paper_ids, message, attempts, last_error, created_at, updated_at)
        SELECT key, channel, kind, status, paper_ids, message, attempts, last_error, created_at, updated_at FROM deliveries;
      CREATE TABLE shown_papers_new (
        channel       TEXT NOT NULL,
        paper_id      TEXT NOT NULL,
        delivery_key  TEXT NOT NULL REFERENCES deliveries_new (key),
        shown_at      TEXT NOT NULL,
        PRIMARY KEY (channel, paper_id)
      );
      INSERT INTO shown_papers_new (channel, paper_id, delivery_key, shown_at)
        SELECT channel, paper_id, delivery_key, shown_at FROM shown_papers;
      DROP TABLE shown_papers;
      DROP TABLE deliveries;
      ALTER TABLE deliveries_new RENAME TO deliveries;
      ALTER TABLE shown_papers_new RENAME TO shown_papers;
      CREATE INDEX deliveries_channel_created ON deliveries (channel, created_at);
      CREATE INDEX deliveries_unfinished ON deliveries (created_at)
        WHERE status IN ('claimed', 'sending', 'retrying');
    `,
  },
  {
    version: 7,
    name: 'installations',
    // Workspaces the bot was installed in through OAuth (Slack: a team, or an enterprise for an org-wide install),
    // with the adapter's credentials; an uninstalled one keeps its row, without credentials, until it is purged.
    sql: `
      CREATE TABLE installations (
        platform        TEXT NOT NULL,
        workspace       TEXT NOT NULL,
        credentials     TEXT,
        installed_at    TEXT NOT NULL,
        uninstalled_at  TEXT,
        PRIMARY KEY (platform, workspace),
        CHECK ((credentials IS NULL) = (uninstalled_at IS NOT NULL))
      );
      CREATE INDEX installations_uninstalled ON installations (uninstalled_at) WHERE uninstalled_at IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: 'delivery_owners',
    // The replica that claimed a delivery sends it; another takes an unfinished one over when its heartbeat stops.
    sql: `
      ALTER TABLE deliveries ADD COLUMN owner TEXT;
    `,
  },
];

/**
 * Brings the database up to the newest migration: creates `schema_migrations` (version, name, applied_at)
 * if missing, then runs each migration not yet recorded, one `BEGIN IMMEDIATE` transaction each, which
 * re-checks the record inside so two processes opening the same file at once apply it once.
 *
 * Refuses (throws {@link DatabaseTooNewError}) when the database has a version this code does not know,
 * and throws when a recorded version has a different name (the migrations were edited or mixed up).
 * Returns the versions it applied.
 *
 * Options: `migrations` (default {@link MIGRATIONS}; tests pass their own), `now` (stamps `applied_at`),
 * `log` (whose fields name the database), and `file` (names the database in errors; default `db.name`).
 */
export function applyMigrations(
  db: Database,
  options: { migrations?: readonly Migration[]; now: () => Date; log: Logger; file?: string },
): number[] {
  const migrations = options.migrations ?? MIGRATIONS;
  const file = options.file ?? db.name;
  checkMigrationOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);
  const newest = db.prepare<[], AppliedMigration>('SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1');
  const checkNotTooNew = (): void => refuseTooNew(newest.get(), migrations.length, file);
  checkNotTooNew();

  const recorded = db.prepare<[number], AppliedMigration>('SELECT version, name FROM schema_migrations WHERE version = ?');
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = db
      .transaction((): boolean => {
        checkNotTooNew();
        const existing = recorded.get(migration.version);
        if (existing) {
          refuseRenamed(existing, migration, file);
          return false;
        }
        db.exec(migration.sql);
        record.run(migration.version, migration.name, options.now().toISOString());
        return true;
      })
      .immediate();
    if (ran) {
      applied.push(migration.version);
      options.log.info({ version: migration.version, migration: migration.name }, 'Applied database migration');
    }
  }
  return applied;
}
