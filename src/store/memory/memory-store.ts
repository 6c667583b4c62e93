import type { ChannelSettings, ChannelSettingsStore } from '../channel-settings.port.ts';
import type { Delivery, DeliveryStore } from '../delivery-store.port.ts';
import type { Discussion, DiscussionStore } from '../discussion-store.port.ts';
import type { SavedPaper, SavedPaperStore } from '../saved-paper-store.port.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../source-state-store.port.ts';
import type { Stores } from '../store.ts';
import type { Subscription, SubscriptionStore } from '../subscription-store.port.ts';
import type { SignalSnapshot } from '../../corpus/corpus.ts';
import { SYSTEM_ACTOR } from '../sqlite/channel-settings.ts';
import { canonicalInstant } from '../sqlite/source-state.ts';
import { topicKey } from '../sqlite/topic-key.ts';

const copy = <T>(value: T): T => structuredClone(value);
const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
const UNFINISHED = new Set(['claimed', 'sending', 'retrying']);

function channelStore(): ChannelSettingsStore {
  const rows = new Map<string, ChannelSettings>();
  const list = (keep: (s: ChannelSettings) => boolean) =>
    [...rows.values()].filter(keep).sort(byKey((s) => s.channel)).map(copy);
  return {
    async get(channel) {
      return copy(rows.get(channel));
    },
    async setDaily(channel, daily, by, at) {
      const next: ChannelSettings = { ...rows.get(channel), channel, updatedAt: at.toISOString(), updatedBy: by };
      if (daily) next.daily = copy(daily);
      else delete next.daily;
      rows.set(channel, next);
      return copy(next);
    },
    async disable(channel, reason, at) {
      const disabled = { at: at.toISOString(), reason };
      const existing = rows.get(channel);
      rows.set(channel, existing ? { ...existing, disabled } : { channel, disabled, updatedAt: disabled.at, updatedBy: SYSTEM_ACTOR });
    },
    async enable(channel) {
      delete rows.get(channel)?.disabled;
    },
    listDaily: async () => list((s) => s.daily !== undefined && s.disabled === undefined),
    listDisabled: async () => list((s) => s.disabled !== undefined),
  };
}

function subscriptionStore(): SubscriptionStore {
  const rows: Subscription[] = [];
  let nextId = 1;
  const find = (channel: string, idOrTopic: number | string) =>
    rows.findIndex((s) => s.channel === channel && (typeof idOrTopic === 'number' ? s.id === idOrTopic : topicKey(s.topic) === topicKey(idOrTopic)));
  return {
    async add(subscription) {
      if (topicKey(subscription.topic) === '') throw new RangeError('A subscription needs a topic');
      const existing = rows[find(subscription.channel, subscription.topic)];
      if (existing) return { subscription: copy(existing), created: false };
      const created = { ...copy(subscription), topic: subscription.topic.trim(), id: nextId++ };
      rows.push(created);
      return { subscription: copy(created), created: true };
    },
    async remove(channel, idOrTopic) {
      const index = find(channel, idOrTopic);
      return index < 0 ? undefined : rows.splice(index, 1)[0];
    },
    list: async (channel) => rows.filter((s) => s.channel === channel).map(copy),
    all: async () => rows.map(copy),
  };
}

function deliveryStore(): DeliveryStore {
  const rows: Delivery[] = [];
  const shown = new Set<string>();
  const shownKey = (channel: string, paperId: string) => JSON.stringify([channel, paperId]);
  return {
    async claim(delivery, at) {
      if (rows.some((d) => d.key === delivery.key)) return false;
      const iso = at.toISOString();
      rows.push({ ...copy(delivery), status: 'claimed', attempts: 0, createdAt: iso, updatedAt: iso });
      for (const id of delivery.paperIds) shown.add(shownKey(delivery.channel, id));
      return true;
    },
    get: async (key) => copy(rows.find((d) => d.key === key)),
    async setStatus(key, status, at, error) {
      const delivery = rows.find((d) => d.key === key);
      if (!delivery) throw new Error(`No delivery with key ${key}: claim it before setting its status`);
      Object.assign(delivery, { status, updatedAt: at.toISOString() }, error === undefined ? {} : { lastError: error });
      if (status === 'sending') delivery.attempts++;
    },
    unfinished: async () =>
      rows.filter((d) => UNFINISHED.has(d.status)).sort(byKey((d) => d.createdAt)).map(copy),
    alreadyShown: async (channel, paperIds) => new Set(paperIds.filter((id) => shown.has(shownKey(channel, id)))),
    recent: async (channel, limit) =>
      rows
        .filter((d) => d.channel === channel)
        .sort(byKey((d) => d.createdAt))
        .reverse()
        .slice(0, Math.max(0, Math.floor(limit)))
        .map(copy),
  };
}

