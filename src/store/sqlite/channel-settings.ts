import type { Database } from 'better-sqlite3';
import { SYSTEM_ACTOR, type ChannelSettings, type ChannelSettingsStore, type DailySettings } from '../channel-settings.port.ts';
import { toChannelSettings, type ChannelSettingsRow } from '../rows.ts';

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
  private readonly deleteRow;
  private readonly selectDaily;
  private readonly selectDisabled;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], ChannelSettingsRow>('SELECT * FROM channel_settings WHERE channel = ?');
    this.upsertDaily = db.prepare<DailyParams, ChannelSettingsRow>(`
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
    this.deleteRow = db.prepare<[string]>('DELETE FROM channel_settings WHERE channel = ?');
    this.selectDaily = db.prepare<[], ChannelSettingsRow>(
      'SELECT * FROM channel_settings WHERE daily_time IS NOT NULL AND disabled_at IS NULL ORDER BY channel',
    );
    this.selectDisabled = db.prepare<[], ChannelSettingsRow>(
      'SELECT * FROM channel_settings WHERE disabled_at IS NOT NULL ORDER BY channel',
    );
  }

  async get(channel: string): Promise<ChannelSettings | undefined> {
    const row = this.selectOne.get(channel);
    return row && toChannelSettings(row);
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
    return toChannelSettings(row!);
  }

  async disable(channel: string, reason: string, at: Date): Promise<void> {
    const iso = at.toISOString();
    this.upsertDisabled.run(channel, iso, reason, iso, SYSTEM_ACTOR);
  }

  async enable(channel: string): Promise<void> {
    this.clearDisabled.run(channel);
  }

  async forget(channel: string): Promise<void> {
    this.deleteRow.run(channel);
  }

  async listDaily(): Promise<ChannelSettings[]> {
    return this.selectDaily.all().map(toChannelSettings);
  }

  async listDisabled(): Promise<ChannelSettings[]> {
    return this.selectDisabled.all().map(toChannelSettings);
  }
}
