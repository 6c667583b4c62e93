import type { Pool } from 'pg';
import type { ChannelSettings, ChannelSettingsStore, DailySettings } from '../channel-settings.port.ts';
import { SYSTEM_ACTOR } from '../sqlite/channel-settings.ts';

interface Row {
  channel: string;
  daily_time: string | null;
  daily_time_zone: string | null;
  daily_weekdays_only: boolean | null;
  daily_top: number | null;
  daily_topic: string | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  updated_at: Date;
  updated_by: string;
}

function toSettings(row: Row): ChannelSettings {
  const settings: ChannelSettings = { channel: row.channel, updatedAt: row.updated_at.toISOString(), updatedBy: row.updated_by };
  if (row.daily_time !== null) {
    const daily: DailySettings = {
      time: row.daily_time,
      timeZone: row.daily_time_zone!,
      weekdaysOnly: row.daily_weekdays_only!,
      top: row.daily_top!,
    };
    if (row.daily_topic !== null) daily.topic = row.daily_topic;
    settings.daily = daily;
  }
  if (row.disabled_at !== null) settings.disabled = { at: row.disabled_at.toISOString(), reason: row.disabled_reason! };
  return settings;
}

/**
 * Channel settings in `channel_settings`, as in the SQLite store: each method is one statement (an upsert
 * where a row may be missing), so concurrent writers cannot lose each other's rows; `disable` stamps
 * `updatedAt`/`updatedBy` only on a row it creates.
 */
export class PostgresChannelSettingsStore implements ChannelSettingsStore {
  constructor(private readonly pool: Pool) {}

  async get(channel: string): Promise<ChannelSettings | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM channel_settings WHERE channel = $1', [channel]);
    return rows[0] && toSettings(rows[0]);
  }

  async setDaily(channel: string, daily: DailySettings | undefined, by: string, at: Date): Promise<ChannelSettings> {
    const { rows } = await this.pool.query<Row>(
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
    return toSettings(rows[0]!);
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

  async listDaily(): Promise<ChannelSettings[]> {
    const { rows } = await this.pool.query<Row>(
      'SELECT * FROM channel_settings WHERE daily_time IS NOT NULL AND disabled_at IS NULL ORDER BY channel',
    );
    return rows.map(toSettings);
  }

  async listDisabled(): Promise<ChannelSettings[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM channel_settings WHERE disabled_at IS NOT NULL ORDER BY channel');
    return rows.map(toSettings);
  }
}
