import type { Pool, PoolClient } from 'pg';
import type { SignalSnapshot } from '../../corpus/signal-history.ts';
import { snapshotRow, sourceStateRow, toSnapshot, toSourceState, type SnapshotRow, type SourceStateRow } from '../rows.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../source-state-store.port.ts';

/** Source health in `source_state`: `put` replaces the whole row (absent fields become empty). */
export class PostgresSourceStateStore implements SourceStateStore {
  constructor(private readonly pool: Pool) {}

  async get(source: string): Promise<SourceState | undefined> {
    const { rows } = await this.pool.query<SourceStateRow>('SELECT * FROM source_state WHERE source = $1', [source]);
    return rows[0] && toSourceState(rows[0]);
  }

  async put(state: SourceState): Promise<void> {
    const row = sourceStateRow(state);
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
      [row.source, row.last_attempt_at, row.last_success_at, row.last_error, row.consecutive_failures, row.retry_after, row.last_changed],
    );
  }

  async all(): Promise<SourceState[]> {
    const { rows } = await this.pool.query<SourceStateRow>('SELECT * FROM source_state ORDER BY source');
    return rows.map(toSourceState);
  }
}

/**
 * Signal snapshots in `signal_snapshots`, one per (paper, instant). `append` is one statement over the
 * whole batch (arrays unnested in order) and keeps the first snapshot of a paper at an instant, as the
 * SQLite store does; instants are made canonical (and checked) before anything is written.
 */
export class PostgresSignalSnapshotStore implements SignalSnapshotStore {
  constructor(private readonly pool: Pool) {}

  async append(snapshots: readonly SignalSnapshot[]): Promise<void> {
    if (snapshots.length > 0) await insertSnapshots(this.pool, snapshots.map(snapshotRow));
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

/** Inserts snapshots in order; the first of a paper at an instant is kept (as `append` does). */
export async function insertSnapshots(client: Pool | PoolClient, rows: readonly SnapshotRow[]): Promise<void> {
  await client.query(
    `INSERT INTO signal_snapshots (paper_id, observed_at, upvotes, comments, github_stars)
     SELECT paper_id, observed_at, upvotes, comments, github_stars
     FROM unnest($1::text[], $2::timestamptz[], $3::integer[], $4::integer[], $5::integer[])
       WITH ORDINALITY AS s (paper_id, observed_at, upvotes, comments, github_stars, n)
     ORDER BY n
     ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.paper_id), rows.map((r) => r.observed_at), rows.map((r) => r.upvotes), rows.map((r) => r.comments), rows.map((r) => r.github_stars)],
  );
}
