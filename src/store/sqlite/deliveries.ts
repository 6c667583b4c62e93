import type { Database } from 'better-sqlite3';
import type { Delivery, DeliveryStatus, DeliveryStore } from '../delivery-store.port.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';

interface InsertParams {
  key: string;
  channel: string;
  thread: string | null;
  kind: string;
  paperIds: string;
  message: string;
  lastError: string | null;
  owner: string | null;
  at: string;
}

interface StatusParams {
  key: string;
  status: string;
  at: string;
  error: string | null;
}

/**
 * The post log in `deliveries` and `shown_papers`.
 *
 * `claim` is one immediate transaction: the delivery row goes in with `ON CONFLICT (key) DO NOTHING`
 * (nothing inserted: another process or an earlier run owns the key, return false), then each paper with
 * `INSERT OR IGNORE` into `shown_papers`, whose primary key (channel, paper_id) keeps the first delivery
 * that showed it. `setStatus` counts an attempt each time the status becomes `sending`, records `error`
 * when given (a later call without one keeps the last error), and throws for an unknown key.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly insert;
  private readonly insertShown;
  private readonly selectOne;
  private readonly updateStatus;
  private readonly updateSent;
  private readonly selectUnfinished;
  private readonly selectShown;
  private readonly selectRecent;
  private readonly claimTx;
  private readonly updateAttempt;
  private readonly updateOwner;

  constructor(db: Database) {
    this.insert = db.prepare<InsertParams>(`
      INSERT INTO deliveries (key, channel, thread, kind, status, paper_ids, message, attempts, last_error, owner, created_at, updated_at)
      VALUES (@key, @channel, @thread, @kind, 'claimed', @paperIds, @message, 0, @lastError, @owner, @at, @at)
      ON CONFLICT (key) DO NOTHING`);
    this.insertShown = db.prepare<[string, string, string, string]>(
      'INSERT OR IGNORE INTO shown_papers (channel, paper_id, delivery_key, shown_at) VALUES (?, ?, ?, ?)',
    );
    this.selectOne = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE key = ?');
    this.updateStatus = db.prepare<StatusParams>(`
      UPDATE deliveries SET
        status = @status,
        updated_at = @at,
        attempts = attempts + (CASE WHEN @status = 'sending' THEN 1 ELSE 0 END),
        last_error = COALESCE(@error, last_error)
      WHERE key = @key`);
    this.updateSent = db.prepare<[string, string, string]>(
      "UPDATE deliveries SET status = 'sent', posted_id = ?, updated_at = ? WHERE key = ?",
    );
    this.updateAttempt = db.prepare<[string, string, string]>(`
      UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?
      WHERE key = ? AND (owner IS NULL OR owner = ?)`);
    this.updateOwner = db.prepare<[string, string, string, string | null], DeliveryRow>(`
      UPDATE deliveries SET owner = ?, updated_at = ?
      WHERE key = ? AND owner IS ? AND status IN ('claimed', 'sending', 'retrying')
      RETURNING *`);
    this.selectUnfinished = db.prepare<[], DeliveryRow>(`
      SELECT * FROM deliveries WHERE status IN ('claimed', 'sending', 'retrying') ORDER BY created_at, rowid`);
    this.selectShown = db
      .prepare<[string, string], string>(
        'SELECT paper_id FROM shown_papers WHERE channel = ? AND paper_id IN (SELECT value FROM json_each(?))',
      )
      .pluck();
    this.selectRecent = db.prepare<[string, number], DeliveryRow>(
      'SELECT * FROM deliveries WHERE channel = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    );
    this.claimTx = db.transaction((params: InsertParams, paperIds: readonly string[]): boolean => {
      if (this.insert.run(params).changes === 0) return false;
      for (const paperId of paperIds) this.insertShown.run(params.channel, paperId, params.key, params.at);
      return true;
    });
  }

  async claim(
    delivery: Omit<Delivery, 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'postedId'>,
    at: Date,
  ): Promise<boolean> {
    const params: InsertParams = {
      key: delivery.key,
      channel: delivery.channel,
      thread: delivery.thread ?? null,
      kind: delivery.kind,
      paperIds: JSON.stringify(delivery.paperIds),
      message: delivery.message,
      lastError: delivery.lastError ?? null,
      owner: delivery.owner ?? null,
      at: at.toISOString(),
    };
    return this.claimTx.immediate(params, delivery.paperIds);
  }

  async get(key: string): Promise<Delivery | undefined> {
    const row = this.selectOne.get(key);
    return row && toDelivery(row);
  }

  async setStatus(key: string, status: DeliveryStatus, at: Date, error?: string): Promise<void> {
    const result = this.updateStatus.run({ key, status, at: at.toISOString(), error: error ?? null });
    if (result.changes === 0) throw new Error(`No delivery with key ${key}: claim it before setting its status`);
  }

  async markSent(key: string, postedId: string, at: Date): Promise<void> {
    if (this.updateSent.run(postedId, at.toISOString(), key).changes === 0) {
      throw new Error(`No delivery with key ${key}: claim it before marking it sent`);
    }
  }

  async startAttempt(key: string, owner: string, at: Date): Promise<boolean> {
    return this.updateAttempt.run(at.toISOString(), key, owner).changes === 1;
  }

  async takeOver(key: string, from: string | undefined, to: string, at: Date): Promise<Delivery | undefined> {
    const row = this.updateOwner.get(to, at.toISOString(), key, from ?? null);
    return row && toDelivery(row);
  }

  async unfinished(): Promise<Delivery[]> {
    return this.selectUnfinished.all().map(toDelivery);
  }

  async alreadyShown(channel: string, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    return new Set(this.selectShown.all(channel, JSON.stringify(paperIds)));
  }

  async recent(channel: string, limit: number): Promise<Delivery[]> {
    if (limit <= 0) return [];
    return this.selectRecent.all(channel, Math.floor(limit)).map(toDelivery);
  }
}
