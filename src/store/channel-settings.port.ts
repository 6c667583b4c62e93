/** A channel's daily post: when (local time in an IANA zone), which days, how many, about what. */
export interface DailySettings {
  /** `HH:MM`, 24-hour, local to `timeZone`. */
  time: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  weekdaysOnly: boolean;
  /** How many papers (default 5). */
  top: number;
  /** Only papers matching this search, when set. */
  topic?: string;
}

/** What the bot keeps per channel. `channel` is an encoded ref (`slack:C123`). */
export interface ChannelSettings {
  channel: string;
  /** Absent when the daily post is off. */
  daily?: DailySettings;
  /** Set when the channel vanished or removed the bot: nothing is posted there until it is re-enabled. */
  disabled?: { at: string; reason: string };
  updatedAt: string;
  /** Encoded actor of the last change (`slack:U123`). */
  updatedBy: string;
}

/** The actor recorded when the bot itself creates a settings row (by disabling an unknown channel). */
export const SYSTEM_ACTOR = 'paperboy:system';

/** Channel settings, kept in the database. Every method may run concurrently with other processes. */
export interface ChannelSettingsStore {
  get(channel: string): Promise<ChannelSettings | undefined>;
  /** Turns the daily post on (or changes it) or, with `undefined`, off. */
  setDaily(channel: string, daily: DailySettings | undefined, by: string, at: Date): Promise<ChannelSettings>;
  /** Stops all posting to a channel, with why. */
  disable(channel: string, reason: string, at: Date): Promise<void>;
  /** Clears a disable (the bot was invited back, or a manager changed a setting). */
  enable(channel: string): Promise<void>;
  /** Deletes everything kept for the channel (its workspace uninstalled the bot long ago). */
  forget(channel: string): Promise<void>;
  /** Channels whose daily post is on and which are not disabled. */
  listDaily(): Promise<ChannelSettings[]>;
  /** Channels that are disabled, for `status`. */
  listDisabled(): Promise<ChannelSettings[]>;
}
