import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DailySettings } from '../../src/store/channel-settings.port.ts';
import type { Delivery } from '../../src/store/delivery-store.port.ts';
import type { Discussion } from '../../src/store/discussion-store.port.ts';
import type { FullTextRecord } from '../../src/store/full-text-store.port.ts';
import type { PaperText } from '../../src/fulltext/paper-text.ts';
import type { Stores } from '../../src/store/store.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { createPaper, titleId } from '../../src/corpus/paper.ts';
import { SignalHistory } from '../../src/corpus/signal-history.ts';
import { silentLogger } from '../../src/logger.ts';
import { arxivPapers, hfDailyPapers } from '../helpers/library.ts';
import type { NewSubscription } from '../../src/store/subscription-store.port.ts';

/** 2025-01-24 12:00 UTC plus `minutes`. */
export const at = (minutes = 0): Date => new Date(Date.UTC(2025, 0, 24, 12, minutes));
const iso = (minutes = 0): string => at(minutes).toISOString();

const daily: DailySettings = { time: '09:00', timeZone: 'Europe/Berlin', weekdaysOnly: true, top: 5 };

const sub = (channel: string, topic: string, extra: Partial<NewSubscription> = {}): NewSubscription => ({
  channel,
  topic,
  createdBy: 'slack:U1',
  createdAt: iso(),
  ...extra,
});

const delivery = (key: string, paperIds: string[], channel = 'slack:C1'): Omit<Delivery, 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'postedId'> => ({
  key,
  channel,
  kind: 'daily',
  paperIds,
  message: JSON.stringify({ text: `post ${key}` }),
});

const discussion = (paperId: string, thread: string, minutes = 0, channel = 'slack:C1'): Discussion => ({
  channel,
  paperId,
  thread,
  openedBy: 'slack:U1',
  createdAt: iso(minutes),
  replyCount: 0,
  lastActivityAt: iso(minutes),
});

/** `minutes` after {@link at}, plus `seconds`. */
const atSeconds = (seconds: number): Date => new Date(at().getTime() + seconds * 1000);

/**
 * The behaviour every `Stores` implementation must have, as a test suite: `open` returns a fresh, empty
 * set of stores for each test (closed after it).
 */
