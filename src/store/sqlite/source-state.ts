import type { Database } from 'better-sqlite3';
import type { SignalSnapshot } from '../../corpus/signal-history.ts';
import { snapshotRow, sourceStateRow, toSnapshot, toSourceState, type SnapshotRow, type SourceStateRow } from '../rows.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../source-state-store.port.ts';
import { nextTurn } from '../../util/steps.ts';

/** Source health in `source_state`: `put` replaces the whole row (absent fields become empty). */
export class SqliteSourceStateStore implements SourceStateStore {
  private readonly selectOne;
  private readonly upsert;
  private readonly selectAll;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], SourceStateRow>('SELECT * FROM source_state WHERE source = ?');
    this.upsert = db.prepare<SourceStateRow>(`
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
    this.selectAll = db.prepare<[], SourceStateRow>('SELECT * FROM source_state ORDER BY source');
  }

  async get(source: string): Promise<SourceState | undefined> {
    const row = this.selectOne.get(source);
    return row && toSourceState(row);
  }

  async put(state: SourceState): Promise<void> {
    this.upsert.run(sourceStateRow(state));
  }

  async all(): Promise<SourceState[]> {
    return this.selectAll.all().map(toSourceState);
  }
}

/** Snapshots deleted per statement when pruning (a few milliseconds each). */
const PRUNE_CHUNK = 2000;

/**
 * Signal snapshots in `signal_snapshots`, one per (paper, instant). `append` is one transaction and keeps
 * the first snapshot of a paper at an instant (as the corpus does); `observedAt` is stored canonical
 * (see `canonicalInstant`).
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
    this.deleteBefore = db.prepare<[string, number]>(
      'DELETE FROM signal_snapshots WHERE rowid IN (SELECT rowid FROM signal_snapshots WHERE observed_at < ? LIMIT ?)',
    );
    this.appendTx = db.transaction((rows: readonly SnapshotRow[]) => {
      for (const row of rows) this.insert.run(row);
    });
  }

  async append(snapshots: readonly SignalSnapshot[]): Promise<void> {
    const rows = snapshots.map(snapshotRow);
    if (rows.length > 0) this.appendTx.immediate(rows);
  }

  async since(since: Date): Promise<SignalSnapshot[]> {
    return this.selectSince.all(since.toISOString()).map(toSnapshot);
  }

  /** Deletes in chunks with a turn of the event loop between them: after a long downtime there can be 100k. */
  async prune(before: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const changes = this.deleteBefore.run(before.toISOString(), PRUNE_CHUNK).changes;
      deleted += changes;
      if (changes < PRUNE_CHUNK) return deleted;
      await nextTurn();
    }
  }
}
