import type { Pool } from 'pg';
import type { Lease, LeaseStore } from '../lease-store.port.ts';
import { leaseExpiry } from '../lease-time.ts';
import { toLease, type LeaseRow } from '../rows.ts';

/**
 * Leases in `leases`, one row per name, kept after a release (holder and expiry cleared) so the token
 * keeps growing. `acquire` is one upsert whose `WHERE` takes the row only when it is free, lapsed or
 * already the caller's: of processes racing, the others wait on the row lock, re-check the `WHERE`
 * against the winner's row and get nothing.
 */
export class PostgresLeaseStore implements LeaseStore {
  constructor(private readonly pool: Pool) {}

  async acquire(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined> {
    const { rows } = await this.pool.query<LeaseRow>(
      `INSERT INTO leases AS l (name, holder, token, acquired_at, expires_at) VALUES ($1, $2, 1, $3, $4)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END,
         acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END,
         holder = excluded.holder,
         expires_at = excluded.expires_at
       WHERE l.holder IS NULL OR l.holder = excluded.holder OR l.expires_at <= excluded.acquired_at
       RETURNING *`,
      [name, holder, now, leaseExpiry(now, ttlMs)],
    );
    return rows[0] && toLease(rows[0]);
  }

  async renew(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined> {
    const { rows } = await this.pool.query<LeaseRow>(
      'UPDATE leases SET expires_at = $4 WHERE name = $1 AND holder = $2 AND expires_at > $3 RETURNING *',
      [name, holder, now, leaseExpiry(now, ttlMs)],
    );
    return rows[0] && toLease(rows[0]);
  }

  async release(name: string, holder: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE leases SET holder = NULL, expires_at = NULL WHERE name = $1 AND holder = $2', [
      name,
      holder,
    ]);
    return result.rowCount === 1;
  }

  async holder(name: string): Promise<Lease | undefined> {
    const { rows } = await this.pool.query<LeaseRow>('SELECT * FROM leases WHERE name = $1 AND holder IS NOT NULL', [name]);
    return rows[0] && toLease(rows[0]);
  }

  async all(): Promise<Lease[]> {
    const { rows } = await this.pool.query<LeaseRow>('SELECT * FROM leases WHERE holder IS NOT NULL ORDER BY name');
    return rows.map(toLease);
  }
}
