import type { Pool } from 'pg';
import type { Delivery, DeliveryStatus, DeliveryStore } from '../delivery-store.port.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';

/**
 * The post log in `deliveries` and `shown_papers`, as in the SQLite store.
 *
 * `claim` is one statement: the delivery row goes in with `ON CONFLICT (key) DO NOTHING` and, only when
 * it went in, its papers go into `shown_papers` with `ON CONFLICT DO NOTHING` (the primary key (channel,
 * paper_id) keeps the first delivery that showed a paper). Of processes claiming one key at once, the
 * others wait for the first's commit and then find the key taken. `setStatus` counts an attempt each
 * time the status becomes `sending`, keeps the last error, and throws for an unknown key. `startAttempt` and
 * `takeOver` are single conditional `UPDATE`s: the row lock serialises racing replicas and the loser's `WHERE`
 * no longer matches.
 */
export class PostgresDeliveryStore implements DeliveryStore {
  constructor(private readonly pool: Pool) {}

  async claim(delivery: Omit<Delivery, 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'postedId'>, at: Date): Promise<boolean> {
    const { rows } = await this.pool.query<{ claimed: boolean }>(
      `WITH claimed AS (
         INSERT INTO deliveries (key, channel, kind, status, paper_ids, message, attempts, last_error, created_at, updated_at, thread, owner)
         VALUES ($1, $2, $3, 'claimed', $4::jsonb, $5, 0, $6, $7, $7, $9, $10)
         ON CONFLICT (key) DO NOTHING
         RETURNING key, channel, created_at
       ), shown AS (
         INSERT INTO shown_papers (channel, paper_id, delivery_key, shown_at)
         SELECT DISTINCT claimed.channel, paper_id, claimed.key, claimed.created_at
         FROM claimed, unnest($8::text[]) AS paper_id
         ON CONFLICT DO NOTHING
       )
       SELECT EXISTS (SELECT 1 FROM claimed) AS claimed`,
      [
        delivery.key,
        delivery.channel,
        delivery.kind,
        JSON.stringify(delivery.paperIds),
        delivery.message,
        delivery.lastError ?? null,
        at,
        delivery.paperIds,
        delivery.thread ?? null,
        delivery.owner ?? null,
      ],
    );
    return rows[0]!.claimed;
  }

  async get(key: string): Promise<Delivery | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>('SELECT * FROM deliveries WHERE key = $1', [key]);
    return rows[0] && toDelivery(rows[0]);
  }

  async setStatus(key: string, status: DeliveryStatus, at: Date, error?: string): Promise<void> {
    const result = await this.pool.query(
      `UPDATE deliveries SET
         status = $2::text,
         updated_at = $3,
         attempts = attempts + (CASE WHEN $2::text = 'sending' THEN 1 ELSE 0 END),
         last_error = COALESCE($4, last_error)
       WHERE key = $1`,
      [key, status, at, error ?? null],
    );
    if (result.rowCount === 0) throw new Error(`No delivery with key ${key}: claim it before setting its status`);
  }

  async markSent(key: string, postedId: string, at: Date): Promise<void> {
    const result = await this.pool.query("UPDATE deliveries SET status = 'sent', posted_id = $2, updated_at = $3 WHERE key = $1", [key, postedId, at]);
    if (result.rowCount === 0) throw new Error(`No delivery with key ${key}: claim it before marking it sent`);
  }

  async startAttempt(key: string, owner: string, at: Date): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $3
       WHERE key = $1 AND (owner IS NULL OR owner = $2)`,
      [key, owner, at],
    );
    return result.rowCount === 1;
  }

  async takeOver(key: string, from: string | undefined, to: string, at: Date): Promise<Delivery | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `UPDATE deliveries SET owner = $3, updated_at = $4
       WHERE key = $1 AND owner IS NOT DISTINCT FROM $2 AND status IN ('claimed', 'sending', 'retrying')
       RETURNING *`,
      [key, from ?? null, to, at],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  async unfinished(): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      "SELECT * FROM deliveries WHERE status IN ('claimed', 'sending', 'retrying') ORDER BY created_at, seq",
    );
    return rows.map(toDelivery);
  }

  async alreadyShown(channel: string, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ paper_id: string }>(
      'SELECT paper_id FROM shown_papers WHERE channel = $1 AND paper_id = ANY($2::text[])',
      [channel, paperIds],
    );
    return new Set(rows.map((r) => r.paper_id));
  }

  async recent(channel: string, limit: number): Promise<Delivery[]> {
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<DeliveryRow>(
      'SELECT * FROM deliveries WHERE channel = $1 ORDER BY created_at DESC, seq DESC LIMIT $2',
      [channel, Math.floor(limit)],
    );
    return rows.map(toDelivery);
  }
}
