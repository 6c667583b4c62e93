import type { Database } from 'better-sqlite3';
import type { ChannelSettings, ChannelSettingsStore, DailySettings } from '../channel-settings.port.ts';

/** The actor recorded when the bot itself creates a settings row (by disabling an unknown channel). */
export const SYSTEM_ACTOR = 'paperboy:system';

interface Row {
  channel: string;
  daily_time: string | null;
  daily_time_zone: string | null;
  daily_weekdays_only: number | null;
  daily_top: number | null;
  daily_topic: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  updated_at: string;
  updated_by: string;
}

interface DailyParams {
  channel: string;
  time: string | null;
  timeZone: string | null;
  weekdaysOnly: number | null;
  top: number | null;
  topic: string | null;
  at: string;
  by: string;
}

function toSettings(row: Row): ChannelSettings {
  const settings: ChannelSettings = { channel: row.channel, updatedAt: row.updated_at, updatedBy: row.updated_by };
  if (row.daily_time !== null) {
    const daily: DailySettings = {
      time: row.daily_time,
      timeZone: row.daily_time_zone!,
      weekdaysOnly: row.daily_weekdays_only === 1,
      top: row.daily_top!,
    };
    if (row.daily_topic !== null) daily.topic = row.daily_topic;
    settings.daily = daily;
  }
  if (row.disabled_at !== null) settings.disabled = { at: row.disabled_at, reason: row.disabled_reason! };
  return settings;
}

/**
 * Channel settings in the `channel_settings` table (daily settings as columns). Each method is one
 * statement (an upsert where a row may be missing), so concurrent writers cannot lose each other's rows.
 * `disable` leaves `updatedAt`/`updatedBy` alone (they describe the last change a person made) unless it
 * creates the row, which it then stamps with `at` and {@link SYSTEM_ACTOR}.
 */
export class SqliteChannelSettingsStore implements ChannelSettingsStore {
  private readonly selectOne;
  private readonly upsertDaily;
  private readonly upsertDisabled;
  private readonly clearDisabled;
  private readonly selectDaily;
  private readonly selectDisabled;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], Row>('SELECT * FROM channel_settings WHERE channel = ?');
    this.upsertDaily = db.prepare<DailyParams, Row>(`
      INSERT INTO channel_settings
        (channel, daily_time, daily_time_zone, daily_weekdays_only, daily_top, daily_topic, updated_at, updated_by)
      VALUES (@channel, @time, @timeZone, @weekdaysOnly, @top, @topic, @at, @by)
      ON CONFLICT (channel) DO UPDATE SET
        daily_time = excluded.daily_time,
        daily_time_zone = excluded.daily_time_zone,
        daily_weekdays_only = excluded.daily_weekdays_only,
        daily_top = excluded.daily_top,
        daily_topic = excluded.daily_topic,
        updated_at = excluded.updated_at,
        updated_by = excluded.updated_by
      RETURNING *`);
    this.upsertDisabled = db.prepare<[string, string, string, string, string]>(`
      INSERT INTO channel_settings (channel, disabled_at, disabled_reason, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (channel) DO UPDATE SET
        disabled_at = excluded.disabled_at,
        disabled_reason = excluded.disabled_reason`);
    this.clearDisabled = db.prepare<[string]>(
      'UPDATE channel_settings SET disabled_at = NULL, disabled_reason = NULL WHERE channel = ?',
    );
    this.selectDaily = db.prepare<[], Row>(
      'SELECT * FROM channel_settings WHERE daily_time IS NOT NULL AND disabled_at IS NULL ORDER BY channel',
    );
    this.selectDisabled = db.prepare<[], Row>(
      'SELECT * FROM channel_settings WHERE disabled_at IS NOT NULL ORDER BY channel',
    );
  }

  async get(channel: string): Promise<ChannelSettings | undefined> {
    const row = this.selectOne.get(channel);
    return row && toSettings(row);
  }

  async setDaily(channel: string, daily: DailySettings | undefined, by: string, at: Date): Promise<ChannelSettings> {
    const row = this.upsertDaily.get({
      channel,
      time: daily?.time ?? null,
      timeZone: daily?.timeZone ?? null,
      weekdaysOnly: daily ? (daily.weekdaysOnly ? 1 : 0) : null,
      top: daily?.top ?? null,
      topic: daily?.topic ?? null,
      at: at.toISOString(),
      by,
    });
    return toSettings(row!);
  }

  async disable(channel: string, reason: string, at: Date): Promise<void> {
    const iso = at.toISOString();
    this.upsertDisabled.run(channel, iso, reason, iso, SYSTEM_ACTOR);
  }

  async enable(channel: string): Promise<void> {
    this.clearDisabled.run(channel);
  }

  async listDaily(): Promise<ChannelSettings[]> {
    return this.selectDaily.all().map(toSettings);
  }

  async listDisabled(): Promise<ChannelSettings[]> {
    return this.selectDisabled.all().map(toSettings);
  }
}
