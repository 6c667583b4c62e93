import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { plainText } from '../../src/chat/message.ts';
import { createPaper, type Paper } from '../../src/corpus/paper.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import { localParts } from '../../src/scheduler/local-time.ts';
import type { PaperSource } from '../../src/scheduler/source-refresh.ts';
import type { DailySettings } from '../../src/store/channel-settings.port.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { headingsOf, testBot } from '../helpers/bot.ts';
import { hfDailyPapers, testLibrary } from '../helpers/library.ts';

const dirs: string[] = [];
const opened: Stores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-schedule-'));
  dirs.push(dir);
  return join(dir, 'paperboy.db');
}

function openStores(path: string): Stores {
  const stores = openSqliteStores(path);
  opened.push(stores);
  return stores;
}

const daily = (time: string, timeZone: string, extra: Partial<DailySettings> = {}): DailySettings => ({ time, timeZone, weekdaysOnly: false, top: 5, ...extra });

/** Local date and time of each post a channel received. */
function postTimes(bot: Awaited<ReturnType<typeof testBot>>, channelId: string, timeZone: string): string[] {
  return bot.platform.postsTo(channelId).map((post) => {
    const local = localParts(post.at, timeZone);
    return `${local.date} ${local.time}`;
  });
}

describe('daily posts over days of simulated time', () => {
  it('posts once per local day at local time, in two time zones, each day with papers not shown before', async () => {
    const bot = await testBot({ now: '2025-01-20T00:00:00Z' });
    await bot.stores.channels.setDaily('test:berlin', daily('09:00', 'Europe/Berlin'), 'test:U1', bot.clock.now());
    await bot.stores.channels.setDaily('test:ny', daily('09:00', 'America/New_York'), 'test:U1', bot.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-24T00:00:00Z'));
    expect(postTimes(bot, 'berlin', 'Europe/Berlin')).toEqual(['2025-01-20 09:00', '2025-01-21 09:00', '2025-01-22 09:00', '2025-01-23 09:00']);
    expect(postTimes(bot, 'ny', 'America/New_York')).toEqual(['2025-01-20 09:00', '2025-01-21 09:00', '2025-01-22 09:00', '2025-01-23 09:00']);
    const titles = bot.platform.postsTo('berlin').flatMap((post) => headingsOf(post.message));
    expect(titles).toHaveLength(20);
    expect(new Set(titles).size).toBe(20);
    expect(titles[0]).toBe('Sparsity-Constrained Optimal Transport');
  });

  it('skips weekends when weekdays only', async () => {
    const bot = await testBot({ now: '2025-01-23T12:00:00Z' }); // a Thursday
    await bot.stores.channels.setDaily('test:C1', daily('08:30', 'UTC', { weekdaysOnly: true }), 'test:U1', bot.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-29T00:00:00Z'));
    expect(postTimes(bot, 'C1', 'UTC')).toEqual(['2025-01-24 08:30', '2025-01-27 08:30', '2025-01-28 08:30']);
  });

  for (const [zone, start, end] of [
    ['Europe/Berlin', '2025-03-27T00:00:00Z', '2025-04-02T00:00:00Z'],
    ['Europe/Berlin', '2025-10-23T00:00:00Z', '2025-10-29T00:00:00Z'],
    ['America/New_York', '2025-03-06T12:00:00Z', '2025-03-12T12:00:00Z'],
    ['America/New_York', '2025-10-30T12:00:00Z', '2025-11-05T12:00:00Z'],
  ] as const) {
    it(`neither skips nor doubles a post across the DST change in ${zone} (${start.slice(0, 7)})`, async () => {
      const bot = await testBot({ now: start });
      await bot.stores.channels.setDaily('test:morning', daily('09:00', zone), 'test:U1', bot.clock.now());
      await bot.stores.channels.setDaily('test:night', daily('02:30', zone), 'test:U1', bot.clock.now());
      await bot.jobs.runUntil(new Date(end));
      const morning = postTimes(bot, 'morning', zone);
      expect(morning).toHaveLength(6);
      expect(morning.every((t) => t.endsWith('09:00'))).toBe(true);
      const nightDays = postTimes(bot, 'night', zone).map((t) => t.slice(0, 10));
      expect(nightDays).toHaveLength(6);
      expect(new Set(nightDays).size).toBe(6); // one per local day, even on the day 02:30 happens twice or never
    });
  }

  it('a restart (a new process on the same database) never posts twice', async () => {
    const path = sqliteFile();
    const library = await testLibrary({ now: '2025-01-20T00:00:00Z' });
    const first = await testBot({ clock: library.clock, stores: openStores(path) });
    await first.stores.channels.setDaily('test:C1', daily('09:00', 'UTC'), 'test:U1', first.clock.now());
    await first.jobs.runUntil(new Date('2025-01-20T09:30:00Z'));
    expect(first.platform.posts).toHaveLength(1);

    // The process dies; a new one starts on the same file 10 minutes later and catches up.
    library.clock.advance(10 * 60_000);
    const second = await testBot({ clock: library.clock, stores: openStores(path) });
    await second.bot.start();
    await second.jobs.runUntil(new Date('2025-01-22T00:00:00Z'));
    await second.bot.stop();
    expect(second.platform.posts.map((p) => p.at.toISOString())).toEqual(['2025-01-21T09:00:00.000Z']);
    const shownToday = new Set(headingsOf(first.platform.posts[0]!.message));
    expect(headingsOf(second.platform.posts[0]!.message).some((t) => shownToday.has(t))).toBe(false);
  });

  it('makes a post missed during downtime once on start, within the grace period', async () => {
    const path = sqliteFile();
    const library = await testLibrary({ now: '2025-01-20T08:00:00Z' });
    const before = await testBot({ clock: library.clock, stores: openStores(path) });
    await before.stores.channels.setDaily('test:C1', daily('09:00', 'UTC'), 'test:U1', before.clock.now());
    library.clock.advance(2 * 3_600_000); // down from 08:00 to 10:00
    const after = await testBot({ clock: library.clock, stores: openStores(path) });
    await after.bot.start();
    await after.bot.start(); // a second start (or a second replica) does not post again
    await after.bot.stop();
    expect(after.platform.posts.map((p) => p.at.toISOString())).toEqual(['2025-01-20T10:00:00.000Z']);
  });

  it('skips a post missed beyond the grace period, with a log line, and posts normally the next day', async () => {
    const path = sqliteFile();
    const library = await testLibrary({ now: '2025-01-20T08:00:00Z' });
    const before = await testBot({ clock: library.clock, stores: openStores(path) });
    await before.stores.channels.setDaily('test:C1', daily('09:00', 'UTC'), 'test:U1', before.clock.now());
    library.clock.advance(8 * 3_600_000); // down until 16:00, 7 h after the post time
    const after = await testBot({ clock: library.clock, stores: openStores(path) });
    await after.bot.start();
    await after.bot.stop();
    expect(after.platform.posts).toHaveLength(0);
    expect(after.log.records.find((r) => r.message === 'skipped a daily post missed beyond the grace period')?.fields)
      .toMatchObject({ channel: 'test:C1', localDate: '2025-01-20', lateMinutes: 420 });
    await after.jobs.runUntil(new Date('2025-01-21T12:00:00Z'));
    expect(after.platform.posts.map((p) => p.at.toISOString())).toEqual(['2025-01-21T09:00:00.000Z']);
  });

  it('after the process was frozen for 48 hours, skips the post beyond the grace period and makes the one within it once', async () => {
    const bot = await testBot({ now: '2025-01-20T08:00:00Z' });
    await bot.stores.channels.setDaily('test:C1', daily('09:00', 'UTC'), 'test:U1', bot.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-20T10:00:00Z'));
    // Suspended (a laptop lid, a paused VM, SIGSTOP) from Monday 10:00 to Wednesday 10:00.
    bot.clock.advance(48 * 3_600_000);
    await bot.jobs.runUntil(new Date('2025-01-22T12:00:00Z'));
    expect(bot.platform.posts.map((p) => p.at.toISOString())).toEqual(['2025-01-20T09:00:00.000Z', '2025-01-22T10:00:00.000Z']);
    expect(bot.log.records.filter((r) => r.message === 'skipped a daily post missed beyond the grace period').map((r) => r.fields))
      .toEqual([{ part: 'daily', channel: 'test:C1', localDate: '2025-01-21', lateMinutes: 25 * 60 }]);
    expect(bot.log.records.find((r) => r.message === 'making a late daily post, within the grace period')?.fields)
      .toEqual({ part: 'daily', channel: 'test:C1', localDate: '2025-01-22', lateMinutes: 60 });
    expect((await bot.stores.deliveries.get('daily:test:C1:2025-01-21'))).toBeUndefined();
  });

  it('posts to every channel at once: one channel answering 429 twenty times delays only itself', async () => {
    const bot = await testBot({ now: '2025-01-20T08:00:00Z' });
    const channels = ['a-slow', ...Array.from({ length: 12 }, (_, i) => `c${i}`)];
    for (const channel of channels) await bot.stores.channels.setDaily(`test:${channel}`, daily('09:00', 'UTC'), 'test:U1', bot.clock.now());
    bot.platform.failNext('a-slow', ...Array.from({ length: 20 }, () => new RateLimitedError(30_000)));
    await bot.jobs.runUntil(new Date('2025-01-20T09:30:00Z'));
    for (const channel of channels.slice(1)) expect(bot.platform.postsTo(channel).map((p) => p.at.toISOString())).toEqual(['2025-01-20T09:00:00.000Z']);
    expect(bot.platform.postsTo('a-slow').map((p) => p.at.toISOString())).toEqual(['2025-01-20T09:10:00.000Z']);
  });

  it('says in one line why a day has nothing new, instead of silence', async () => {
    const bot = await testBot({ now: '2025-01-20T00:00:00Z' });
    await bot.stores.channels.setDaily('test:C1', daily('09:00', 'UTC', { top: 20, topic: 'optimal transport' }), 'test:U1', bot.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-21T12:00:00Z'));
    const [first, second] = bot.platform.postsTo('C1');
    expect(headingsOf(first!.message).length).toBeGreaterThan(3);
    expect(second!.message.fallbackText).toMatch(/^Nothing new for Tuesday 21 January: all \d+ papers trending this week were posted here already\.$/);
  });
});

describe('delivery under failure', () => {
  it('waits out a 429 storm and a 5xx, then posts exactly once', async () => {
    const bot = await testBot({ now: '2025-01-20T08:00:00Z' });
    await bot.stores.channels.setDaily('test:C1', daily('09:00', 'UTC'), 'test:U1', bot.clock.now());
    bot.platform.failNext('C1', ...Array.from({ length: 5 }, () => new RateLimitedError(30_000)), new TransientPlatformError('HTTP 503'));
    await bot.jobs.runUntil(new Date('2025-01-20T12:00:00Z'));
    expect(bot.platform.postsTo('C1')).toHaveLength(1);
    expect(bot.platform.posts[0]!.at.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-01-20T09:02:30Z'));
    const [delivery] = await bot.stores.deliveries.recent('test:C1', 5);
    expect(delivery).toMatchObject({ key: 'daily:test:C1:2025-01-20', status: 'sent' });
  });

  it('disables a channel that vanished, says so in status, and stops posting there', async () => {
    const bot = await testBot({ now: '2025-01-20T08:00:00Z' });
    await bot.stores.channels.setDaily('test:gone', daily('09:00', 'UTC'), 'test:U1', bot.clock.now());
    await bot.stores.channels.setDaily('test:C1', daily('09:00', 'UTC'), 'test:U1', bot.clock.now());
    bot.platform.failNext('gone', new ChannelGoneError('channel_not_found'));
    await bot.jobs.runUntil(new Date('2025-01-22T12:00:00Z'));
    expect(bot.platform.postsTo('gone')).toHaveLength(0);
    expect(bot.platform.postsTo('C1')).toHaveLength(3);
    expect((await bot.stores.channels.get('test:gone'))?.disabled?.reason).toBe('channel_not_found');
    expect(bot.log.records.some((r) => r.message === 'channel is gone or removed the bot; disabled it')).toBe(true);
    expect((await bot.exec('status')).reply.fallbackText).toContain('Disabled channels: test:gone (channel_not_found)');
  });

  it('after a crash, resends what never left, and looks up what may have been made before resending it', async () => {
    const path = sqliteFile();
    const library = await testLibrary({ now: '2025-01-20T08:00:00Z' });
    const stores = openStores(path);
    const message = (text: string) => JSON.stringify({ fallbackText: text, blocks: [], visibility: 'channel' });
    const claim = async (key: string, text: string, status: 'claimed' | 'sending' | 'retrying') => {
      await stores.deliveries.claim({ key, channel: 'test:C1', kind: 'subscription', paperIds: [], message: message(text) }, library.clock.now());
      if (status !== 'claimed') await stores.deliveries.setStatus(key, status, library.clock.now(), status === 'retrying' ? 'HTTP 503' : undefined);
    };
    await claim('k-claimed', 'never tried', 'claimed');
    await claim('k-retrying', 'retry me', 'retrying');
    await claim('k-landed', 'made before the crash', 'sending');
    await claim('k-lost', 'lost in the crash', 'sending');
    library.clock.advance(60_000);
    const bot = await testBot({ clock: library.clock, stores: openStores(path) });
    // The process died after the platform made this one, before it could record so.
    const landed = bot.platform.seed({ channelId: 'C1', message: JSON.parse(message('made before the crash')), at: new Date('2025-01-20T08:00:00Z'), key: 'k-landed' });
    await bot.bot.start();
    await bot.bot.stop();
    const texts = bot.platform.posts.map((p) => p.message.fallbackText);
    expect(texts.sort()).toEqual(['lost in the crash', 'made before the crash', 'never tried', 'retry me']);
    for (const key of ['k-claimed', 'k-retrying', 'k-landed', 'k-lost']) expect((await bot.stores.deliveries.get(key))?.status).toBe('sent');
    expect((await bot.stores.deliveries.get('k-landed'))?.postedId).toBe(landed.id);
  });
});

describe('topic subscriptions', () => {
  const paper = (arxivId: string, title: string, observedAt: string, upvotes = 3): Paper =>
    createPaper({ arxivId, title, abstract: `${title}. We study it.`, source: 'hf-daily', signals: { upvotes, observedAt } });

  it('posts new matching papers once, batched per refresh, with the opt-in mention, and never the same paper twice', async () => {
    let batch: Paper[] = hfDailyPapers(new Date('2025-01-24T06:00:00Z'));
    const source: PaperSource = { name: 'hf-daily', schedule: '0 * * * *', fetch: async () => ({ papers: batch, rejected: [] }) };
    const bot = await testBot({ now: '2025-01-24T06:00:00Z', sources: [source] });
    await bot.exec('subscribe reinforcement learning mention:role:S42');
    await bot.exec('subscribe "quokka heuristics"', 'C2');
    await bot.jobs.runUntil(new Date('2025-01-24T07:30:00Z'));

    const [post, ...others] = bot.platform.postsTo('C1');
    expect(others).toEqual([]);
    expect(post!.message.mention).toEqual({ kind: 'role', id: 'S42' });
    expect(headingsOf(post!.message).sort()).toEqual([
      'DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning',
      'Kimi k1.5: Scaling Reinforcement Learning with LLMs',
      'Transformer²: Self-adaptive LLMs', // its abstract: "… trained using reinforcement learning"
    ]);
    expect(plainText([post!.message.fallbackText])).toMatch(/^3 new papers on "reinforcement learning"/);
    expect(bot.platform.postsTo('C2')).toEqual([]);

    // Later refreshes bring the same papers with new upvotes, then one new matching paper.
    batch = batch.map((p) => ({ ...p, signals: { ...p.signals!, upvotes: (p.signals!.upvotes ?? 0) + 50, observedAt: '2025-01-24T08:00:00Z' } }));
    await bot.jobs.runUntil(new Date('2025-01-24T08:30:00Z'));
    expect(bot.platform.postsTo('C1')).toHaveLength(1);
    batch = [...batch, paper('2501.20001', 'Quokka Heuristics for Reinforcement Learning', '2025-01-24T09:00:00Z')];
    await bot.jobs.runUntil(new Date('2025-01-24T09:30:00Z'));
    expect(headingsOf(bot.platform.postsTo('C1')[1]!.message)).toEqual(['Quokka Heuristics for Reinforcement Learning']);
    expect(headingsOf(bot.platform.postsTo('C2')[0]!.message)).toEqual(['Quokka Heuristics for Reinforcement Learning']);
    await bot.jobs.runUntil(new Date('2025-01-24T12:30:00Z'));
    expect(bot.platform.posts).toHaveLength(3);
  });

  it('caps a batch and says how many more matched', async () => {
    const papers = Array.from({ length: 8 }, (_, i) => paper(`2501.3000${i}`, `Wombat Networks Part ${i + 1}`, '2025-01-24T06:00:00Z'));
    const source: PaperSource = { name: 'hf-daily', schedule: '0 * * * *', fetch: async () => ({ papers, rejected: [] }) };
    const bot = await testBot({ now: '2025-01-24T06:00:00Z', sources: [source] });
    await bot.exec('subscribe wombat');
    await bot.jobs.runUntil(new Date('2025-01-24T07:30:00Z'));
    const [post] = bot.platform.postsTo('C1');
    expect(headingsOf(post!.message)).toHaveLength(5);
    expect(post!.message.fallbackText).toMatch(/^5 new papers on "wombat"/);
    expect(plainText(post!.message.blocks.flatMap((b) => (b.kind === 'context' ? b.text : [])))).toContain('…and 3 more');
  });
});

describe('source refresh', () => {
  it('keeps serving through a failing source, backs off, reports it in status, and logs the outage once', async () => {
    let failing = true;
    const source: PaperSource = {
      name: 'hf-daily',
      schedule: '0 * * * *',
      fetch: async () => {
        if (failing) throw new Error('getaddrinfo ENOTFOUND huggingface.co');
        return { papers: hfDailyPapers(new Date('2025-01-24T09:00:00Z')), rejected: [] };
      },
    };
    const bot = await testBot({ now: '2025-01-24T06:00:00Z', sources: [source] });
    await bot.bot.start();
    await bot.bot.stop();
    await bot.jobs.runUntil(new Date('2025-01-24T06:20:00Z'));
    const state = await bot.stores.sources.get('hf-daily');
    expect(state?.consecutiveFailures).toBeGreaterThanOrEqual(3); // 06:00, then backoff retries at 06:02, 06:06, 06:14
    expect(bot.log.records.filter((r) => r.message === 'paper source unreachable; serving the papers we have')).toHaveLength(1);
    const status = (await bot.exec('status')).reply.fallbackText;
    expect(status).toMatch(/Source hf-daily: failing \d+× since start: getaddrinfo ENOTFOUND huggingface.co/);
    expect((await bot.exec('search monge gap')).outcome).toBe('ok');

    failing = false;
    await bot.jobs.runUntil(new Date('2025-01-24T09:00:00Z'));
    expect((await bot.stores.sources.get('hf-daily'))?.consecutiveFailures).toBe(0);
    expect(bot.log.records.some((r) => r.message === 'paper source recovered')).toBe(true);
    expect(await bot.library.get('2501.12948')).toBeDefined();
    expect((await bot.exec('status')).reply.fallbackText).toMatch(/Source hf-daily: ok, last refreshed 2025-01-24 09:00 UTC \(0 new or changed\)/);
  });
});
