import type { Database } from 'better-sqlite3';
import type { HeartbeatStore, Replica } from '../heartbeat-store.port.ts';
import { toReplica, type HeartbeatRow } from '../rows.ts';

/** Heartbeats in `replica_heartbeats`, one row per replica; a beat is one upsert that never moves time back. */
export class SqliteHeartbeatStore implements HeartbeatStore {
  private readonly upsert;
  private readonly selectSince;

  constructor(db: Database) {
    this.upsert = db.prepare<{ id: string; at: string }>(`
      INSERT INTO replica_heartbeats (replica_id, first_beat_at, last_beat_at) VALUES (@id, @at, @at)
      ON CONFLICT (replica_id) DO UPDATE SET
        first_beat_at = min(first_beat_at, excluded.first_beat_at),
        last_beat_at = max(last_beat_at, excluded.last_beat_at)`);
    this.selectSince = db.prepare<[string], HeartbeatRow>('SELECT * FROM replica_heartbeats WHERE last_beat_at >= ? ORDER BY replica_id');
  }

  async beat(replicaId: string, now: Date): Promise<void> {
    this.upsert.run({ id: replicaId, at: now.toISOString() });
  }

  async alive(now: Date, withinMs: number): Promise<Replica[]> {
    return this.selectSince.all(new Date(now.getTime() - withinMs).toISOString()).map(toReplica);
  }
}
