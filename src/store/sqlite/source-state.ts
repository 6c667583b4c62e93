import type { Database } from 'better-sqlite3';
import type { SignalSnapshot } from '../../corpus/signal-history.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../source-state-store.port.ts';

interface StateRow {
  source: string;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  retry_after: string | null;
  last_changed: number | null;
}

interface SnapshotRow {
  paper_id: string;
  observed_at: string;
  upvotes: number | null;
  comments: number | null;
  github_stars: number | null;
}

function toState(row: StateRow): SourceState {
  const state: SourceState = { source: row.source, consecutiveFailures: row.consecutive_failures };
  if (row.last_attempt_at !== null) state.lastAttemptAt = row.last_attempt_at;
  if (row.last_success_at !== null) state.lastSuccessAt = row.last_success_at;
  if (row.last_error !== null) state.lastError = row.last_error;
  if (row.retry_after !== null) state.retryAfter = row.retry_after;
  if (row.last_changed !== null) state.lastChanged = row.last_changed;
  return state;
}

function toSnapshot(row: SnapshotRow): SignalSnapshot {
  const snapshot: SignalSnapshot = { paperId: row.paper_id, observedAt: row.observed_at };
  if (row.upvotes !== null) snapshot.upvotes = row.upvotes;
  if (row.comments !== null) snapshot.comments = row.comments;
  if (row.github_stars !== null) snapshot.githubStars = row.github_stars;
  return snapshot;
}

/**
 * The instant of a snapshot in canonical `toISOString()` form, so text order in the database is time
 * order. Throws a RangeError for a string that is not a date.
 */
export function canonicalInstant(observedAt: string): string {
  const time = Date.parse(observedAt);
  if (Number.isNaN(time)) throw new RangeError(`Snapshot observedAt is not a date: ${observedAt}`);
  return new Date(time).toISOString();
}

/** Source health in `source_state`: `put` replaces the whole row (absent fields become empty). */
export class SqliteSourceStateStore implements SourceStateStore {
  private readonly selectOne;
  private readonly upsert;
  private readonly selectAll;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], StateRow>('SELECT * FROM source_state WHERE source = ?');
    this.upsert = db.prepare<StateRow>(`
      INSERT INTO source_state
        (source, last_attempt_at, last_success_at, last_error, consecutive_failures, retry_after, last_changed)
      VALUES (@source, @last_attempt_at, @last_success_at, @last_error, @consecutive_failures, @retry_after, @last_changed)
      ON CONFLICT (source) DO UPDATE SET
        last_attempt_at = excluded.last_attempt_at,
        last_success_at = excluded.last_success_at,
        last_error = excluded.last_error,
        consecutive_failures = excluded.consecutive_failures,
        retry_after = excluded.retry_after,
        last_changed = excluded.last_changed`);
    this.selectAll = db.prepare<[], StateRow>('SELECT * FROM source_state ORDER BY source');
  }

  async get(source: string): Promise<SourceState | undefined> {
    const row = this.selectOne.get(source);
    return row && toState(row);
  }

  async put(state: SourceState): Promise<void> {
    this.upsert.run({
      source: state.source,
      last_attempt_at: state.lastAttemptAt ?? null,
      last_success_at: state.lastSuccessAt ?? null,
      last_error: state.lastError ?? null,
      consecutive_failures: state.consecutiveFailures,
      retry_after: state.retryAfter ?? null,
      last_changed: state.lastChanged ?? null,
    });
  }

  async all(): Promise<SourceState[]> {
    return this.selectAll.all().map(toState);
  }
}

/**
 * Signal snapshots in `signal_snapshots`, one per (paper, instant). `append` is one transaction and keeps
 * the first snapshot of a paper at an instant (as the corpus does); `observedAt` is stored canonical
 * (see {@link canonicalInstant}).
 */
export class SqliteSignalSnapshotStore implements SignalSnapshotStore {
  private readonly insert;
  private readonly selectSince;
  private readonly deleteBefore;
  private readonly appendTx;

  constructor(db: Database) {
    this.insert = db.prepare<SnapshotRow>(`
      INSERT OR IGNORE INTO signal_snapshots (paper_id, observed_at, upvotes, comments, github_stars)
      VALUES (@paper_id, @observed_at, @upvotes, @comments, @github_stars)`);
    this.selectSince = db.prepare<[string], SnapshotRow>(
      'SELECT * FROM signal_snapshots WHERE observed_at >= ? ORDER BY observed_at, paper_id',
    );
    this.deleteBefore = db.prepare<[string]>('DELETE FROM signal_snapshots WHERE observed_at < ?');
    this.appendTx = db.transaction((rows: readonly SnapshotRow[]) => {
      for (const row of rows) this.insert.run(row);
    });
  }

  async append(snapshots: readonly SignalSnapshot[]): Promise<void> {
    const rows = snapshots.map(
      (s): SnapshotRow => ({
        paper_id: s.paperId,
        observed_at: canonicalInstant(s.observedAt),
        upvotes: s.upvotes ?? null,
        comments: s.comments ?? null,
        github_stars: s.githubStars ?? null,
      }),
    );
    if (rows.length > 0) this.appendTx.immediate(rows);
  }

  async since(since: Date): Promise<SignalSnapshot[]> {
    return this.selectSince.all(since.toISOString()).map(toSnapshot);
  }

  async prune(before: Date): Promise<number> {
    return this.deleteBefore.run(before.toISOString()).changes;
  }
}
