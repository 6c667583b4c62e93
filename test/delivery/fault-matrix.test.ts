/*
 * The fault matrix, in this process: the whole bot (scheduler, delivery records in SQLite, paced sender) posting a
 * daily post to 100 channels through the real Slack adapter (Bolt's WebClient) and the real Discord adapter
 * (discord.js) against the fakes, under each fault. Every cell counts the posts each channel received: none may
 * have zero, none may have two. The kill -9 cells, with a real process, are in `fault-matrix-kill.test.ts`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/app.ts';
import { createSlackAdapter } from '../../adapters/slack/app.ts';
import { createBot } from '../../bot.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import { systemClock } from '../../src/clock.ts';
import { PacedSender } from '../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { startFakeDiscord, type FakeFailure } from '../fakes/discord/fake-discord.ts';
import { startFakeSlack, type ScriptedFailure } from '../fakes/slack/fake-slack.ts';
import { testLibrary } from '../helpers/library.ts';
import { postsPerChannel } from '../helpers/posts-per-channel.ts';

const CHANNELS = 100;
/** The request timeout of the cells: what production uses, so a loaded machine does not make calls time out. */
const TIMEOUT_MS = 10_000;
const FAST = { perChannel: { perSecond: 50, burst: 5 }, global: { perSecond: 1000, burst: 200 }, baseBackoffMs: 50, maxBackoffMs: 400 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function dailyEverywhere(stores: Stores, channelRefs: readonly string[], at: Date): Promise<void> {
  for (const channel of channelRefs) await stores.channels.setDaily(channel, { time: '10:00', timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'test:U1', at);
}

/**
 * A bot on SQLite with its sender for one platform, scheduling on a manual clock (the post is due at 10:00) and
 * sending in real time, as requests to the fakes take real time: a look-up must come after a request the client
 * gave up on was carried out, which a manual clock (all waits instant) would not let happen. Pacing and backoff
 * are shortened so a cell takes seconds.
 */
async function botFor(name: string, platform: () => ChatPlatform, settleMs = TIMEOUT_MS) {
  // SQLite in memory: the same statements as on disk, without an fsync per write (durability is the kill cells' part).
  const stores = openSqliteStores(':memory:');
  cleanup.push(() => stores.close());
  const library = await testLibrary({ withSources: true, now: '2025-01-24T09:00:00Z', stores });
  const log = new MemoryLogger();
  let sender: PacedSender | undefined;
  const bot = createBot({
    clock: library.clock, log, library: library.library, stores,
    senderFor: (p) => (p === name ? (sender ??= new PacedSender({ platform: platform(), clock: systemClock, logger: log, ...FAST, settleMs })) : undefined),
    platformFor: (p) => (p === name ? platform() : undefined),
    status: { startedAt: library.clock.now(), version: 't', sources: [] },
    defaultTimeZone: 'UTC',
  });
  return { bot, stores, library, log };
}

/** Slack cells: the faults each channel's chat.postMessage meets, by channel index. */
const slackCells: { name: string; faults: (index: number) => ScriptedFailure[]; timeoutMs?: number; settleMs?: number }[] = [
  { name: 'a 429 storm on one channel (20 × 429)', faults: (i) => (i === 0 ? Array.from({ length: 20 }, () => ({ status: 429, retryAfter: 0 })) : []) },
  { name: '429 storms on every channel (3 × 429 each)', faults: () => [{ status: 429, retryAfter: 0 }, { status: 429, retryAfter: 1 }, { status: 429, retryAfter: 0 }] },
  // The fake decides at the reset whether the post was made, so the look-up need not wait long for it.
  { name: 'the connection reset after Slack accepted the post (every channel, three times on one)', faults: (i) => Array.from({ length: i === 0 ? 3 : 1 }, () => ({ reset: true, afterEffect: true })), settleMs: 500 },
  { name: 'the connection reset before Slack got the post (every channel)', faults: () => [{ reset: true }], settleMs: 500 },
  { name: 'a hung call (one channel without effect, one after Slack made the post)', faults: (i) => (i === 0 ? [{ hang: true }] : i === 1 ? [{ hang: true, afterEffect: true }] : []), timeoutMs: 1000 },
  { name: '5xx (every channel: half after Slack made the post, half before)', faults: (i) => [{ status: 503, afterEffect: i % 2 === 0 }, { status: 500 }] },
];

describe('fault matrix on Slack (real Bolt WebClient, 100 channels): every channel gets its daily post exactly once', () => {
  it.each(slackCells)('$name', { timeout: 90_000 }, async ({ faults, timeoutMs = TIMEOUT_MS, settleMs = timeoutMs }) => {
    const fake = await startFakeSlack();
    cleanup.push(() => fake.close());
    let adapter: ReturnType<typeof createSlackAdapter> | undefined;
    const { bot, stores, library } = await botFor('slack', () => adapter!.platform, settleMs);
    adapter = createSlackAdapter(
      { mode: 'http', botToken: 'xoxb-test', signingSecret: '0123456789abcdef', port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, command: '/papers', managers: [], botId: 'B1', botUserId: 'UBOT', requestTimeoutMs: timeoutMs ?? TIMEOUT_MS, startTimeoutMs: 5000 },
      { inbound: bot, clock: library.clock, log: new MemoryLogger(), inboundEvents: stores.inbound },
    );
    const channels = Array.from({ length: CHANNELS }, (_, i) => `C${String(i).padStart(7, '0')}`);
    channels.forEach((channel, i) => {
      const list = faults(i);
      if (list.length > 0) fake.failWhere('chat.postMessage', (args) => args.channel === channel, ...list);
    });
    await dailyEverywhere(stores, channels.map((c) => `slack:${c}`), library.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));

    expect(postsPerChannel(fake.messages.map((m) => m.channel), channels)).toEqual({ 1: CHANNELS });
    expect(new Set((await stores.deliveries.unfinished()).map((d) => d.key))).toEqual(new Set());
    // The cell tested what it says: every channel with a fault met it on its first post (later faults may not be
    // met: once a look-up finds a post that was made, it is not posted again).
    const firstPost = (channel: string) => fake.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === channel);
    expect(channels.filter((c, i) => faults(i).length > 0 && firstPost(c)?.error === undefined)).toEqual([]);
  });
});

