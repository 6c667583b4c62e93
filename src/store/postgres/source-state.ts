import type { Pool } from 'pg';
import type { SignalSnapshot } from '../../corpus/signal-history.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../source-state-store.port.ts';
import { canonicalInstant } from '../sqlite/source-state.ts';

interface StateRow {
  source: string;
  last_attempt_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  consecutive_failures: number;
  retry_after: Date | null;
  last_changed: number | null;
}

interface SnapshotRow {
  paper_id: string;
  observed_at: Date;
  upvotes: number | null;
  comments: number | null;
  github_stars: number | null;
}

function toState(row: StateRow): SourceState {
  const state: SourceState = { source: row.source, consecutiveFailures: row.consecutive_failures };
  if (row.last_attempt_at !== null) state.lastAttemptAt = row.last_attempt_at.toISOString();
  if (row.last_success_at !== null) state.lastSuccessAt = row.last_success_at.toISOString();
  if (row.last_error !== null) state.lastError = row.last_error;
  if (row.retry_after !== null) state.retryAfter = row.retry_after.toISOString();
  if (row.last_changed !== null) state.lastChanged = row.last_changed;
  return state;
}

function toSnapshot(row: SnapshotRow): SignalSnapshot {
  const snapshot: SignalSnapshot = { paperId: row.paper_id, observedAt: row.observed_at.toISOString() };
  if (row.upvotes !== null) snapshot.upvotes = row.upvotes;
  if (row.comments !== null) snapshot.comments = row.comments;
  if (row.github_stars !== null) snapshot.githubStars = row.github_stars;
  return snapshot;
}

/** Source health in `source_state`: `put` replaces the whole row (absent fields become empty). */
export class PostgresSourceStateStore implements SourceStateStore {
  constructor(private readonly pool: Pool) {}

  async get(source: string): Promise<SourceState | undefined> {
    const { rows } = await this.pool.query<StateRow>('SELECT * FROM source_state WHERE source = $1', [source]);
    return rows[0] && toState(rows[0]);
  }

  async put(state: SourceState): Promise<void> {
    await this.pool.query(
      `INSERT INTO source_state
         (source, last_attempt_at, last_success_at, last_error, consecutive_failures, retry_after, last_changed)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (source) DO UPDATE SET
         last_attempt_at = excluded.last_attempt_at,
         last_success_at = excluded.last_success_at,
         last_error = excluded.last_error,
         consecutive_failures = excluded.consecutive_failures,
         retry_after = excluded.retry_after,
         last_changed = excluded.last_changed`,
      [
        state.source,
        state.lastAttemptAt ?? null,
        state.lastSuccessAt ?? null,
        state.lastError ?? null,
        state.consecutiveFailures,
        state.retryAfter ?? null,
        state.lastChanged ?? null,
      ],
    );
  }

  async all(): Promise<SourceState[]> {
    const { rows } = await this.pool.query<StateRow>('SELECT * FROM source_state ORDER BY source');
    return rows.map(toState);
  }
}

/**
 * Signal snapshots in `signal_snapshots`, one per (paper, instant). `append` is one statement over the
 * whole batch (arrays unnested in order) and keeps the first snapshot of a paper at an instant, as the
 * SQLite store does; instants are checked with {@link canonicalInstant} before anything is written.
 */
export class PostgresSignalSnapshotStore implements SignalSnapshotStore {
  constructor(private readonly pool: Pool) {}

  async append(snapshots: readonly SignalSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    const observedAt = snapshots.map((s) => canonicalInstant(s.observedAt));
    await this.pool.query(
      `INSERT INTO signal_snapshots (paper_id, observed_at, upvotes, comments, github_stars)
       SELECT paper_id, observed_at, upvotes, comments, github_stars
       FROM unnest($1::text[], $2::timestamptz[], $3::integer[], $4::integer[], $5::integer[])
         WITH ORDINALITY AS s (paper_id, observed_at, upvotes, comments, github_stars, n)
       ORDER BY n
       ON CONFLICT DO NOTHING`,
      [
        snapshots.map((s) => s.paperId),
        observedAt,
        snapshots.map((s) => s.upvotes ?? null),
        snapshots.map((s) => s.comments ?? null),
        snapshots.map((s) => s.githubStars ?? null),
      ],
    );
  }

  async since(since: Date): Promise<SignalSnapshot[]> {
    const { rows } = await this.pool.query<SnapshotRow>(
      'SELECT * FROM signal_snapshots WHERE observed_at >= $1 ORDER BY observed_at, paper_id',
      [since],
    );
    return rows.map(toSnapshot);
  }

  async prune(before: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM signal_snapshots WHERE observed_at < $1', [before]);
    return result.rowCount ?? 0;
  }
}
