import type { ChannelSettingsStore } from './channel-settings.port.ts';
import type { DeliveryStore } from './delivery-store.port.ts';
import type { DiscussionStore } from './discussion-store.port.ts';
import type { HeartbeatStore } from './heartbeat-store.port.ts';
import type { LeaseStore } from './lease-store.port.ts';
import type { PaperStore } from './paper-store.port.ts';
import type { FullTextStore } from './full-text-store.port.ts';
import type { ModelUsageStore } from './model-usage-store.port.ts';
import type { InboundEventStore } from './inbound-event-store.port.ts';
import type { InstallationStore } from './installation-store.port.ts';
import type { SavedPaperStore } from './saved-paper-store.port.ts';
import type { SignalSnapshotStore, SourceStateStore } from './source-state-store.port.ts';
import type { SubscriptionStore } from './subscription-store.port.ts';

/** Every store the bot uses, from one database. */
export interface Stores {
  /** The papers themselves, with their change sequence. */
  papers: PaperStore;
  channels: ChannelSettingsStore;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  saved: SavedPaperStore;
  sources: SourceStateStore;
  snapshots: SignalSnapshotStore;
  discussions: DiscussionStore;
  /** Papers' parsed full texts (arXiv HTML), a cache that can be refetched. */
  fullTexts: FullTextStore;
  /** Language-model tokens per channel and day, for the daily cap. */
  modelUsage: ModelUsageStore;
  leases: LeaseStore;
  /** Workspaces the bot was installed in through OAuth (many-workspace Slack). */
  installations: InstallationStore;
  heartbeats: HeartbeatStore;
  /**
   * Resolves when the database answers now; rejects with the reason when it does not (the `/readyz`
   * check). Cheap: one trivial query.
   */
  ping(): Promise<void>;
  /**
   * Resolves when the database passed its start-up checks; rejects with a `DatabaseProblem` saying what to
   * do when it did not. (SQLite may run its integrity check on a worker thread while the start goes on.)
   */
  verified(): Promise<void>;
  /** Inbound requests already handled (event retries, redelivered envelopes, replays). */
  inbound: InboundEventStore;
  /** Closes the database (after finishing writes). */
  close(): Promise<void>;
}
