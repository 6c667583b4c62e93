import type { Pool } from 'pg';
import { SYSTEM_ACTOR, type ChannelSettings, type ChannelSettingsStore, type DailySettings } from '../channel-settings.port.ts';
import { toChannelSettings, type ChannelSettingsRow } from '../rows.ts';

/**
 * Channel settings in `channel_settings`, as in the SQLite store: each method is one statement (an upsert
 * where a row may be missing), so concurrent writers cannot lose each other's rows; `disable` stamps
 * `updatedAt`/`updatedBy` only on a row it creates.
 */
export class PostgresChannelSettingsStore implements ChannelSettingsStore {
  constructor(private readonly pool: Pool) {}

  async get(channel: string): Promise<ChannelSettings | undefined> {
    const { rows } = await this.pool.query<ChannelSettingsRow>('SELECT * FROM channel_settings WHERE channel = $1', [channel]);
    return rows[0] && toChannelSettings(rows[0]);
  }

  async setDaily(channel: string, daily: DailySettings | undefined, by: string, at: Date): Promise<ChannelSettings> {
    const { rows } = await this.pool.query<ChannelSettingsRow>(
      `INSERT INTO channel_settings
         (channel, daily_time, daily_time_zone, daily_weekdays_only, daily_top, daily_topic, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (channel) DO UPDATE SET
         daily_time = excluded.daily_time,
         daily_time_zone = excluded.daily_time_zone,
         daily_weekdays_only = excluded.daily_weekdays_only,
         daily_top = excluded.daily_top,
         daily_topic = excluded.daily_topic,
         updated_at = excluded.updated_at,
         updated_by = excluded.updated_by
       RETURNING *`,
      [channel, daily?.time ?? null, daily?.timeZone ?? null, daily?.weekdaysOnly ?? null, daily?.top ?? null, daily?.topic ?? null, at, by],
    );
    return toChannelSettings(rows[0]!);
  }

  async disable(channel: string, reason: string, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO channel_settings (channel, disabled_at, disabled_reason, updated_at, updated_by)
       VALUES ($1, $2, $3, $2, $4)
       ON CONFLICT (channel) DO UPDATE SET
         disabled_at = excluded.disabled_at,
         disabled_reason = excluded.disabled_reason`,
      [channel, at, reason, SYSTEM_ACTOR],
    );
  }

  async enable(channel: string): Promise<void> {
    await this.pool.query('UPDATE channel_settings SET disabled_at = NULL, disabled_reason = NULL WHERE channel = $1', [channel]);
  }

  async forget(channel: string): Promise<void> {
    await this.pool.query('DELETE FROM channel_settings WHERE channel = $1', [channel]);
  }

  async listDaily(): Promise<ChannelSettings[]> {
    const { rows } = await this.pool.query<ChannelSettingsRow>(
      'SELECT * FROM channel_settings WHERE daily_time IS NOT NULL AND disabled_at IS NULL ORDER BY channel',
    );
    return rows.map(toChannelSettings);
  }

  async listDisabled(): Promise<ChannelSettings[]> {
    const { rows } = await this.pool.query<ChannelSettingsRow>('SELECT * FROM channel_settings WHERE disabled_at IS NOT NULL ORDER BY channel');
    return rows.map(toChannelSettings);
  }
}