function savedStore(): SavedPaperStore {
  const rows: SavedPaper[] = [];
  const at = (channel: string, paperId: string) => rows.findIndex((s) => s.channel === channel && s.paperId === paperId);
  return {
    async save(entry) {
      if (at(entry.channel, entry.paperId) >= 0) return false;
      rows.push(copy(entry));
      return true;
    },
    async remove(channel, paperId) {
      const index = at(channel, paperId);
      if (index >= 0) rows.splice(index, 1);
      return index >= 0;
    },
    list: async (channel) => rows.filter((s) => s.channel === channel).sort(byKey((s) => s.savedAt)).map(copy),
  };
}

function sourceStore(): SourceStateStore {
  const rows = new Map<string, SourceState>();
  return {
    get: async (source) => copy(rows.get(source)),
    put: async (state) => void rows.set(state.source, copy(state)),
    all: async () => [...rows.values()].sort(byKey((s) => s.source)).map(copy),
  };
}

function snapshotStore(): SignalSnapshotStore {
  let rows: SignalSnapshot[] = [];
  return {
    async append(snapshots) {
      const incoming = snapshots.map((s) => ({ ...copy(s), observedAt: canonicalInstant(s.observedAt) }));
      for (const s of incoming) {
        if (!rows.some((r) => r.paperId === s.paperId && r.observedAt === s.observedAt)) rows.push(s);
      }
    },
    async since(since) {
      const from = since.toISOString();
      return rows
        .filter((s) => s.observedAt >= from)
        .sort(byKey((s) => `${s.observedAt} ${s.paperId}`))
        .map(copy);
    },
    async prune(before) {
      const cutoff = before.toISOString();
      const count = rows.length;
      rows = rows.filter((s) => s.observedAt >= cutoff);
      return count - rows.length;
    },
  };
}

function discussionStore(): DiscussionStore {
  const rows: Discussion[] = [];
  return {
    async open(discussion) {
      const existing = rows.find((d) => d.channel === discussion.channel && d.paperId === discussion.paperId);
      if (existing) return { discussion: copy(existing), created: false };
      if (rows.some((d) => d.thread === discussion.thread)) {
        throw new Error(`Thread ${discussion.thread} already holds another discussion`);
      }
      rows.push(copy(discussion));
      return { discussion: copy(discussion), created: true };
    },
    get: async (channel, paperId) => copy(rows.find((d) => d.channel === channel && d.paperId === paperId)),
    async setThread(channel, paperId, thread) {
      if (rows.some((d) => d.thread === thread && !(d.channel === channel && d.paperId === paperId))) {
        throw new Error(`Thread ${thread} already holds another discussion`);
      }
      const discussion = rows.find((d) => d.channel === channel && d.paperId === paperId);
      if (discussion) discussion.thread = thread;
    },
    async remove(channel, paperId) {
      const index = rows.findIndex((d) => d.channel === channel && d.paperId === paperId);
      if (index >= 0) rows.splice(index, 1);
    },
    byThread: async (thread) => copy(rows.find((d) => d.thread === thread)),
    async recordReply(thread, at) {
      const discussion = rows.find((d) => d.thread === thread);
      if (!discussion) return;
      discussion.replyCount++;
      const iso = at.toISOString();
      if (iso > discussion.lastActivityAt) discussion.lastActivityAt = iso;
    },
    list: async (channel) =>
      rows
        .filter((d) => d.channel === channel)
        .sort(byKey((d) => d.lastActivityAt))
        .reverse()
        .map(copy),
  };
}

/**
 * Every store in memory, behaving like the SQLite ones (same keys, same ordering, same errors), for tests
 * of modules that do not care about the database. Results are copies: changing them changes nothing
 * stored. Nothing is shared between two calls.
 */
export function createMemoryStores(): Stores {
  return {
    channels: channelStore(),
    subscriptions: subscriptionStore(),
    deliveries: deliveryStore(),
    saved: savedStore(),
    sources: sourceStore(),
    snapshots: snapshotStore(),
    discussions: discussionStore(),
    async close() {},
  };
}