export function describeStoreContract(name: string, open: () => Stores | Promise<Stores>): void {
  describe(`${name}: store contract`, () => {
    let stores: Stores;
    beforeEach(async () => {
      stores = await open();
    });
    afterEach(async () => {
      await stores.close();
    });

    describe('channel settings', () => {
      it('has nothing for an unknown channel', async () => {
        expect(await stores.channels.get('slack:C1')).toBeUndefined();
        expect(await stores.channels.listDaily()).toEqual([]);
        expect(await stores.channels.listDisabled()).toEqual([]);
      });

      it('turns the daily post on, changes it and turns it off, recording who and when', async () => {
        const on = await stores.channels.setDaily('slack:C1', daily, 'slack:U1', at(0));
        expect(on).toStrictEqual({ channel: 'slack:C1', daily, updatedAt: iso(0), updatedBy: 'slack:U1' });
        expect(await stores.channels.get('slack:C1')).toStrictEqual(on);

        const changed = { ...daily, weekdaysOnly: false, top: 3, topic: 'diffusion' };
        await stores.channels.setDaily('slack:C1', changed, 'slack:U2', at(1));
        expect(await stores.channels.get('slack:C1')).toStrictEqual({
          channel: 'slack:C1',
          daily: changed,
          updatedAt: iso(1),
          updatedBy: 'slack:U2',
        });

        const off = await stores.channels.setDaily('slack:C1', undefined, 'slack:U3', at(2));
        expect(off).toStrictEqual({ channel: 'slack:C1', updatedAt: iso(2), updatedBy: 'slack:U3' });
        expect(await stores.channels.listDaily()).toEqual([]);
      });

      it('lists channels whose daily post is on and which are not disabled, by channel', async () => {
        await stores.channels.setDaily('slack:C2', daily, 'slack:U1', at());
        await stores.channels.setDaily('discord:9', daily, 'discord:1', at());
        await stores.channels.setDaily('slack:C3', undefined, 'slack:U1', at());
        await stores.channels.setDaily('slack:C4', daily, 'slack:U1', at());
        await stores.channels.disable('slack:C4', 'channel_not_found', at(5));
        expect((await stores.channels.listDaily()).map((s) => s.channel)).toEqual(['discord:9', 'slack:C2']);
      });

      it('disables and re-enables a channel, keeping its settings and the last change by a person', async () => {
        await stores.channels.setDaily('slack:C1', daily, 'slack:U1', at(0));
        await stores.channels.disable('slack:C1', 'not_in_channel', at(5));
        expect(await stores.channels.get('slack:C1')).toStrictEqual({
          channel: 'slack:C1',
          daily,
          disabled: { at: iso(5), reason: 'not_in_channel' },
          updatedAt: iso(0),
          updatedBy: 'slack:U1',
        });
        expect((await stores.channels.listDisabled()).map((s) => s.channel)).toEqual(['slack:C1']);

        await stores.channels.enable('slack:C1');
        expect((await stores.channels.get('slack:C1'))?.disabled).toBeUndefined();
        expect(await stores.channels.listDisabled()).toEqual([]);
        expect((await stores.channels.listDaily()).map((s) => s.channel)).toEqual(['slack:C1']);
      });

      it('disables a channel it had no settings for, and enabling an unknown channel does nothing', async () => {
        await stores.channels.disable('slack:C9', 'channel_not_found', at(7));
        const settings = await stores.channels.get('slack:C9');
        expect(settings?.disabled).toEqual({ at: iso(7), reason: 'channel_not_found' });
        expect(settings?.daily).toBeUndefined();
        expect(settings?.updatedAt).toBe(iso(7));
        await stores.channels.enable('slack:C404');
        expect(await stores.channels.get('slack:C404')).toBeUndefined();
      });

      it('hands out copies: changing a result changes nothing stored', async () => {
        const settings = await stores.channels.setDaily('slack:C1', daily, 'slack:U1', at());
        settings.daily!.top = 99;
        (await stores.channels.get('slack:C1'))!.daily!.top = 98;
        expect((await stores.channels.get('slack:C1'))?.daily?.top).toBe(5);
      });
    });

    describe('subscriptions', () => {
      it('adds one per channel and topic; the same topic again (any case, spaces) returns the existing one', async () => {
        const first = await stores.subscriptions.add(sub('slack:C1', 'Diffusion Models'));
        expect(first.created).toBe(true);
        expect(first.subscription).toStrictEqual({ id: first.subscription.id, ...sub('slack:C1', 'Diffusion Models') });

        const again = await stores.subscriptions.add(sub('slack:C1', '  diffusion models ', { createdBy: 'slack:U2' }));
        expect(again).toStrictEqual({ subscription: first.subscription, created: false });

        const elsewhere = await stores.subscriptions.add(sub('slack:C2', 'diffusion models'));
        expect(elsewhere.created).toBe(true);
        expect(elsewhere.subscription.id).not.toBe(first.subscription.id);
      });

      it('keeps the minimum upvotes and the mention, and omits them when absent', async () => {
        const { subscription } = await stores.subscriptions.add(
          sub('slack:C1', 'rlhf', { minUpvotes: 20, mention: { kind: 'role', id: 'S123' } }),
        );
        expect(await stores.subscriptions.list('slack:C1')).toStrictEqual([
          { id: subscription.id, ...sub('slack:C1', 'rlhf'), minUpvotes: 20, mention: { kind: 'role', id: 'S123' } },
        ]);
        const plain = (await stores.subscriptions.add(sub('slack:C1', 'moe'))).subscription;
        expect(Object.keys(plain).sort()).toEqual(['channel', 'createdAt', 'createdBy', 'id', 'topic']);
      });

      it('rejects a blank topic', async () => {
        await expect(stores.subscriptions.add(sub('slack:C1', '   '))).rejects.toThrow(/topic/);
      });

      it('removes by id or by topic (case-insensitive), only in the given channel', async () => {
        const a = (await stores.subscriptions.add(sub('slack:C1', 'Agents'))).subscription;
        const b = (await stores.subscriptions.add(sub('slack:C1', 'vision'))).subscription;
        expect(await stores.subscriptions.remove('slack:C2', a.id)).toBeUndefined();
        expect(await stores.subscriptions.remove('slack:C1', a.id)).toStrictEqual(a);
        expect(await stores.subscriptions.remove('slack:C1', a.id)).toBeUndefined();
        expect(await stores.subscriptions.remove('slack:C1', ' VISION ')).toStrictEqual(b);
        expect(await stores.subscriptions.list('slack:C1')).toEqual([]);
      });

      it('lists a channel in creation order, and all of them; ids are never reused', async () => {
        const a = (await stores.subscriptions.add(sub('slack:C1', 'a'))).subscription;
        const b = (await stores.subscriptions.add(sub('slack:C2', 'b'))).subscription;
        const c = (await stores.subscriptions.add(sub('slack:C1', 'c'))).subscription;
        expect(await stores.subscriptions.list('slack:C1')).toStrictEqual([a, c]);
        expect(await stores.subscriptions.all()).toStrictEqual([a, b, c]);
        await stores.subscriptions.remove('slack:C1', c.id);
        const d = (await stores.subscriptions.add(sub('slack:C1', 'd'))).subscription;
        expect(d.id).toBeGreaterThan(c.id);
      });
    });

    describe('deliveries', () => {
      it('claims a key once; a second claim is refused and changes nothing', async () => {
        expect(await stores.deliveries.claim(delivery('daily:slack:C1:2025-01-24', ['p1', 'p2']), at(0))).toBe(true);
        expect(await stores.deliveries.get('daily:slack:C1:2025-01-24')).toStrictEqual({
          ...delivery('daily:slack:C1:2025-01-24', ['p1', 'p2']),
          status: 'claimed',
          attempts: 0,
          createdAt: iso(0),
          updatedAt: iso(0),
        });
        const other = { ...delivery('daily:slack:C1:2025-01-24', ['p9']), message: 'other' };
        expect(await stores.deliveries.claim(other, at(1))).toBe(false);
        const kept = await stores.deliveries.get('daily:slack:C1:2025-01-24');
        expect(kept?.paperIds).toEqual(['p1', 'p2']);
        expect(kept?.createdAt).toBe(iso(0));
        expect(await stores.deliveries.alreadyShown('slack:C1', ['p9'])).toEqual(new Set());
        expect(await stores.deliveries.get('nope')).toBeUndefined();
      });

      it('records the papers a claim shows, per channel, and tells which were shown already', async () => {
        await stores.deliveries.claim(delivery('k1', ['p1', 'p2']), at(0));
        await stores.deliveries.claim(delivery('k2', ['p2', 'p3']), at(1));
        await stores.deliveries.claim(delivery('k3', ['p4'], 'slack:C2'), at(2));
        expect(await stores.deliveries.alreadyShown('slack:C1', ['p1', 'p3', 'p4', 'p5'])).toEqual(new Set(['p1', 'p3']));
        expect(await stores.deliveries.alreadyShown('slack:C2', ['p1', 'p4'])).toEqual(new Set(['p4']));
        expect(await stores.deliveries.alreadyShown('slack:C1', [])).toEqual(new Set());
      });

      it('moves through statuses, counting attempts and keeping the last error', async () => {
        await stores.deliveries.claim(delivery('k1', ['p1']), at(0));
        await stores.deliveries.setStatus('k1', 'sending', at(1));
        await stores.deliveries.setStatus('k1', 'retrying', at(2), 'HTTP 503');
        await stores.deliveries.setStatus('k1', 'sending', at(3));
        await stores.deliveries.setStatus('k1', 'sent', at(4));
        const sent = await stores.deliveries.get('k1');
        expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: 'HTTP 503', createdAt: iso(0), updatedAt: iso(4) });
      });

      it('refuses a status for a key never claimed', async () => {
        await expect(stores.deliveries.setStatus('missing', 'sent', at())).rejects.toThrow(/missing/);
        await expect(stores.deliveries.markSent('missing', '1.2', at())).rejects.toThrow(/missing/);
      });

      it('keeps a reply’s thread, and the id of the message a sent delivery made', async () => {
        const reply = { ...delivery('reply:slack:C1:9.9', []), kind: 'reply' as const, thread: 'slack:C1:1700000000.000100' };
        expect(await stores.deliveries.claim(reply, at(0))).toBe(true);
        expect(await stores.deliveries.get(reply.key)).toStrictEqual({ ...reply, status: 'claimed', attempts: 0, createdAt: iso(0), updatedAt: iso(0) });
        await stores.deliveries.setStatus(reply.key, 'sending', at(1));
        await stores.deliveries.markSent(reply.key, '1700000001.000100', at(2));
        expect(await stores.deliveries.get(reply.key)).toStrictEqual({
          ...reply, status: 'sent', attempts: 1, postedId: '1700000001.000100', createdAt: iso(0), updatedAt: iso(2),
        });
        const card = { ...delivery('discussion:slack:C1:p1:card', []), kind: 'discussion' as const };
        expect(await stores.deliveries.claim(card, at(3))).toBe(true);
        expect(await stores.deliveries.get(card.key)).not.toHaveProperty('thread');
        expect(await stores.deliveries.get(card.key)).not.toHaveProperty('postedId');
      });

      it('lets only the owner start an attempt, and one replica at a time take an unfinished delivery over', async () => {
        await stores.deliveries.claim({ ...delivery('k1', ['p1']), owner: 'replica-a' }, at(0));
        expect((await stores.deliveries.get('k1'))?.owner).toBe('replica-a');
        expect(await stores.deliveries.startAttempt('k1', 'replica-b', at(1))).toBe(false);
        expect(await stores.deliveries.startAttempt('k1', 'replica-a', at(1))).toBe(true);
        expect(await stores.deliveries.get('k1')).toMatchObject({ status: 'sending', attempts: 1 });
        // Two replicas race to take the orphan over from a: one gets it, with the status that says it may exist.
        const [b, c] = await Promise.all([
          stores.deliveries.takeOver('k1', 'replica-a', 'replica-b', at(2)),
          stores.deliveries.takeOver('k1', 'replica-a', 'replica-c', at(2)),
        ]);
        expect([b, c].filter(Boolean)).toHaveLength(1);
        const taker = b ? 'replica-b' : 'replica-c';
        expect(b ?? c).toMatchObject({ key: 'k1', owner: taker, status: 'sending', attempts: 1 });
        // The old owner, still running after all, can no longer send it.
        expect(await stores.deliveries.startAttempt('k1', 'replica-a', at(3))).toBe(false);
        await stores.deliveries.markSent('k1', '1.1', at(4));
        expect(await stores.deliveries.takeOver('k1', taker, 'replica-a', at(5))).toBeUndefined();
        // A delivery claimed without an owner (before replicas were recorded) is anyone's.
        await stores.deliveries.claim(delivery('k2', []), at(6));
        expect(await stores.deliveries.startAttempt('k2', 'replica-a', at(7))).toBe(true);
        expect(await stores.deliveries.takeOver('k2', 'replica-a', 'replica-b', at(8))).toBeUndefined();
        expect(await stores.deliveries.takeOver('k2', undefined, 'replica-b', at(8))).toMatchObject({ owner: 'replica-b' });
        expect(await stores.deliveries.startAttempt('missing', 'replica-a', at(9))).toBe(false);
      });

      it('lists unfinished deliveries (claimed, sending, retrying), oldest first', async () => {
        const statuses = ['claimed', 'sending', 'retrying', 'sent', 'unknown', 'skipped'] as const;
        for (const [i, status] of [...statuses].reverse().entries()) {
          await stores.deliveries.claim(delivery(status, [`p${i}`]), at(i));
          if (status !== 'claimed') await stores.deliveries.setStatus(status, status, at(10));
        }
        expect((await stores.deliveries.unfinished()).map((d) => d.key)).toEqual(['retrying', 'sending', 'claimed']);
      });

      it('lists a channel’s newest deliveries first, up to the limit', async () => {
        await stores.deliveries.claim(delivery('old', []), at(0));
        await stores.deliveries.claim(delivery('new', []), at(5));
        await stores.deliveries.claim(delivery('mid-1', []), at(3));
        await stores.deliveries.claim(delivery('mid-2', []), at(3));
        await stores.deliveries.claim(delivery('elsewhere', [], 'slack:C2'), at(9));
        expect((await stores.deliveries.recent('slack:C1', 10)).map((d) => d.key)).toEqual(['new', 'mid-2', 'mid-1', 'old']);
        expect((await stores.deliveries.recent('slack:C1', 2)).map((d) => d.key)).toEqual(['new', 'mid-2']);
        expect(await stores.deliveries.recent('slack:C1', 0)).toEqual([]);
      });
    });

    describe('inbound events', () => {
      it('tells the first sighting of a key from a repeat within its window', async () => {
        expect(await stores.inbound.firstSeen('slack:event:Ev1', at(0), at(60))).toBe(true);
        expect(await stores.inbound.firstSeen('slack:event:Ev1', at(1), at(61))).toBe(false);
        expect(await stores.inbound.firstSeen('slack:event:Ev1', at(59), at(119))).toBe(false);
        expect(await stores.inbound.firstSeen('slack:event:Ev2', at(1), at(61))).toBe(true);
      });

      it('takes a key again once its record expired, keeping the new window', async () => {
        expect(await stores.inbound.firstSeen('k', at(0), at(5))).toBe(true);
        expect(await stores.inbound.firstSeen('k', at(5), at(10))).toBe(true);
        expect(await stores.inbound.firstSeen('k', at(9), at(14))).toBe(false);
        expect(await stores.inbound.firstSeen('k', at(10), at(15))).toBe(true);
      });

      it('prunes records expired at an instant, and only those', async () => {
        await stores.inbound.firstSeen('old', at(0), at(5));
        await stores.inbound.firstSeen('edge', at(0), at(10));
        await stores.inbound.firstSeen('new', at(0), at(20));
        expect(await stores.inbound.prune(at(10))).toBe(2);
        expect(await stores.inbound.prune(at(10))).toBe(0);
        expect(await stores.inbound.firstSeen('new', at(11), at(30))).toBe(false);
        expect(await stores.inbound.firstSeen('old', at(11), at(30))).toBe(true);
      });

      it('lets exactly one of many concurrent callers handle a key', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => stores.inbound.firstSeen('race', at(0), at(60))));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('saved papers', () => {
      it('saves a paper once per channel, lists oldest first and removes', async () => {
        const entry = (channel: string, paperId: string, minutes: number) => ({
          channel,
          paperId,
          savedBy: 'slack:U1',
          savedAt: iso(minutes),
        });
        expect(await stores.saved.save(entry('slack:C1', 'p2', 5))).toBe(true);
        expect(await stores.saved.save(entry('slack:C1', 'p1', 1))).toBe(true);
        expect(await stores.saved.save(entry('slack:C1', 'p1', 9))).toBe(false);
        expect(await stores.saved.save(entry('slack:C2', 'p1', 2))).toBe(true);
        expect(await stores.saved.list('slack:C1')).toStrictEqual([entry('slack:C1', 'p1', 1), entry('slack:C1', 'p2', 5)]);
        expect(await stores.saved.remove('slack:C1', 'p1')).toBe(true);
        expect(await stores.saved.remove('slack:C1', 'p1')).toBe(false);
        expect((await stores.saved.list('slack:C1')).map((s) => s.paperId)).toEqual(['p2']);
        expect((await stores.saved.list('slack:C2')).map((s) => s.paperId)).toEqual(['p1']);
      });
    });

    describe('source state', () => {
      it('puts, replaces and lists source health by name', async () => {
        expect(await stores.sources.get('hf-daily')).toBeUndefined();
        const failing = {
          source: 'hf-daily',
          lastAttemptAt: iso(1),
          lastSuccessAt: iso(0),
          lastError: 'HTTP 502',
          consecutiveFailures: 2,
          retryAfter: iso(10),
          lastChanged: 12,
        };
        await stores.sources.put(failing);
        expect(await stores.sources.get('hf-daily')).toStrictEqual(failing);
        const recovered = { source: 'hf-daily', lastAttemptAt: iso(11), lastSuccessAt: iso(11), consecutiveFailures: 0, lastChanged: 0 };
        await stores.sources.put(recovered);
        expect(await stores.sources.get('hf-daily')).toStrictEqual(recovered);
        await stores.sources.put({ source: 'arxiv-rss', consecutiveFailures: 0 });
        expect((await stores.sources.all()).map((s) => s.source)).toEqual(['arxiv-rss', 'hf-daily']);
      });
    });

    describe('signal snapshots', () => {
      it('appends, lists from an instant oldest first, ignores a repeat of the same instant and prunes', async () => {
        await stores.snapshots.append([
          { paperId: 'p2', observedAt: iso(2), upvotes: 5 },
          { paperId: 'p1', observedAt: iso(0), upvotes: 1, comments: 0, githubStars: 10 },
          { paperId: 'p1', observedAt: iso(2), upvotes: 3 },
        ]);
        await stores.snapshots.append([{ paperId: 'p1', observedAt: iso(2), upvotes: 99 }]);
        await stores.snapshots.append([]);
        expect(await stores.snapshots.since(at(0))).toStrictEqual([
          { paperId: 'p1', observedAt: iso(0), upvotes: 1, comments: 0, githubStars: 10 },
          { paperId: 'p1', observedAt: iso(2), upvotes: 3 },
          { paperId: 'p2', observedAt: iso(2), upvotes: 5 },
        ]);
        expect((await stores.snapshots.since(at(1))).length).toBe(2);
        expect(await stores.snapshots.prune(at(1))).toBe(1);
        expect(await stores.snapshots.prune(at(1))).toBe(0);
        expect((await stores.snapshots.since(at(-60))).length).toBe(2);
      });

      it('stores instants in canonical form so they order by time, and rejects non-dates', async () => {
        await stores.snapshots.append([{ paperId: 'p1', observedAt: '2025-01-24T13:00:00+01:00', upvotes: 1 }]);
        expect(await stores.snapshots.since(at(0))).toStrictEqual([{ paperId: 'p1', observedAt: iso(0), upvotes: 1 }]);
        await expect(stores.snapshots.append([{ paperId: 'p1', observedAt: 'yesterday' }])).rejects.toThrow(/yesterday/);
      });
    });

    describe('papers', () => {
      const day1 = new Date('2025-01-24T08:00:00Z');
      const day2 = new Date('2025-01-25T08:00:00Z');

      it('keeps one paper per arXiv id across Hugging Face and arXiv, with arXiv categories and HF signals', async () => {
        await stores.papers.upsert(hfDailyPapers(day1));
        const report = await stores.papers.upsert(arxivPapers(day1));
        // Titans (2501.00663) is only in the arXiv fixture; the other four arXiv entries are new too.
        expect(report.added.map((p) => p.id)).toContain('2501.00663');
        const rss = createPaper({
          arxivId: 'oai:arXiv.org:2501.12948v2',
          title: 'DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning',
          abstract: 'We introduce our first-generation reasoning models.',
          categories: ['cs.CL', 'cs.AI'],
          source: 'arxiv-rss',
        });
        const second = await stores.papers.upsert([rss]);
        expect(second.added).toHaveLength(0);
        expect(second.updated).toHaveLength(1);
        const merged = (await stores.papers.get('2501.12948'))!;
        expect(merged.sources).toEqual(['hf-daily', 'arxiv-rss']);
        expect(merged.version).toBe(2);
        expect(merged.categories).toEqual(['cs.CL', 'cs.AI']);
        expect(merged.signals?.upvotes).toBe(372);
        expect(merged.signals?.githubStars).toBe(91240);
        expect(await stores.papers.count()).toBe(13);
      });

      it('gives back every field of a paper as it was written', async () => {
        const [paper] = hfDailyPapers(day1);
        await stores.papers.upsert([paper!]);
        expect(await stores.papers.get(paper!.id)).toStrictEqual(paper);
        expect(await stores.papers.getMany(['nope', paper!.id])).toStrictEqual([paper]);
      });

      it('lets the newest signals win, whatever order they arrive in, and keeps every observation as a snapshot', async () => {
        const observed = (observedAt: string, upvotes: number) =>
          createPaper({ arxivId: '2501.12948', title: 'DeepSeek-R1', abstract: 'x', source: 'hf-daily', signals: { upvotes, comments: 1, observedAt } });
        await stores.papers.upsert([observed('2025-01-24T10:00:00Z', 100)]);
        await stores.papers.upsert([observed('2025-01-25T10:00:00Z', 250)]);
        await stores.papers.upsert([observed('2025-01-24T22:00:00Z', 180)]); // late, older observation
        expect((await stores.papers.get('2501.12948'))!.signals?.upvotes).toBe(250);
        const history = new SignalHistory(await stores.snapshots.since(new Date('2025-01-01T00:00:00Z')));
        expect(history.upvotesGained('2501.12948', new Date('2025-01-25T10:00:00Z'), 24 * 3_600_000)).toEqual({ gained: 150, hours: 24 });
        expect(history.upvotesGained('2501.12948', new Date('2025-01-25T10:00:00Z'), 12 * 3_600_000)).toEqual({ gained: 70, hours: 12 });
      });

      it('does not count a refresh with the same signals as a change, but does count new upvotes (not as new text)', async () => {
        await stores.papers.upsert(hfDailyPapers(day1));
        const seq = await stores.papers.lastSeq();
        expect(await stores.papers.upsert(hfDailyPapers(day1))).toMatchObject({ added: [], updated: [], unchanged: 8 });
        // The same numbers observed a day later: a snapshot for velocity, not a change of the paper.
        expect(await stores.papers.upsert(hfDailyPapers(day2))).toMatchObject({ added: [], updated: [], unchanged: 8 });
        expect(await stores.papers.lastSeq()).toBe(seq);
        expect((await stores.snapshots.since(day1)).filter((s) => s.paperId === '2501.14249')).toHaveLength(2);
        const later = await stores.papers.upsert(hfDailyPapers(day2).map((p) => ({ ...p, signals: { ...p.signals!, upvotes: p.signals!.upvotes! + 1 } })));
        expect(later.updated).toHaveLength(8);
        expect(later.updated.every((change) => !change.textChanged)).toBe(true);
        const changes = await stores.papers.changesSince(seq, 100);
        expect(changes).toHaveLength(8);
        for (const change of changes) {
          expect('paper' in change && change.textSeq <= seq && change.createdSeq <= seq).toBe(true);
        }
      });

      it('matches a bundled title-only paper to its arXiv id, leaving a tombstone in the change feed', async () => {
        await stores.papers.upsert(loadBundledPapers(silentLogger));
        const before = await stores.papers.lastSeq();
        const bundledId = titleId('The Monge Gap: A Regularizer to Learn All Transport Maps');
        const fromArxiv = createPaper({
          arxivId: '2302.04953v2',
          title: 'The Monge Gap: A Regularizer to Learn All Transport Maps',
          abstract: 'Optimal transport (OT) theory has been been used in machine learning.',
          authors: ['Théo Uscidda', 'Marco Cuturi'],
          source: 'arxiv-api',
        });
        const report = await stores.papers.upsert([fromArxiv]);
        expect(report.updated).toHaveLength(1);
        expect(report.updated[0]).toMatchObject({ previousId: bundledId, textChanged: true });
        expect(await stores.papers.get(bundledId)).toBeUndefined();
        const paper = (await stores.papers.get('2302.04953'))!;
        expect(paper.bundledRank).toBe(3);
        expect(paper.authors).toEqual(['Théo Uscidda', 'Marco Cuturi']);
        expect(paper.links.abs).toBe('https://arxiv.org/abs/2302.04953');
        expect(await stores.papers.count()).toBe(74);
        const changes = await stores.papers.changesSince(before, 10);
        expect(changes.map((c) => ('replacedBy' in c ? `${c.id}→${c.replacedBy}` : c.id))).toEqual([`${bundledId}→2302.04953`, '2302.04953']);
        // Not a new paper: subscriptions are not told about it again.
        expect(await stores.papers.addedBetween(before, await stores.papers.lastSeq())).toEqual([]);
        // The bundled paper written again (every start does) merges into the arXiv one and changes nothing.
        expect(await stores.papers.upsert(loadBundledPapers(silentLogger))).toMatchObject({ added: [], updated: [], unchanged: 74 });
      });

      it('stores a paper whose text held control characters (a NUL byte in a title) without them', async () => {
        const paper = createPaper({ arxivId: '2601.00007', title: 'Null\u0000 bytes\u0007 here', abstract: 'An\u0000 abstract\nwith a line.', authors: ['A\u0001da'], source: 'import' });
        await stores.papers.upsert([paper]);
        expect(await stores.papers.get('2601.00007')).toMatchObject({ title: 'Null bytes here', abstract: 'An abstract with a line.', authors: ['Ada'] });
      });

      it('keeps two different arXiv papers that happen to share a title apart', async () => {
        const make = (arxivId: string) => createPaper({ arxivId, title: 'Attention Is All You Need', abstract: 'a', source: 'arxiv-api' });
        await stores.papers.upsert([make('1706.03762'), make('2401.00001')]);
        expect(await stores.papers.count()).toBe(2);
      });

      it('numbers changes in order, lists what entered the corpus in a range, and pages through every paper by id', async () => {
        expect(await stores.papers.lastSeq()).toBe(0);
        const make = (arxivId: string, title: string) => createPaper({ arxivId, title, abstract: 'a', source: 'import' });
        await stores.papers.upsert([make('2401.00003', 'C'), make('2401.00001', 'A')]);
        const mid = await stores.papers.lastSeq();
        await stores.papers.upsert([make('2401.00002', 'B'), { ...make('2401.00003', 'C'), abstract: 'changed', abstractDisplay: 'changed' }]);
        const changes = await stores.papers.changesSince(0, 100);
        expect(changes.map((c) => c.id)).toEqual(['2401.00001', '2401.00002', '2401.00003']);
        expect(changes.map((c) => c.seq)).toEqual([...changes.map((c) => c.seq)].sort((a, b) => a - b));
        expect(new Set(changes.map((c) => c.seq)).size).toBe(3);
        expect((await stores.papers.changesSince(mid, 100)).map((c) => c.id)).toEqual(['2401.00002', '2401.00003']);
        expect(await stores.papers.changesSince(0, 1)).toHaveLength(1);
        expect(await stores.papers.addedBetween(mid, await stores.papers.lastSeq())).toEqual(['2401.00002']);
        expect(await stores.papers.addedBetween(0, mid)).toEqual(['2401.00003', '2401.00001']);
        expect((await stores.papers.list(undefined, 2)).map((p) => p.id)).toEqual(['2401.00001', '2401.00002']);
        expect((await stores.papers.list('2401.00002', 2)).map((p) => p.id)).toEqual(['2401.00003']);
      });

      it('moves a cursor only from where it is, so two processes cannot both claim a range', async () => {
        expect(await stores.papers.cursor('subscriptions')).toBeUndefined();
        expect(await stores.papers.moveCursor('subscriptions', undefined, 5)).toBe(true);
        expect(await stores.papers.moveCursor('subscriptions', undefined, 7)).toBe(false);
        expect(await stores.papers.moveCursor('subscriptions', 5, 9)).toBe(true);
        expect(await stores.papers.moveCursor('subscriptions', 5, 12)).toBe(false);
        expect(await stores.papers.cursor('subscriptions')).toBe(9);
      });

      it('has a library id of its own', async () => {
        const id = await stores.papers.libraryId();
        expect(id).toMatch(/^[0-9a-f]{16,}$/);
        expect(await stores.papers.libraryId()).toBe(id);
      });
    });

    describe('discussions', () => {
      it('moves a discussion to its real thread, and forgets one that could not be opened', async () => {
        await stores.discussions.open(discussion('p7', 'pending:x'));
        await stores.discussions.setThread('slack:C1', 'p7', 'slack:C1/7.7');
        expect(await stores.discussions.byThread('slack:C1/7.7')).toMatchObject({ paperId: 'p7' });
        expect(await stores.discussions.byThread('pending:x')).toBeUndefined();
        await stores.discussions.remove('slack:C1', 'p7');
        expect(await stores.discussions.get('slack:C1', 'p7')).toBeUndefined();
        expect((await stores.discussions.open(discussion('p7', 'slack:C1/8.8'))).created).toBe(true);
      });

      it('opens one discussion per channel and paper; opening again returns the existing one', async () => {
        const first = await stores.discussions.open(discussion('p1', 'slack:C1/1.1'));
        expect(first).toStrictEqual({ discussion: discussion('p1', 'slack:C1/1.1'), created: true });
        const again = await stores.discussions.open(discussion('p1', 'slack:C1/2.2', 5));
        expect(again).toStrictEqual({ discussion: discussion('p1', 'slack:C1/1.1'), created: false });
        expect(await stores.discussions.get('slack:C1', 'p1')).toStrictEqual(discussion('p1', 'slack:C1/1.1'));
        expect(await stores.discussions.byThread('slack:C1/1.1')).toStrictEqual(discussion('p1', 'slack:C1/1.1'));
        expect(await stores.discussions.byThread('slack:C1/2.2')).toBeUndefined();
        expect(await stores.discussions.get('slack:C2', 'p1')).toBeUndefined();
      });

      it('refuses a thread that already holds another discussion', async () => {
        await stores.discussions.open(discussion('p1', 'slack:C1/1.1'));
        await expect(stores.discussions.open(discussion('p2', 'slack:C1/1.1'))).rejects.toThrow();
        expect(await stores.discussions.get('slack:C1', 'p2')).toBeUndefined();
      });

      it('counts replies, moves the last activity forward only, and ignores unknown threads', async () => {
        await stores.discussions.open(discussion('p1', 't1', 0));
        await stores.discussions.recordReply('t1', at(10));
        await stores.discussions.recordReply('t1', at(5));
        await stores.discussions.recordReply('unknown', at(10));
        expect(await stores.discussions.byThread('t1')).toMatchObject({ replyCount: 2, lastActivityAt: iso(10), createdAt: iso(0) });
      });

      it('lists a channel’s discussions, newest activity first', async () => {
        await stores.discussions.open(discussion('p1', 't1', 0));
        await stores.discussions.open(discussion('p2', 't2', 1));
        await stores.discussions.open(discussion('p3', 't3', 2));
        await stores.discussions.open(discussion('p4', 't4', 3, 'slack:C2'));
        await stores.discussions.recordReply('t1', at(9));
        expect((await stores.discussions.list('slack:C1')).map((d) => d.paperId)).toEqual(['p1', 'p3', 'p2']);
      });
    });

    describe('full texts', () => {
      const text: PaperText = {
        title: 'A paper',
        abstract: 'We study things.',
        sections: [
          { id: 'S1', number: '1', title: 'Introduction', level: 1 },
          { id: 'S1.SS1', number: '1.1', title: 'Setup', level: 2, parent: 'S1' },
        ],
        passages: [
          { id: 'S1.p1', kind: 'paragraph', section: 'S1', text: 'We train on “ImageNet” with 8 GPUs — and α=0.1.' },
          { id: 'S1.F1', kind: 'caption', section: 'S1.SS1', text: 'Figure 1: A plot.' },
          { id: 'footnote1', kind: 'footnote', text: 'Code at https://example.org.' },
        ],
        truncated: false,
      };
      const found: FullTextRecord = { paperId: '2501.00001', url: 'https://arxiv.org/html/2501.00001', fetchedAt: iso(0), status: 'found', text };

      it('has nothing for a paper never fetched', async () => {
        expect(await stores.fullTexts.get('2501.00001')).toBeUndefined();
      });

      it('keeps a parsed text exactly, and a missing page without text', async () => {
        await stores.fullTexts.put(found);
        const missing: FullTextRecord = { paperId: '2501.00002', url: 'https://arxiv.org/html/2501.00002', fetchedAt: iso(1), status: 'missing' };
        await stores.fullTexts.put(missing);
        expect(await stores.fullTexts.get('2501.00001')).toStrictEqual(found);
        expect(await stores.fullTexts.get('2501.00002')).toStrictEqual(missing);
      });

      it('replaces a paper’s record with a newer fetch', async () => {
        await stores.fullTexts.put({ paperId: found.paperId, url: found.url, fetchedAt: iso(0), status: 'unusable' });
        await stores.fullTexts.put({ ...found, fetchedAt: iso(5) });
        expect(await stores.fullTexts.get('2501.00001')).toStrictEqual({ ...found, fetchedAt: iso(5) });
      });

      it('keeps a text holding a NUL character (which PostgreSQL text and jsonb cannot hold raw)', async () => {
        const odd = { ...found, text: { ...text, passages: [{ id: 'S1.p1', kind: 'paragraph' as const, section: 'S1', text: 'a\u0000b' }] } };
        await stores.fullTexts.put(odd);
        expect(await stores.fullTexts.get(found.paperId)).toStrictEqual(odd);
      });

      it('hands out copies', async () => {
        await stores.fullTexts.put(found);
        (await stores.fullTexts.get('2501.00001'))!.text!.passages[0]!.text = 'changed';
        expect((await stores.fullTexts.get('2501.00001'))!.text!.passages[0]!.text).toBe(text.passages[0]!.text);
      });
    });

    describe('language-model usage', () => {
      it('adds tokens per channel and day, and reports 0 for a day with none', async () => {
        expect(await stores.modelUsage.used('slack:C1', '2025-01-24')).toBe(0);
        expect(await stores.modelUsage.add('slack:C1', '2025-01-24', 120)).toBe(120);
        expect(await stores.modelUsage.add('slack:C1', '2025-01-24', 30)).toBe(150);
        await stores.modelUsage.add('slack:C1', '2025-01-25', 7);
        await stores.modelUsage.add('slack:C2', '2025-01-24', 9);
        expect(await stores.modelUsage.used('slack:C1', '2025-01-24')).toBe(150);
        expect(await stores.modelUsage.used('slack:C1', '2025-01-25')).toBe(7);
        expect(await stores.modelUsage.used('slack:C2', '2025-01-24')).toBe(9);
      });

      it('refuses a negative or fractional token count', async () => {
        await expect(stores.modelUsage.add('slack:C1', '2025-01-24', -1)).rejects.toThrow();
        await expect(stores.modelUsage.add('slack:C1', '2025-01-24', 1.5)).rejects.toThrow();
        expect(await stores.modelUsage.used('slack:C1', '2025-01-24')).toBe(0);
      });
    });
    describe('leases', () => {
      const ttl = 30_000;

      it('gives a free lease to the first who asks and refuses it to others while it runs', async () => {
        const lease = await stores.leases.acquire('refresh:hf-daily', 'replica-a', ttl, atSeconds(0));
        expect(lease).toStrictEqual({
          name: 'refresh:hf-daily',
          holder: 'replica-a',
          token: 1,
          acquiredAt: atSeconds(0).toISOString(),
          expiresAt: atSeconds(30).toISOString(),
        });
        expect(await stores.leases.acquire('refresh:hf-daily', 'replica-b', ttl, atSeconds(29.999))).toBeUndefined();
        expect(await stores.leases.holder('refresh:hf-daily')).toStrictEqual(lease);
        expect(await stores.leases.acquire('refresh:arxiv-rss', 'replica-b', ttl, atSeconds(1))).toMatchObject({ holder: 'replica-b', token: 1 });
        expect((await stores.leases.all()).map((l) => [l.name, l.holder])).toEqual([
          ['refresh:arxiv-rss', 'replica-b'],
          ['refresh:hf-daily', 'replica-a'],
        ]);
        expect(await stores.leases.holder('nothing')).toBeUndefined();
      });

      it('extends a lease its holder renews or takes again, keeping its token', async () => {
        await stores.leases.acquire('sweep', 'replica-a', ttl, atSeconds(0));
        expect(await stores.leases.renew('sweep', 'replica-a', ttl, atSeconds(20))).toMatchObject({
          holder: 'replica-a',
          token: 1,
          acquiredAt: atSeconds(0).toISOString(),
          expiresAt: atSeconds(50).toISOString(),
        });
        expect(await stores.leases.acquire('sweep', 'replica-b', ttl, atSeconds(45))).toBeUndefined();
        expect(await stores.leases.acquire('sweep', 'replica-a', ttl, atSeconds(45))).toMatchObject({
          token: 1,
          acquiredAt: atSeconds(0).toISOString(),
          expiresAt: atSeconds(75).toISOString(),
        });
        expect(await stores.leases.renew('sweep', 'replica-b', ttl, atSeconds(46))).toBeUndefined();
        expect(await stores.leases.renew('never-taken', 'replica-a', ttl, atSeconds(46))).toBeUndefined();
      });

      it('passes the lease of a holder that stopped renewing to another after the TTL, with a new token', async () => {
        await stores.leases.acquire('sweep', 'replica-a', ttl, atSeconds(0));
        const taken = await stores.leases.acquire('sweep', 'replica-b', ttl, atSeconds(30));
        expect(taken).toStrictEqual({
          name: 'sweep',
          holder: 'replica-b',
          token: 2,
          acquiredAt: atSeconds(30).toISOString(),
          expiresAt: atSeconds(60).toISOString(),
        });
        // The old holder wakes up: it can neither renew nor release what it lost.
        expect(await stores.leases.renew('sweep', 'replica-a', ttl, atSeconds(31))).toBeUndefined();
        expect(await stores.leases.release('sweep', 'replica-a')).toBe(false);
        expect(await stores.leases.holder('sweep')).toStrictEqual(taken);
        // A holder whose lease lapsed cannot renew it even when nobody took it, but may take it again.
        expect(await stores.leases.renew('sweep', 'replica-b', ttl, atSeconds(60))).toBeUndefined();
        expect(await stores.leases.acquire('sweep', 'replica-b', ttl, atSeconds(61))).toMatchObject({ holder: 'replica-b', token: 2 });
      });

      it('frees a released lease at once; the next holder gets a higher token', async () => {
        await stores.leases.acquire('sweep', 'replica-a', ttl, atSeconds(0));
        expect(await stores.leases.release('sweep', 'replica-a')).toBe(true);
        expect(await stores.leases.release('sweep', 'replica-a')).toBe(false);
        expect(await stores.leases.holder('sweep')).toBeUndefined();
        expect(await stores.leases.all()).toEqual([]);
        expect(await stores.leases.acquire('sweep', 'replica-b', ttl, atSeconds(1))).toMatchObject({ holder: 'replica-b', token: 2 });
        await stores.leases.release('sweep', 'replica-b');
        expect(await stores.leases.acquire('sweep', 'replica-a', ttl, atSeconds(2))).toMatchObject({ holder: 'replica-a', token: 3 });
      });

      it('refuses a time to live that is not a positive number of milliseconds', async () => {
        await expect(stores.leases.acquire('sweep', 'replica-a', 0, atSeconds(0))).rejects.toThrow(/time to live/);
        await expect(stores.leases.acquire('sweep', 'replica-a', Number.NaN, atSeconds(0))).rejects.toThrow(/time to live/);
        expect(await stores.leases.holder('sweep')).toBeUndefined();
      });
    });

    describe('replica heartbeats', () => {
      it('counts a replica alive while its last beat is recent, by id', async () => {
        expect(await stores.heartbeats.alive(atSeconds(0), 15_000)).toEqual([]);
        await stores.heartbeats.beat('replica-b', atSeconds(0));
        await stores.heartbeats.beat('replica-a', atSeconds(10));
        expect(await stores.heartbeats.alive(atSeconds(20), 15_000)).toStrictEqual([
          { id: 'replica-a', firstBeatAt: atSeconds(10).toISOString(), lastBeatAt: atSeconds(10).toISOString() },
        ]);
        expect((await stores.heartbeats.alive(atSeconds(20), 20_000)).map((r) => r.id)).toEqual(['replica-a', 'replica-b']);
        await stores.heartbeats.beat('replica-b', atSeconds(25));
        expect(await stores.heartbeats.alive(atSeconds(30), 10_000)).toStrictEqual([
          { id: 'replica-b', firstBeatAt: atSeconds(0).toISOString(), lastBeatAt: atSeconds(25).toISOString() },
        ]);
      });

      it('ignores a beat older than the latest (a late write never makes a replica look dead)', async () => {
        await stores.heartbeats.beat('replica-a', atSeconds(10));
        await stores.heartbeats.beat('replica-a', atSeconds(2));
        expect(await stores.heartbeats.alive(atSeconds(12), 5_000)).toStrictEqual([
          { id: 'replica-a', firstBeatAt: atSeconds(2).toISOString(), lastBeatAt: atSeconds(10).toISOString() },
        ]);
      });
    });

    describe('installations', () => {
      it('installs, uninstalls (dropping the credentials) and reinstalls a workspace, per platform and workspace', async () => {
        const { installations } = stores;
        expect(await installations.install('slack', 'T1', '{"bot":"xoxb-1"}', at(0))).toEqual({ reinstalled: false });
        expect(await installations.install('slack', 'E9', '{"bot":"xoxb-9"}', at(1))).toEqual({ reinstalled: false });
        // Installing again (new scopes, a new token) keeps the first install time.
        expect(await installations.install('slack', 'T1', '{"bot":"xoxb-1b"}', at(2))).toEqual({ reinstalled: false });
        expect(await installations.get('slack', 'T1')).toStrictEqual({ platform: 'slack', workspace: 'T1', credentials: '{"bot":"xoxb-1b"}', installedAt: iso(0) });
        expect(await installations.get('discord', 'T1')).toBeUndefined();
        expect(await installations.countInstalled('slack')).toBe(2);

        expect(await installations.uninstall('slack', 'T1', at(3))).toBe(true);
        expect(await installations.uninstall('slack', 'T1', at(4))).toBe(false);
        expect(await installations.get('slack', 'T1')).toStrictEqual({ platform: 'slack', workspace: 'T1', installedAt: iso(0), uninstalledAt: iso(3) });
        expect(await installations.countInstalled('slack')).toBe(1);
        expect((await installations.uninstalledBefore(at(2))).map((i) => i.workspace)).toEqual([]);
        expect((await installations.uninstalledBefore(at(3))).map((i) => i.workspace)).toEqual(['T1']);

        expect(await installations.install('slack', 'T1', '{"bot":"xoxb-1c"}', at(5))).toEqual({ reinstalled: true });
        expect(await installations.get('slack', 'T1')).toStrictEqual({ platform: 'slack', workspace: 'T1', credentials: '{"bot":"xoxb-1c"}', installedAt: iso(5) });
        expect(await installations.uninstalledBefore(at(10))).toEqual([]);
      });

      it('forgets a purged workspace, and a channel\'s settings with it', async () => {
        await stores.installations.install('slack', 'T1', '{}', at(0));
        await stores.installations.uninstall('slack', 'T1', at(1));
        await stores.installations.forget('slack', 'T1');
        expect(await stores.installations.get('slack', 'T1')).toBeUndefined();
        await stores.channels.setDaily('slack:T1/C1', daily, 'slack:U1', at(0));
        await stores.channels.disable('slack:T1/C1', 'app_uninstalled', at(1));
        await stores.channels.forget('slack:T1/C1');
        expect(await stores.channels.get('slack:T1/C1')).toBeUndefined();
        expect(await stores.channels.listDisabled()).toEqual([]);
      });
    });

    it('answers a ping', async () => {
      await expect(stores.ping()).resolves.toBeUndefined();
    });
  });
}
