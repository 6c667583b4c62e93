import type { Pool } from 'pg';
import type { InboundEventStore } from '../inbound-event-store.port.ts';

/**
 * Seen inbound events in `inbound_events`, as in the SQLite store: `firstSeen` is one upsert that takes a key over
 * only when its record had expired; a row written (or taken over) means the caller is first. Of processes racing on
 * one key, the others wait for the first's commit and then find it remembered.
 */
export class PostgresInboundEventStore implements InboundEventStore {
  constructor(private readonly pool: Pool) {}

  async firstSeen(key: string, at: Date, until: Date): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO inbound_events AS e (key, seen_at, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
       WHERE e.expires_at <= excluded.seen_at`,
      [key, at, until],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async prune(at: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM inbound_events WHERE expires_at <= $1', [at]);
    return result.rowCount ?? 0;
  }
}
