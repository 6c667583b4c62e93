/**
 * The stores' tables as rows, the same on every engine, and the values they hold. Instants are ISO-8601
 * UTC strings (`Date.toISOString()`; the PostgreSQL store reads its `timestamptz` columns that way), lists
 * are JSON text, and a flag is 0/1 (SQLite) or a boolean (PostgreSQL).
 */
import type { SignalSnapshot } from '../corpus/signal-history.ts';
import { PaperTextSchema } from '../fulltext/paper-text.ts';
import type { ChannelSettings, DailySettings } from './channel-settings.port.ts';
import type { Delivery, DeliveryKind, DeliveryStatus } from './delivery-store.port.ts';
import type { Discussion } from './discussion-store.port.ts';
import type { FullTextRecord, FullTextStatus } from './full-text-store.port.ts';
import type { Replica } from './heartbeat-store.port.ts';
import type { Installation } from './installation-store.port.ts';
import type { Lease } from './lease-store.port.ts';
import type { SavedPaper } from './saved-paper-store.port.ts';
import type { SourceState } from './source-state-store.port.ts';
import type { Subscription } from './subscription-store.port.ts';

/** A row of `channel_settings` (daily settings as columns, all null when the daily post is off). */
export interface ChannelSettingsRow {
  channel: string;
  daily_time: string | null;
  daily_time_zone: string | null;
  daily_weekdays_only: number | boolean | null;
  daily_top: number | null;
  daily_topic: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  updated_at: string;
  updated_by: string;
}

export function toChannelSettings(row: ChannelSettingsRow): ChannelSettings {
  const settings: ChannelSettings = { channel: row.channel, updatedAt: row.updated_at, updatedBy: row.updated_by };
  if (row.daily_time !== null) {
    const daily: DailySettings = {
      time: row.daily_time,
      timeZone: row.daily_time_zone!,
      weekdaysOnly: Boolean(row.daily_weekdays_only),
      top: row.daily_top!,
    };
    if (row.daily_topic !== null) daily.topic = row.daily_topic;
    settings.daily = daily;
  }
  if (row.disabled_at !== null) settings.disabled = { at: row.disabled_at, reason: row.disabled_reason! };
  return settings;
}

/** A row of `subscriptions`; `topic_key` is the topic's {@link topicKey}. */
export interface SubscriptionRow {
  id: number;
  channel: string;
  topic: string;
  topic_key: string;
  min_upvotes: number | null;
  mention_kind: 'user' | 'role' | null;
  mention_id: string | null;
  created_by: string;
  created_at: string;
}