const discordCells: { name: string; faults: (index: number) => FakeFailure[]; settleMs?: number }[] = [
  { name: 'a 429 storm on one channel (20 × 429)', faults: (i) => (i === 0 ? Array.from({ length: 20 }, () => ({ status: 429, retryAfter: 0.05 })) : []) },
  { name: 'the connection reset after Discord made the post (every channel)', faults: () => [{ reset: true, afterEffect: true }], settleMs: 500 },
  { name: '5xx after Discord made the post, and before (every channel)', faults: (i) => [{ status: 502, afterEffect: i % 2 === 0 }] },
];

describe('fault matrix on Discord (real discord.js, 100 channels): every channel gets its daily post exactly once', () => {
  it.each(discordCells)('$name', { timeout: 90_000 }, async ({ faults, settleMs }) => {
    const channelIds = Array.from({ length: 100 }, (_, i) => String(810000000000000000n + BigInt(i)));
    const fake = await startFakeDiscord({
      guilds: [{ id: '800000000000000001', name: 'Matrix', channels: channelIds.map((id, i) => ({ id, name: `c${i}`, type: 0 })) }],
      rateLimit: { limit: 1000, windowMs: 1000 },
    });
    cleanup.push(() => fake.close());
    let adapter: ReturnType<typeof createDiscordAdapter> | undefined;
    const { bot, stores, library } = await botFor('discord', () => adapter!.platform, settleMs);
    adapter = createDiscordAdapter(
      { token: fake.token, applicationId: fake.appId, apiBase: fake.apiBase, managers: [], requestTimeoutMs: TIMEOUT_MS },
      { inbound: bot, clock: library.clock, log: new MemoryLogger() },
    );
    await adapter.start();
    cleanup.push(() => adapter!.stop());
    channelIds.forEach((id, i) => {
      for (const failure of faults(i)) fake.failNext({ method: 'POST', path: new RegExp(`^/channels/${id}/messages$`) }, failure);
    });
    await dailyEverywhere(stores, channelIds.map((id) => `discord:${id}`), library.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));

    const posts = fake.messages.filter((m) => m.via === 'channel').map((m) => m.channel_id);
    expect(postsPerChannel(posts, channelIds)).toEqual({ 1: 100 });
    expect(await stores.deliveries.unfinished()).toEqual([]);
    const firstPost = (id: string) => fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${id}/messages`);
    expect(channelIds.filter((id, i) => faults(i).length > 0 && firstPost(id)?.status === 200)).toEqual([]);
  });
});
