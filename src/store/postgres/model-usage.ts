import type { Pool } from 'pg';
import type { ModelUsageStore } from '../model-usage-store.port.ts';

/** Token use in `model_usage`, one row per (channel, day); `add` is one upsert, so concurrent adds both count. */
export class PostgresModelUsageStore implements ModelUsageStore {
  constructor(private readonly pool: Pool) {}

  async used(channel: string, day: string): Promise<number> {
    const { rows } = await this.pool.query<{ tokens: number }>('SELECT tokens FROM model_usage WHERE channel = $1 AND day = $2', [channel, day]);
    return rows[0]?.tokens ?? 0;
  }

  async add(channel: string, day: string, tokens: number): Promise<number> {
    if (!Number.isInteger(tokens) || tokens < 0) throw new RangeError(`tokens must be a whole number ≥ 0, got ${tokens}`);
    const { rows } = await this.pool.query<{ tokens: number }>(
      `INSERT INTO model_usage AS u (channel, day, tokens) VALUES ($1, $2, $3)
       ON CONFLICT (channel, day) DO UPDATE SET tokens = u.tokens + excluded.tokens
       RETURNING tokens`,
      [channel, day, tokens],
    );
    return rows[0]!.tokens;
  }
}
