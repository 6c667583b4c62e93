import type { Database } from 'better-sqlite3';
import type { ModelUsageStore } from '../model-usage-store.port.ts';

/** Token use in `model_usage`, one row per (channel, day); `add` is one upsert, so concurrent adds both count. */
export class SqliteModelUsageStore implements ModelUsageStore {
  private readonly selectOne;
  private readonly increment;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string, string], { tokens: number }>('SELECT tokens FROM model_usage WHERE channel = ? AND day = ?');
    this.increment = db.prepare<[string, string, number], { tokens: number }>(`
      INSERT INTO model_usage (channel, day, tokens) VALUES (?, ?, ?)
      ON CONFLICT (channel, day) DO UPDATE SET tokens = tokens + excluded.tokens
      RETURNING tokens`);
  }

  async used(channel: string, day: string): Promise<number> {
    return this.selectOne.get(channel, day)?.tokens ?? 0;
  }

  async add(channel: string, day: string, tokens: number): Promise<number> {
    if (!Number.isInteger(tokens) || tokens < 0) throw new RangeError(`tokens must be a whole number ≥ 0, got ${tokens}`);
    return this.increment.get(channel, day, tokens)!.tokens;
  }
}
