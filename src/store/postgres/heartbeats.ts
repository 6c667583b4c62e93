import type { Pool } from 'pg';
import type { HeartbeatStore, Replica } from '../heartbeat-store.port.ts';
import { toReplica, type HeartbeatRow } from '../rows.ts';

/** Heartbeats in `replica_heartbeats`, one row per replica; a beat is one upsert that never moves time back. */
export class PostgresHeartbeatStore implements HeartbeatStore {
  constructor(private readonly pool: Pool) {}

  async beat(replicaId: string, now: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO replica_heartbeats AS r (replica_id, first_beat_at, last_beat_at) VALUES ($1, $2, $2)
       ON CONFLICT (replica_id) DO UPDATE SET
         first_beat_at = LEAST(r.first_beat_at, excluded.first_beat_at),
         last_beat_at = GREATEST(r.last_beat_at, excluded.last_beat_at)`,
      [replicaId, now],
    );
  }

  async alive(now: Date, withinMs: number): Promise<Replica[]> {
    const { rows } = await this.pool.query<HeartbeatRow>(
      'SELECT * FROM replica_heartbeats WHERE last_beat_at >= $1 ORDER BY replica_id',
      [new Date(now.getTime() - withinMs)],
    );
    return rows.map(toReplica);
  }
}
