import { SYSTEM_ACTOR, type ChannelSettings, type ChannelSettingsStore } from '../channel-settings.port.ts';
import type { Delivery, DeliveryStore } from '../delivery-store.port.ts';
import type { Discussion, DiscussionStore } from '../discussion-store.port.ts';
import type { FullTextRecord, FullTextStore } from '../full-text-store.port.ts';
import type { ModelUsageStore } from '../model-usage-store.port.ts';
import type { HeartbeatStore, Replica } from '../heartbeat-store.port.ts';
import type { Installation, InstallationStore } from '../installation-store.port.ts';
import type { Lease, LeaseStore } from '../lease-store.port.ts';
import { leaseExpiry } from '../lease-time.ts';
import type { InboundEventStore } from '../inbound-event-store.port.ts';
import type { SavedPaper, SavedPaperStore } from '../saved-paper-store.port.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../source-state-store.port.ts';
import type { Stores } from '../store.ts';
import type { Subscription, SubscriptionStore } from '../subscription-store.port.ts';
import { randomUUID } from 'node:crypto';
import { planUpsert } from '../../corpus/merge.ts';
import { titleKey, type Paper } from '../../corpus/paper.ts';
import { snapshotOf, type SignalSnapshot } from '../../corpus/signal-history.ts';
import type { PaperChange, PaperStore, PaperUpsertReport } from '../paper-store.port.ts';
import { canonicalInstant } from '../rows.ts';
import { topicKey } from '../topic-key.ts';

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
    async forget(channel) {
      rows.delete(channel);
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
    async markSent(key, postedId, at) {
      const delivery = rows.find((d) => d.key === key);
      if (!delivery) throw new Error(`No delivery with key ${key}: claim it before marking it sent`);
      Object.assign(delivery, { status: 'sent', postedId, updatedAt: at.toISOString() });
    },
    async startAttempt(key, owner, at) {
      const delivery = rows.find((d) => d.key === key);
      if (!delivery || (delivery.owner !== undefined && delivery.owner !== owner)) return false;
      Object.assign(delivery, { status: 'sending', updatedAt: at.toISOString() });
      delivery.attempts++;
      return true;
    },
    async takeOver(key, from, to, at) {
      const delivery = rows.find((d) => d.key === key);
      if (!delivery || !UNFINISHED.has(delivery.status) || delivery.owner !== from) return undefined;
      Object.assign(delivery, { owner: to, updatedAt: at.toISOString() });
      return copy(delivery);
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

function inboundStore(): InboundEventStore {
  const rows = new Map<string, string>();
  return {
    async firstSeen(key, at, until) {
      const expires = rows.get(key);
      if (expires !== undefined && expires > at.toISOString()) return false;
      rows.set(key, until.toISOString());
      return true;
    },
    async prune(at) {
      let count = 0;
      for (const [key, expires] of rows) {
        if (expires <= at.toISOString()) {
          rows.delete(key);
          count++;
        }
      }
      return count;
    },
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

function snapshotStore(): SignalSnapshotStore & { move(from: string, to: string): void } {
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
    move(from, to) {
      for (const s of rows) {
        if (s.paperId === from && !rows.some((r) => r.paperId === to && r.observedAt === s.observedAt)) s.paperId = to;
      }
    },
  };
}

interface MemoryPaperRow {
  paper: Paper;
  seq: number;
  createdSeq: number;
  textSeq: number;
  replacedBy?: string;
}

function paperStore(snapshots: ReturnType<typeof snapshotStore>): PaperStore {
  const rows = new Map<string, MemoryPaperRow>();
  const cursors = new Map<string, number>();
  const libraryId = randomUUID().replaceAll('-', '');
  let lastSeq = 0;
  const live = (id: string) => {
    const row = rows.get(id);
    return row && row.replacedBy === undefined ? row : undefined;
  };
  const idsByTitle = new Map<string, Set<string>>();
  const byTitle = (key: string) =>
    [...(idsByTitle.get(key) ?? [])].flatMap((id) => live(id) ?? []).filter((r) => titleKey(r.paper.title) === key).sort((a, b) => a.createdSeq - b.createdSeq)[0];
  const put = (id: string, row: MemoryPaperRow) => {
    rows.set(id, row);
    const key = titleKey(row.paper.title);
    if (!idsByTitle.has(key)) idsByTitle.set(key, new Set());
    idsByTitle.get(key)!.add(id);
  };
  const record = (paper: Paper) => {
    const snapshot = snapshotOf(paper);
    if (snapshot) void snapshots.append([snapshot]);
  };
  return {
    async upsert(papers) {
      const report: PaperUpsertReport = { added: [], updated: [], unchanged: 0 };
      for (const incoming of papers.map(copy)) {
        const stored = live(incoming.id) ?? byTitle(titleKey(incoming.title));
        const plan = planUpsert(stored && copy(stored.paper), incoming);
        if (plan.kind === 'unchanged') {
          report.unchanged++;
          record({ ...incoming, id: plan.paper.id });
          continue;
        }
        if (plan.kind === 'add') {
          const seq = ++lastSeq;
          put(plan.paper.id, { paper: plan.paper, seq, createdSeq: seq, textSeq: seq });
          report.added.push(copy(plan.paper));
        } else {
          if (plan.previousId) {
            put(plan.previousId, { ...stored!, seq: ++lastSeq, replacedBy: plan.paper.id });
            snapshots.move(plan.previousId, plan.paper.id);
          }
          const seq = ++lastSeq;
          put(plan.paper.id, { paper: plan.paper, seq, createdSeq: stored!.createdSeq, textSeq: plan.textChanged ? seq : stored!.textSeq });
          report.updated.push({ paper: copy(plan.paper), textChanged: plan.textChanged, ...(plan.previousId ? { previousId: plan.previousId } : {}) });
        }
        record(plan.paper.id === incoming.id ? incoming : { ...incoming, id: plan.paper.id });
      }
      return report;
    },
    get: async (id) => copy(live(id)?.paper),
    getMany: async (ids) => ids.flatMap((id) => (live(id) ? [copy(live(id)!.paper)] : [])),
    async changesSince(afterSeq, limit) {
      return [...rows.values()]
        .filter((r) => r.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
        .map((r): PaperChange => r.replacedBy !== undefined
          ? { seq: r.seq, id: r.paper.id, replacedBy: r.replacedBy }
          : { seq: r.seq, id: r.paper.id, paper: copy(r.paper), createdSeq: r.createdSeq, textSeq: r.textSeq });
    },
    lastSeq: async () => lastSeq,
    addedBetween: async (afterSeq, upToSeq) =>
      [...rows.values()]
        .filter((r) => r.replacedBy === undefined && r.createdSeq > afterSeq && r.createdSeq <= upToSeq)
        .sort((a, b) => a.createdSeq - b.createdSeq)
        .map((r) => r.paper.id),
    count: async () => [...rows.values()].filter((r) => r.replacedBy === undefined).length,
    list: async (afterId, limit) =>
      [...rows.values()]
        .filter((r) => r.replacedBy === undefined && (afterId === undefined || r.paper.id > afterId))
        .sort(byKey((r) => r.paper.id))
        .slice(0, limit)
        .map((r) => copy(r.paper)),
    cursor: async (name) => cursors.get(name),
    async moveCursor(name, from, to) {
      if (cursors.get(name) !== from) return false;
      cursors.set(name, to);
      return true;
    },
    libraryId: async () => libraryId,
    // One process: its own writes reach its index through the sync that follows them.
    watchChanges: async () => async () => undefined,
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

function fullTextStore(): FullTextStore {
  const rows = new Map<string, FullTextRecord>();
  return {
    get: async (paperId) => copy(rows.get(paperId)),
    async put(record) {
      rows.set(record.paperId, copy(record));
    },
  };
}

function modelUsageStore(): ModelUsageStore {
  const rows = new Map<string, number>();
  const key = (channel: string, day: string): string => JSON.stringify([channel, day]);
  return {
    used: async (channel, day) => rows.get(key(channel, day)) ?? 0,
    async add(channel, day, tokens) {
      if (!Number.isInteger(tokens) || tokens < 0) throw new RangeError(`tokens must be a whole number ≥ 0, got ${tokens}`);
      const total = (rows.get(key(channel, day)) ?? 0) + tokens;
      rows.set(key(channel, day), total);
      return total;
    },
  };
}

function leaseStore(): LeaseStore {
  // Released leases stay as their last token, so a later holder's token still grows.
  const rows = new Map<string, Lease>();
  const tokens = new Map<string, number>();
  return {
    async acquire(name, holder, ttlMs, now) {
      const expiresAt = leaseExpiry(now, ttlMs).toISOString();
      const current = rows.get(name);
      if (current && current.holder === holder) {
        current.expiresAt = expiresAt;
        return copy(current);
      }
      if (current && current.expiresAt > now.toISOString()) return undefined;
      const token = (tokens.get(name) ?? 0) + 1;
      const lease = { name, holder, token, acquiredAt: now.toISOString(), expiresAt };
      tokens.set(name, token);
      rows.set(name, lease);
      return copy(lease);
    },
    async renew(name, holder, ttlMs, now) {
      const current = rows.get(name);
      if (!current || current.holder !== holder || current.expiresAt <= now.toISOString()) return undefined;
      current.expiresAt = leaseExpiry(now, ttlMs).toISOString();
      return copy(current);
    },
    async release(name, holder) {
      if (rows.get(name)?.holder !== holder) return false;
      rows.delete(name);
      return true;
    },
    holder: async (name) => copy(rows.get(name)),
    all: async () => [...rows.values()].sort(byKey((l) => l.name)).map(copy),
  };
}

function installationStore(): InstallationStore {
  const rows = new Map<string, Installation>();
  const keyOf = (platform: string, workspace: string) => JSON.stringify([platform, workspace]);
  return {
    async install(platform, workspace, credentials, at) {
      const old = rows.get(keyOf(platform, workspace));
      const reinstalled = old?.uninstalledAt !== undefined;
      const installedAt = old && !reinstalled ? old.installedAt : at.toISOString();
      rows.set(keyOf(platform, workspace), { platform, workspace, credentials, installedAt });
      return { reinstalled };
    },
    get: async (platform, workspace) => copy(rows.get(keyOf(platform, workspace))),
    async uninstall(platform, workspace, at) {
      const row = rows.get(keyOf(platform, workspace));
      if (!row || row.uninstalledAt !== undefined) return false;
      delete row.credentials;
      row.uninstalledAt = at.toISOString();
      return true;
    },
    async uninstalledBefore(before) {
      const cutoff = before.toISOString();
      return [...rows.values()].filter((r) => r.uninstalledAt !== undefined && r.uninstalledAt <= cutoff)
        .sort(byKey((r) => `${r.uninstalledAt} ${r.platform} ${r.workspace}`)).map(copy);
    },
    countInstalled: async (platform) => [...rows.values()].filter((r) => r.platform === platform && r.uninstalledAt === undefined).length,
    async forget(platform, workspace) {
      rows.delete(keyOf(platform, workspace));
    },
  };
}

function heartbeatStore(): HeartbeatStore {
  const rows = new Map<string, Replica>();
  return {
    async beat(replicaId, now) {
      const iso = now.toISOString();
      const current = rows.get(replicaId);
      if (!current) rows.set(replicaId, { id: replicaId, firstBeatAt: iso, lastBeatAt: iso });
      else {
        if (iso < current.firstBeatAt) current.firstBeatAt = iso;
        if (iso > current.lastBeatAt) current.lastBeatAt = iso;
      }
    },
    async alive(now, withinMs) {
      const from = new Date(now.getTime() - withinMs).toISOString();
      return [...rows.values()].filter((r) => r.lastBeatAt >= from).sort(byKey((r) => r.id)).map(copy);
    },
  };
}

/**
 * Every store in memory, behaving like the SQLite ones (same keys, same ordering, same errors), for tests
 * of modules that do not care about the database. Results are copies: changing them changes nothing
 * stored. Nothing is shared between two calls.
 */
export function createMemoryStores(): Stores {
  const snapshots = snapshotStore();
  return {
    papers: paperStore(snapshots),
    channels: channelStore(),
    subscriptions: subscriptionStore(),
    deliveries: deliveryStore(),
    saved: savedStore(),
    sources: sourceStore(),
    snapshots,
    discussions: discussionStore(),
    fullTexts: fullTextStore(),
    modelUsage: modelUsageStore(),
    leases: leaseStore(),
    heartbeats: heartbeatStore(),
    installations: installationStore(),
    async ping() {},
    verified: async () => undefined,
    inbound: inboundStore(),
    async close() {},
  };
}
