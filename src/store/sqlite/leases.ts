import type { Database } from 'better-sqlite3';
import type { Lease, LeaseStore } from '../lease-store.port.ts';
import { leaseExpiry } from '../lease-time.ts';
import { toLease, type LeaseRow } from '../rows.ts';

/**
 * Leases in `leases`, one row per name, kept after a release (holder and expiry cleared) so the token
 * keeps growing. `acquire` is one upsert whose `WHERE` lets it take the row only when it is free, lapsed
 * or already its holder's, so of two processes racing one gets it.
 */
export class SqliteLeaseStore implements LeaseStore {
  private readonly take;
  private readonly extend;
  private readonly free;
  private readonly selectOne;
  private readonly selectAll;

  constructor(db: Database) {
    this.take = db.prepare<{ name: string; holder: string; now: string; expires: string }, LeaseRow>(`
      INSERT INTO leases (name, holder, token, acquired_at, expires_at) VALUES (@name, @holder, 1, @now, @expires)
      ON CONFLICT (name) DO UPDATE SET
        token = CASE WHEN leases.holder = excluded.holder THEN leases.token ELSE leases.token + 1 END,
        acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
        holder = excluded.holder,
        expires_at = excluded.expires_at
      WHERE leases.holder IS NULL OR leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at
      RETURNING *`);
    this.extend = db.prepare<{ name: string; holder: string; now: string; expires: string }, LeaseRow>(`
      UPDATE leases SET expires_at = @expires
      WHERE name = @name AND holder = @holder AND expires_at > @now
      RETURNING *`);
    this.free = db.prepare<[string, string]>('UPDATE leases SET holder = NULL, expires_at = NULL WHERE name = ? AND holder = ?');
    this.selectOne = db.prepare<[string], LeaseRow>('SELECT * FROM leases WHERE name = ? AND holder IS NOT NULL');
    this.selectAll = db.prepare<[], LeaseRow>('SELECT * FROM leases WHERE holder IS NOT NULL ORDER BY name');
  }

  async acquire(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined> {
    const row = this.take.get({ name, holder, now: now.toISOString(), expires: leaseExpiry(now, ttlMs).toISOString() });
    return row && toLease(row);
  }

  async renew(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined> {
    const row = this.extend.get({ name, holder, now: now.toISOString(), expires: leaseExpiry(now, ttlMs).toISOString() });
    return row && toLease(row);
  }

  async release(name: string, holder: string): Promise<boolean> {
    return this.free.run(name, holder).changes > 0;
  }

  async holder(name: string): Promise<Lease | undefined> {
    const row = this.selectOne.get(name);
    return row && toLease(row);
  }

  async all(): Promise<Lease[]> {
    return this.selectAll.all().map(toLease);
  }
}