export function toSubscription(row: SubscriptionRow): Subscription {
  const subscription: Subscription = {
    id: row.id,
    channel: row.channel,
    topic: row.topic,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
  if (row.min_upvotes !== null) subscription.minUpvotes = row.min_upvotes;
  if (row.mention_kind !== null && row.mention_id !== null) {
    subscription.mention = { kind: row.mention_kind, id: row.mention_id };
  }
  return subscription;
}

/** A row of `deliveries`; `paper_ids` is a JSON array. */
export interface DeliveryRow {
  key: string;
  channel: string;
  thread: string | null;
  kind: DeliveryKind;
  status: DeliveryStatus;
  paper_ids: string;
  message: string;
  attempts: number;
  last_error: string | null;
  posted_id: string | null;
  owner: string | null;
  created_at: string;
  updated_at: string;
}

export function toDelivery(row: DeliveryRow): Delivery {
  const delivery: Delivery = {
    key: row.key,
    channel: row.channel,
    kind: row.kind,
    status: row.status,
    paperIds: JSON.parse(row.paper_ids) as string[],
    message: row.message,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.thread !== null) delivery.thread = row.thread;
  if (row.last_error !== null) delivery.lastError = row.last_error;
  if (row.posted_id !== null) delivery.postedId = row.posted_id;
  if (row.owner !== null) delivery.owner = row.owner;
  return delivery;
}

/** A row of `saved_papers`. */
export interface SavedPaperRow {
  channel: string;
  paper_id: string;
  saved_by: string;
  saved_at: string;
}

export const toSavedPaper = (row: SavedPaperRow): SavedPaper => ({
  channel: row.channel,
  paperId: row.paper_id,
  savedBy: row.saved_by,
  savedAt: row.saved_at,
});

/** A row of `source_state`. */
export interface SourceStateRow {
  source: string;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  retry_after: string | null;
  last_changed: number | null;
}

export function toSourceState(row: SourceStateRow): SourceState {
  const state: SourceState = { source: row.source, consecutiveFailures: row.consecutive_failures };
  if (row.last_attempt_at !== null) state.lastAttemptAt = row.last_attempt_at;
  if (row.last_success_at !== null) state.lastSuccessAt = row.last_success_at;
  if (row.last_error !== null) state.lastError = row.last_error;
  if (row.retry_after !== null) state.retryAfter = row.retry_after;
  if (row.last_changed !== null) state.lastChanged = row.last_changed;
  return state;
}

/** The row of a source's state (absent fields empty). */
export const sourceStateRow = (state: SourceState): SourceStateRow => ({
  source: state.source,
  last_attempt_at: state.lastAttemptAt ?? null,
  last_success_at: state.lastSuccessAt ?? null,
  last_error: state.lastError ?? null,
  consecutive_failures: state.consecutiveFailures,
  retry_after: state.retryAfter ?? null,
  last_changed: state.lastChanged ?? null,
});

/** A row of `signal_snapshots`. */
export interface SnapshotRow {
  paper_id: string;
  observed_at: string;
  upvotes: number | null;
  comments: number | null;
  github_stars: number | null;
}

export function toSnapshot(row: SnapshotRow): SignalSnapshot {
  const snapshot: SignalSnapshot = { paperId: row.paper_id, observedAt: row.observed_at };
  if (row.upvotes !== null) snapshot.upvotes = row.upvotes;
  if (row.comments !== null) snapshot.comments = row.comments;
  if (row.github_stars !== null) snapshot.githubStars = row.github_stars;
  return snapshot;
}

/** The row of a snapshot, its instant made canonical (throws a RangeError for one that is not a date). */
export const snapshotRow = (snapshot: SignalSnapshot): SnapshotRow => ({
  paper_id: snapshot.paperId,
  observed_at: canonicalInstant(snapshot.observedAt),
  upvotes: snapshot.upvotes ?? null,
  comments: snapshot.comments ?? null,
  github_stars: snapshot.githubStars ?? null,
});

/**
 * The instant of a snapshot in canonical `toISOString()` form, so text order in the database is time
 * order. Throws a RangeError for a string that is not a date.
 */
export function canonicalInstant(observedAt: string): string {
  const time = Date.parse(observedAt);
  if (Number.isNaN(time)) throw new RangeError(`Snapshot observedAt is not a date: ${observedAt}`);
  return new Date(time).toISOString();
}

/** A row of `discussions`. */
export interface DiscussionRow {
  channel: string;
  paper_id: string;
  thread: string;
  opened_by: string;
  created_at: string;
  reply_count: number;
  last_activity_at: string;
}

export const toDiscussion = (row: DiscussionRow): Discussion => ({
  channel: row.channel,
  paperId: row.paper_id,
  thread: row.thread,
  openedBy: row.opened_by,
  createdAt: row.created_at,
  replyCount: row.reply_count,
  lastActivityAt: row.last_activity_at,
});

/** The row of a discussion. */
export const discussionRow = (discussion: Discussion): DiscussionRow => ({
  channel: discussion.channel,
  paper_id: discussion.paperId,
  thread: discussion.thread,
  opened_by: discussion.openedBy,
  created_at: discussion.createdAt,
  reply_count: discussion.replyCount,
  last_activity_at: discussion.lastActivityAt,
});

/** A row of `leases` that has a holder (a released lease keeps its row, with holder and expiry null). */
export interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  acquired_at: string;
  expires_at: string;
}

export const toLease = (row: LeaseRow): Lease => ({
  name: row.name,
  holder: row.holder,
  token: row.token,
  acquiredAt: row.acquired_at,
  expiresAt: row.expires_at,
});

/** A row of `replica_heartbeats`. */
export interface HeartbeatRow {
  replica_id: string;
  first_beat_at: string;
  last_beat_at: string;
}

export const toReplica = (row: HeartbeatRow): Replica => ({ id: row.replica_id, firstBeatAt: row.first_beat_at, lastBeatAt: row.last_beat_at });

/** A row of `full_texts`; `text` is the parsed text as JSON. */
export interface FullTextRow {
  paper_id: string;
  url: string;
  fetched_at: string;
  status: FullTextStatus;
  text: string | null;
}

/**
 * The record a row holds, or undefined when its JSON no longer validates (written by another build, or
 * damaged), so the paper is fetched again rather than misread.
 */
export function toFullTextRecord(row: FullTextRow): FullTextRecord | undefined {
  const record: FullTextRecord = { paperId: row.paper_id, url: row.url, fetchedAt: row.fetched_at, status: row.status };
  if (row.text === null) return record;
  let json: unknown;
  try {
    json = JSON.parse(row.text);
  } catch {
    return undefined;
  }
  const parsed = PaperTextSchema.safeParse(json);
  return parsed.success ? { ...record, text: parsed.data } : undefined;
}

/** The row of a full-text record. */
export const fullTextRow = (record: FullTextRecord): FullTextRow => ({
  paper_id: record.paperId,
  url: record.url,
  fetched_at: record.fetchedAt,
  status: record.status,
  text: record.text ? JSON.stringify(record.text) : null,
});

/** A row of `installations`. */
export interface InstallationRow {
  platform: string;
  workspace: string;
  credentials: string | null;
  installed_at: string;
  uninstalled_at: string | null;
}

export const toInstallation = (row: InstallationRow): Installation => ({
  platform: row.platform,
  workspace: row.workspace,
  ...(row.credentials !== null ? { credentials: row.credentials } : {}),
  installedAt: row.installed_at,
  ...(row.uninstalled_at !== null ? { uninstalledAt: row.uninstalled_at } : {}),
});
