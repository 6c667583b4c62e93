import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DailySettings } from '../../src/store/channel-settings.port.ts';
import type { Delivery } from '../../src/store/delivery-store.port.ts';
import type { Discussion } from '../../src/store/discussion-store.port.ts';
import type { Stores } from '../../src/store/store.ts';
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

const delivery = (key: string, paperIds: string[], channel = 'slack:C1'): Omit<Delivery, 'status' | 'attempts' | 'createdAt' | 'updatedAt'> => ({
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

/**
 * The behaviour every `Stores` implementation must have, as a test suite: `open` returns a fresh, empty
 * set of stores for each test (closed after it).
 */
export function describeStoreContract(name: string, open: () => Stores): void {
  describe(`${name}: store contract`, () => {
    let stores: Stores;
    beforeEach(() => {
      stores = open();
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
  });
}
