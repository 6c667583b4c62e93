import { afterEach, describe, expect, it } from 'vitest';
import { chatAdapters } from '../../../adapters/chat-adapters.ts';
import { createBot } from '../../../bot.ts';
import type { ChatPlatform } from '../../../src/chat/platform.port.ts';
import { readConfig } from '../../../src/config.ts';
import { PacedSender } from '../../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../../src/logger.ts';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/fake-discord.ts';
import { testLibrary } from '../../helpers/library.ts';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123';
/** Two servers, one on each of 2 shards: `(guild_id >> 22) % 2` is 0 for the first and 1 for the second. */
const GUILDS = [
  { id: '1100000000004194304', channels: [{ id: '1100000000004194399', name: 'papers-zero' }] },
  { id: '1200000000000000000', channels: [{ id: '1200000000000000099', name: 'papers-one' }] },
];
const [CHANNEL_0, CHANNEL_1] = GUILDS.map((g) => g.channels[0]!.id) as [string, string];

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A bot process (replica) on the shared stores, with Discord configured by `env`, started against the fake. */
async function replica(fake: FakeDiscord, library: Awaited<ReturnType<typeof testLibrary>>, env: Record<string, string>) {
  const config = readConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_BASE: fake.apiBase, ...env });
  const platforms = new Map<string, ChatPlatform>();
  const senders = new Map<string, PacedSender>();
  let connections = async (): Promise<string[]> => [];
  const bot = createBot({
    clock: library.clock, log: new MemoryLogger(), library: library.library, stores: library.stores,
    senderFor: (name) => senders.get(name), platformFor: (name) => platforms.get(name),
    status: { startedAt: library.clock.now(), version: 't', sources: [], connections: () => connections() }, defaultTimeZone: 'UTC',
  });
  const [discord] = await chatAdapters(config, { inbound: bot, clock: library.clock, log: new MemoryLogger(), inboundEvents: library.stores.inbound, installs: bot.installs });
  platforms.set(discord!.name, discord!.platform);
  senders.set(discord!.name, new PacedSender({ platform: discord!.platform, clock: library.clock, logger: new MemoryLogger(), ...discord!.pacing }));
  connections = () => discord!.connections!();
  await discord!.start();
  cleanup.push(() => discord!.stop());
  return { bot, discord: discord! };
}

/** Runs `/papers show 2501.12948` in a channel and resolves with the answer's JSON. */
async function show(fake: FakeDiscord, channelId: string): Promise<string> {
  const ref = fake.interaction.command({ subcommand: 'show', options: [{ name: 'paper', type: 3, value: '2501.12948' }], channelId });
  return JSON.stringify((await fake.waitForCallback(ref.token)).data);
}

/** The bot's channel posts (not interaction answers) in a channel. */
const postsIn = (fake: FakeDiscord, channelId: string) => fake.messages.filter((m) => m.channel_id === channelId && m.type === 0);

describe('Discord sharding (real discord.js against a fake gateway with 2 shards)', () => {
  it('runs both shards in one process (DISCORD_SHARDS=2): each server on its shard, commands answered and daily posts made in both', async () => {
    const fake = await startFakeDiscord({ token: TOKEN, guilds: GUILDS, shardCount: 2 });
    cleanup.push(() => fake.close());
    expect(GUILDS.map((g) => fake.shardOf(g.id))).toEqual([0, 1]);
    const library = await testLibrary({ withSources: true, now: '2025-01-24T09:00:00Z' });
    const { bot, discord } = await replica(fake, library, { DISCORD_SHARDS: '2' });
    expect(await discord.connections!()).toEqual(['Discord shard 0 of 2: Ready (1 server)', 'Discord shard 1 of 2: Ready (1 server)']);
    expect(discord.connected()).toBe(true);

    expect(await show(fake, CHANNEL_0)).toContain('DeepSeek-R1');
    expect(await show(fake, CHANNEL_1)).toContain('DeepSeek-R1');
    const status = await bot.command('status', { actor: { platform: 'discord', userId: '1', displayName: 'a', canManageChannel: false }, channel: { platform: 'discord', channelId: CHANNEL_0 }, receivedAt: library.clock.now() });
    expect(status.reply.fallbackText).toContain('Connections: Discord shard 0 of 2: Ready (1 server)\nDiscord shard 1 of 2: Ready (1 server)');

    for (const channel of [CHANNEL_0, CHANNEL_1]) await library.stores.channels.setDaily(`discord:${channel}`, { time: '10:00', timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'discord:1', library.clock.now());
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    expect(postsIn(fake, CHANNEL_0)).toHaveLength(1);
    expect(postsIn(fake, CHANNEL_1)).toHaveLength(1);
  });

  it('splits the shards between replicas (DISCORD_SHARD_IDS of DISCORD_SHARD_COUNT): each answers its own servers, and either posts to all over REST', async () => {
    const fake = await startFakeDiscord({ token: TOKEN, guilds: GUILDS, shardCount: 2 });
    cleanup.push(() => fake.close());
    const library = await testLibrary({ withSources: true, now: '2025-01-24T09:00:00Z' });
    const zero = await replica(fake, library, { DISCORD_SHARD_IDS: '0', DISCORD_SHARD_COUNT: '2' });
    const one = await replica(fake, library, { DISCORD_SHARD_IDS: '1', DISCORD_SHARD_COUNT: '2' });
    expect(await zero.discord.connections!()).toEqual(['Discord shard 0 of 2: Ready (1 server)']);
    expect(await one.discord.connections!()).toEqual(['Discord shard 1 of 2: Ready (1 server)']);

    // The gateway delivers each server's interaction to its shard alone, so the replica holding it is the one that
    // receives it, and it answers.
    expect(await show(fake, CHANNEL_0)).toContain('DeepSeek-R1');
    expect(await show(fake, CHANNEL_1)).toContain('DeepSeek-R1');
    expect(fake.deliveredInteractions.map((d) => d.shards)).toEqual([[0], [1]]);

    // Only replica "zero" runs the schedule (one replica holds the schedule; see #14): it posts to both servers over
    // REST, though the gateway shows it only the first.
    for (const channel of [CHANNEL_0, CHANNEL_1]) await library.stores.channels.setDaily(`discord:${channel}`, { time: '10:00', timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'discord:1', library.clock.now());
    await zero.bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    expect(postsIn(fake, CHANNEL_0)).toHaveLength(1);
    expect(postsIn(fake, CHANNEL_1)).toHaveLength(1);
  });
});
