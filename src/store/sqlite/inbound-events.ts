import type { Database } from 'better-sqlite3';
import type { InboundEventStore } from '../inbound-event-store.port.ts';

/**
 * Seen inbound events in `inbound_events` (key, seen_at, expires_at). `firstSeen` is one statement: insert, or on
 * a key conflict take the row over only if it had expired; a change means the caller is first.
 */
export class SqliteInboundEventStore implements InboundEventStore {
  private readonly upsert;
  private readonly deleteExpired;

  constructor(db: Database) {
    this.upsert = db.prepare<[string, string, string]>(`
      INSERT INTO inbound_events (key, seen_at, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
      WHERE inbound_events.expires_at <= excluded.seen_at`);
    this.deleteExpired = db.prepare<[string]>('DELETE FROM inbound_events WHERE expires_at <= ?');
  }

  async firstSeen(key: string, at: Date, until: Date): Promise<boolean> {
    return this.upsert.run(key, at.toISOString(), until.toISOString()).changes > 0;
  }

  async prune(at: Date): Promise<number> {
    return this.deleteExpired.run(at.toISOString()).changes;
  }
}
