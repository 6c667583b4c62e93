import type { Database } from 'better-sqlite3';
import type { InboundEventStore } from '../inbound-event-store.port.ts';

/**
 * Seen inbound events in `inbound_events` (key, seen_at, expires_at). `firstSeen` is one statement: insert, or on
 * a key conflict take the row over only if it had expired; a change means the caller is first.
 *
 * Every Slack request writes a key, so that write skips the WAL fsync the rest of the database does on commit
 * (`synchronous = NORMAL` for that one statement): a key survives the process being killed (it is in the WAL
 * file), only a power cut may forget the last ones, and it no longer costs each request 2–3 ms on the event loop.
 */
export class SqliteInboundEventStore implements InboundEventStore {
  private readonly upsert;
  private readonly deleteExpired;
  private readonly withoutFsync;
  private readonly restoreSync;

  constructor(db: Database) {
    const synchronous = Number(db.pragma('synchronous', { simple: true }));
    this.withoutFsync = db.prepare(`PRAGMA synchronous = ${Math.min(synchronous, 1)}`);
    this.restoreSync = db.prepare(`PRAGMA synchronous = ${synchronous}`);
    this.upsert = db.prepare<[string, string, string]>(`
      INSERT INTO inbound_events (key, seen_at, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
      WHERE inbound_events.expires_at <= excluded.seen_at`);
    this.deleteExpired = db.prepare<[string]>('DELETE FROM inbound_events WHERE expires_at <= ?');
  }

  async firstSeen(key: string, at: Date, until: Date): Promise<boolean> {
    this.withoutFsync.run();
    try {
      return this.upsert.run(key, at.toISOString(), until.toISOString()).changes > 0;
    } finally {
      this.restoreSync.run();
    }
  }

  async prune(at: Date): Promise<number> {
    return this.deleteExpired.run(at.toISOString()).changes;
  }
}
