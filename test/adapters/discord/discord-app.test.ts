import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/app.ts';
import { createBot } from '../../../bot.ts';
import { defineCommand, type AnyCommandSpec } from '../../../commands/framework/command-spec.ts';
import { flagArgument } from '../../../commands/framework/validators.ts';
import { UserError } from '../../../src/chat/errors.ts';
import type { DiscordConfig } from '../../../src/config.ts';
import { createPaper } from '../../../src/corpus/paper.ts';
import { PacedSender } from '../../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../../src/logger.ts';
import { startFakeDiscord, type FakeCommandOption, type FakeDiscord, type FakeMessage } from '../../fakes/discord/fake-discord.ts';
import { addPapers, testLibrary } from '../../helpers/library.ts';

/** A member with Manage Channels (bit 4) besides the usual text permissions. */
const MANAGER = (BigInt('0x' + 'f'.repeat(12)) | (1n << 4n)).toString();
/** A member without Manage Channels: view, send, embed, history, use commands, threads. */
const MEMBER = ((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 31n) | (1n << 38n)).toString();

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
});

/** The real discord.js client of the Discord adapter, wired to the whole bot, against a fake Discord. */
async function discordBot(options: { managers?: string[]; now?: string; registry?: AnyCommandSpec[]; deferAfterMs?: number } = {}) {
  const fake: FakeDiscord = await startFakeDiscord();
  running.push({ stop: () => fake.close() });
  const library = await testLibrary({ withSources: true, now: options.now ?? '2025-01-24T09:00:00Z' });
  const log = new MemoryLogger();
  const stores = library.stores;
  let adapter: DiscordAdapter | undefined;
  let sender: PacedSender | undefined;
  const bot = createBot({
    clock: library.clock, log, library: library.library, stores,
    senderFor: (name) => (name === 'discord' ? sender : undefined),
    platformFor: (name) => (name === 'discord' ? adapter?.platform : undefined),
    status: { startedAt: library.clock.now(), version: 't', sources: [] },
    defaultTimeZone: 'UTC',
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const config: DiscordConfig = {
    token: fake.token, applicationId: fake.appId, apiBase: fake.apiBase, managers: options.managers ?? [], requestTimeoutMs: 2000,
  };
  adapter = createDiscordAdapter(config, {
    inbound: bot, clock: library.clock, log,
    ...(options.registry ? { registry: options.registry } : {}), ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  sender = new PacedSender({ platform: adapter.platform, clock: library.clock, logger: log, random: () => 0.5 });
  await adapter.start();
  running.push({ stop: () => adapter!.stop() });

  /** Runs `/papers <subcommand>` and resolves with the first answer (reply, or the edit of a deferred one). */
  async function command(subcommand: string, options: FakeCommandOption[] = [], who: { permissions?: string; userId?: string; channelId?: string } = {}) {
    const ref = fake.interaction.command({
      subcommand, options, permissions: who.permissions ?? MEMBER,
      ...(who.userId ? { user: { id: who.userId } } : {}), ...(who.channelId ? { channelId: who.channelId } : {}),
    });
    const callback = await fake.waitForCallback(ref.token);
    return { ref, callback, data: callback.data as ReplyData };
  }
  return { fake, bot, stores, library, log, adapter, command };
}

type Embed = { title?: string; description?: string; url?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };
type Button = { type: number; style: number; label: string; custom_id?: string; url?: string };
type ReplyData = { content?: string; embeds?: Embed[]; components?: { components: Button[] }[]; flags?: number; allowed_mentions?: { parse?: string[] }; choices?: { name: string; value: string }[] };

const EPHEMERAL = 64;
const text = (message: { content?: string; embeds?: unknown[] }) => {
  const data = message as { content?: string; embeds?: Embed[] };
  return [data.content ?? '', ...(data.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text ?? ''])].join('\n');
};
const buttonsOf = (data: ReplyData): Button[] => (data.components ?? []).flatMap((row) => row.components);
/** The custom id of the first button whose label ends with `label` (list buttons are numbered: `1 · Discuss`). */
const customId = (data: ReplyData, label: string) => buttonsOf(data).find((b) => b.label.endsWith(label) && b.custom_id)!.custom_id!;

describe('the Discord adapter against a fake Discord', () => {
  it('logs in over the gateway with the least intents and becomes ready with its server cached', async () => {
    const { adapter, fake } = await discordBot();
    expect(adapter.client.isReady()).toBe(true);
    expect(adapter.client.channels.cache.has(fake.channelId)).toBe(true);
    expect(fake.identifies).toBe(1);
    // Guilds and Guild Messages, nothing more (no privileged Message Content).
    expect(fake.identifiedIntents).toEqual([(1 << 0) | (1 << 9)]);
    expect(fake.gatewayErrors).toEqual([]);
  });

  it('answers /papers search with valid embeds within limits, in the channel, pinging no one', async () => {
    const { fake, command } = await discordBot();
    const { callback, data } = await command('search', [{ name: 'query', type: 3, value: 'diffusion' }]);
    expect(callback.type).toBe(4);
    expect((data.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(data.embeds!.length).toBeGreaterThan(0);
    expect(text(data)).toMatch(/diffusion/i);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    // Five cards, their buttons and More: one message of 5 embeds and 5 rows.
    expect(data.embeds).toHaveLength(5);
    expect(buttonsOf(data).map((b) => b.label).slice(-1)).toEqual(['More']);
    expect(fake.validationErrors).toEqual([]);
    expect(fake.messages.every((m) => fake.pings(m).length === 0)).toBe(true);
  });

  it('sends help and mistakes to the person alone', async () => {
    const { command } = await discordBot();
    const unknownPaper = await command('show', [{ name: 'paper', type: 3, value: '9999.99999' }]);
    expect(unknownPaper.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(unknownPaper.data)).toMatch(/No paper 9999\.99999/);
    const help = await command('help', [{ name: 'command', type: 3, value: 'search' }]);
    expect(help.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(help.data)).toContain('search [query]');
  });

  it('defers slow work within the deadline, then edits in the answer, or answers privately when it is a mistake', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const slow = defineCommand({
      name: 'slow', summary: 'takes its time', examples: [], options: {}, permission: 'anyone',
      arguments: { fail: flagArgument({ word: 'fail', description: 'end with a mistake', accepts: (word) => word === 'fail' }) },
      run: async ({ fail }) => {
        await gate;
        if (fail) throw new UserError('invalid-argument', 'That took long and was wrong; type /papers slow instead.');
        return { fallbackText: 'done at last', blocks: [{ kind: 'text', text: ['done at last'] }], visibility: 'channel' };
      },
    });
    const { fake } = await discordBot({ registry: [slow], deferAfterMs: 20 });
    const ok = fake.interaction.command({ subcommand: 'slow' });
    const wrong = fake.interaction.command({ subcommand: 'slow', options: [{ name: 'fail', type: 5, value: true }] });
    expect((await fake.waitForCallback(ok.token)).type).toBe(5);
    expect((await fake.waitForCallback(wrong.token)).type).toBe(5);
    release();
    const edited = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/${ok.token}/messages/@original`));
    expect(text(edited.body as { content?: string })).toContain('done at last');
    // A mistake goes to the person alone: the public "thinking…" reply is removed and a private one sent.
    await fake.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith(`/${wrong.token}/messages/@original`));
    const followUp = await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${wrong.token}`));
    expect((followUp.body as { flags?: number }).flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(followUp.body as { content?: string })).toContain('type /papers slow instead');
  });

  it('autocompletes a paper from the index while its title is typed', async () => {
    const { fake, library } = await discordBot();
    const paper = (await library.library.get('2501.12948'))!;
    const ref = fake.interaction.autocomplete({ subcommand: 'show', options: [{ name: 'paper', type: 3, value: paper.titleDisplay.slice(0, 12), focused: true }] });
    const callback = await fake.waitForCallback(ref.token);
    expect(callback.type).toBe(8);
    const choices = (callback.data as ReplyData).choices!;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices.map((c) => c.value)).toContain('2501.12948');
    expect(choices.every((c) => c.name.length <= 100 && c.value.length <= 100)).toBe(true);
  });

  it('keeps bidi overrides out of thread names, choices and messages, and cuts long titles between characters', async () => {
    const { fake, command, library } = await discordBot();
    // 60 emoji (120 UTF-16 units) and a right-to-left override in the title.
    const title = `Evil \u202Eenil siht\u202C ${'🧪'.repeat(60)} transformers`;
    await addPapers(library, [createPaper({ arxivId: '2601.00042', title, abstract: 'We study \u202Ereversed\u202C text in titles of transformers.', source: 'import' })]);
    await command('discuss', [{ name: 'paper', type: 3, value: '2601.00042' }]);
    const thread = fake.threads.at(-1)!;
    expect(thread.name).not.toMatch(/[\u202A-\u202E\u2066-\u2069\n]/u);
    expect(thread.name.length).toBeLessThanOrEqual(100);
    expect(thread.name).not.toMatch(/[\uD800-\uDBFF]$|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
    for (const message of fake.messages) expect(JSON.stringify(message)).not.toMatch(/\\u202[a-e]|[\u202A-\u202E]/iu);
    const ref = fake.interaction.autocomplete({ subcommand: 'show', options: [{ name: 'paper', type: 3, value: 'evil', focused: true }] });
    const choices = ((await fake.waitForCallback(ref.token)).data as ReplyData).choices!;
    const choice = choices.find((c) => c.value === '2601.00042')!;
    expect(choice.name).not.toMatch(/[\u202A-\u202E]/u);
    expect(choice.name.length).toBeLessThanOrEqual(100);
    expect(choice.name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
  });

  it("autocompletes unsubscribe from this channel's subscriptions", async () => {
    const { fake, command } = await discordBot();
    await command('subscribe', [{ name: 'topic', type: 3, value: 'diffusion models' }], { permissions: MANAGER });
    const ref = fake.interaction.autocomplete({ subcommand: 'unsubscribe', options: [{ name: 'subscription', type: 3, value: 'diff', focused: true }] });
    expect(((await fake.waitForCallback(ref.token)).data as ReplyData).choices).toEqual([{ name: '#1 diffusion models', value: '1' }]);
  });

  it('runs every button: More, Related, Save, Cite, Discuss', async () => {
    const { fake, command, stores } = await discordBot();
    const first = await command('search', [{ name: 'query', type: 3, value: 'language models' }]);
    const more = buttonsOf(first.data).find((b) => b.label === 'More')!;
    const press = async (id: string) => (await fake.waitForCallback(fake.interaction.button({ customId: id, permissions: MEMBER }).token)).data as ReplyData;

    expect(text(await press(more.custom_id!))).toMatch(/6–10 of \d+ papers/);
    expect(text(await press(customId(first.data, 'Related')))).toMatch(/Papers like/);
    expect(text(await press(customId(first.data, 'Save')))).toMatch(/Saved/);
    expect(text(await press(customId(first.data, 'Cite')))).toMatch(/@article|arxiv\.org/);
    const discussed = await press(customId(first.data, 'Discuss'));
    expect(discussed.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(discussed)).toMatch(/Opened a thread/);
    expect(fake.threads).toHaveLength(1);
    expect((await stores.saved.list(`discord:${fake.channelId}`)).length).toBe(1);
    expect(fake.validationErrors).toEqual([]);
  });

  it('discuss posts the card, starts a thread on it; a mention there is answered in it and replies are counted', async () => {
    const { fake, command, stores } = await discordBot();
    const { data } = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    expect(text(data)).toMatch(/Opened a thread/);
    const [thread] = fake.threads;
    expect(thread!.parent_id).toBe(fake.channelId);
    const card = fake.messages.find((m) => m.id === thread!.id)!;
    expect(card.channel_id).toBe(fake.channelId);
    expect(fake.messages.some((m) => m.channel_id === thread!.id && /Abstract/.test(text(m)))).toBe(true);

    fake.userMessage({ channelId: thread!.id, content: 'I think the RL part is neat' });
    fake.userMessage({ channelId: thread!.id, content: 'what reward do they use?', mentionsBot: true });
    const answer = await fake.waitForMessage((m) => m.channel_id === thread!.id && /From the|does not say/.test(text(m)));
    expect(fake.pings(answer)).toEqual([]);
    const discussion = await stores.discussions.byThread(`discord:${fake.channelId}:${thread!.id}`);
    expect(discussion?.replyCount).toBe(2);


    const asked = await command('ask', [{ name: 'question', type: 3, value: 'what reward do they use?' }], { channelId: thread!.id });
    expect((asked.data.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(text(asked.data)).toMatch(/From the|does not say/);

    const again = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    expect(text(again.data)).toMatch(/already has a thread/);
    expect(fake.threads).toHaveLength(1);
  });

  it('says plainly when it may not open threads in a channel, and can open one once it may', async () => {
    const { fake, command, log } = await discordBot();
    fake.failNext({ method: 'POST', path: /\/threads$/ }, { status: 403, code: 50013, message: 'Missing Permissions' });
    const refused = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    expect(refused.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(refused.data)).toBe('I cannot post or open a thread in this channel (Missing Permissions). Ask an admin to let Paperboy send messages and create threads here.');
    expect(log.records.some((r) => r.message === 'not allowed to open a discussion thread here')).toBe(true);
    const opened = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    expect(text(opened.data)).toMatch(/Opened a thread/);
    expect(fake.threads).toHaveLength(1);
  });

  it('treats a command run inside a paper thread as run in its channel', async () => {
    const { fake, command } = await discordBot();
    await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    const [thread] = fake.threads;
    const inThread = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }], { channelId: thread!.id });
    expect(text(inThread.data)).toMatch(/already has a thread/);
    expect(fake.threads).toHaveLength(1);
  });

  it('answers a question that mentions the bot through its role, as Discord may insert for @Paperboy', async () => {
    const { fake, command, adapter } = await discordBot();
    await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    const [thread] = fake.threads;
    const roleId = '810000000000000001';
    fake.dispatch('GUILD_ROLE_CREATE', {
      guild_id: fake.guildId,
      role: { id: roleId, name: 'Paperboy', color: 0, hoist: false, position: 1, permissions: '0', managed: true, mentionable: false, flags: 0, tags: { bot_id: fake.botUser.id } },
    });
    fake.dispatch('GUILD_MEMBER_UPDATE', {
      guild_id: fake.guildId, roles: [roleId], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0,
      user: { id: fake.botUser.id, username: fake.botUser.username, discriminator: '0', global_name: null, avatar: null, bot: true },
    });
    const guild = adapter.client.guilds.cache.get(fake.guildId)!;
    await fake.waitFor(() => guild.members.me?.roles.botRole?.id === roleId || undefined);
    fake.dispatch('MESSAGE_CREATE', {
      id: '820000000000000001', channel_id: thread!.id, guild_id: fake.guildId, type: 0, content: `<@&${roleId}> what reward do they use?`,
      author: { id: '700000000000000001', username: 'alice', discriminator: '0', global_name: null, avatar: null },
      member: { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
      mentions: [], mention_roles: [roleId], mention_everyone: false, attachments: [], embeds: [], components: [],
      timestamp: new Date(0).toISOString(), edited_timestamp: null, flags: 0, tts: false, pinned: false,
    });
    const answer = await fake.waitForMessage((m) => m.channel_id === thread!.id && /From the|does not say/.test(text(m)));
    expect(fake.pings(answer)).toEqual([]);
  });

  it('reopens an archived thread, and opens a new one in place of a locked one, saying so', async () => {
    const { fake, command } = await discordBot();
    await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    const [thread] = fake.threads;
    fake.archiveThread(thread!.id);
    const reopened = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    expect(text(reopened.data)).toMatch(/had been archived; I reopened it/);
    expect(fake.threads[0]!.archived).toBe(false);

    fake.archiveThread(thread!.id, { locked: true });
    const replaced = await command('discuss', [{ name: 'paper', type: 3, value: '2501.12948' }]);
    expect(text(replaced.data)).toMatch(/was deleted or locked, so I opened a new one/);
    expect(fake.threads).toHaveLength(2);
  });

  it('refuses a manager subcommand to a member without Manage Channels, and runs it for one with it', async () => {
    const { command, stores, fake } = await discordBot({ managers: ['700000000000000099'] });
    const refused = await command('subscribe', [{ name: 'topic', type: 3, value: 'diffusion' }], { permissions: MEMBER });
    expect(refused.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(refused.data)).toBe('Only channel managers can use /papers subscribe here.');
    expect(await stores.subscriptions.list(`discord:${fake.channelId}`)).toEqual([]);

    const allowed = await command('subscribe', [{ name: 'topic', type: 3, value: 'diffusion' }, { name: 'mention', type: 9, value: '800000000000000001' }], { permissions: MANAGER });
    expect(text(allowed.data)).toMatch(/^Subscribed/);
    const listed = await command('daily', [{ name: 'action', type: 3, value: 'off' }], { permissions: MEMBER, userId: '700000000000000099' });
    expect(text(listed.data)).not.toMatch(/Only channel managers/);
  });

  it('refuses a mention that is not a Discord id (it would ping nobody), saying how to pick one', async () => {
    const { command, stores, fake } = await discordBot();
    for (const value of ['12345678901234567890123456', 'abc']) {
      const refused = await command('subscribe', [{ name: 'topic', type: 3, value: 'diffusion' }, { name: 'mention', type: 9, value }], { permissions: MANAGER });
      expect(refused.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
      expect(text(refused.data)).toMatch(/is not a Discord user id, so nobody would be pinged. Pick the user or role in the mention field/);
    }
    expect(await stores.subscriptions.list(`discord:${fake.channelId}`)).toEqual([]);
  });

  it('posts the scheduled daily post to its channel, waiting out a 429 and sending it exactly once', async () => {
    const { fake, command, bot, library } = await discordBot();
    await command('daily', [{ name: 'action', type: 3, value: 'on' }, { name: 'time', type: 3, value: '10:00' }, { name: 'timezone', type: 3, value: 'UTC' }, { name: 'top', type: 4, value: 3 }], { permissions: MANAGER });
    fake.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { status: 429, retryAfter: 0.3 });
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    const daily = fake.messages.filter((m) => m.via === 'channel');
    expect(daily).toHaveLength(1);
    expect(text(daily[0]!)).toMatch(/Trending papers for Friday 24 January/);
    expect(library.clock.now().toISOString()).toBe('2025-01-24T10:30:00.000Z');
  });

  it('pings exactly the role a subscription asked for, and nobody else', async () => {
    const { fake, bot, library } = await discordBot();
    const role = '800000000000000001';
    const ref = fake.interaction.command({
      subcommand: 'subscribe', permissions: MANAGER,
      options: [{ name: 'topic', type: 3, value: 'quantum error correction' }, { name: 'mention', type: 9, value: role }],
      resolved: { roles: { [role]: { id: role, name: 'paper-readers', color: 0, hoist: false, position: 1, permissions: '0', managed: false, mentionable: true, flags: 0 } } },
    });
    expect(text((await fake.waitForCallback(ref.token)).data as ReplyData)).toMatch(/mentioning role/);
    const paper = createPaper({ arxivId: '2501.88888', title: 'Quantum error correction with @everyone in the title', abstract: 'Quantum error correction codes for <@123456789012345678>.', source: 'import' });
    await addPapers(library, [paper]);
    await bot.subscriptionPosts.matchNew();
    const post = await fake.waitForMessage((m) => m.via === 'channel' && text(m).includes('Quantum error correction'));
    expect(post.content.startsWith(`<@&${role}>`)).toBe(true);
    expect(post.allowed_mentions).toEqual({ parse: [], roles: [role] });
    expect(fake.pings(post)).toEqual([`role:${role}`]);
  });

  it('disables a channel that was deleted', async () => {
    const { fake, command, bot, stores } = await discordBot();
    await command('daily', [{ name: 'action', type: 3, value: 'on' }, { name: 'time', type: 3, value: '10:00' }], { permissions: MANAGER });
    fake.deleteChannel(fake.channelId);
    await bot.jobs.runUntil(new Date('2025-01-25T12:00:00Z'));
    expect((await stores.channels.get(`discord:${fake.channelId}`))?.disabled?.reason).toMatch(/Unknown Channel/);
  });

  it('never posts a scheduled post twice when Discord made it but the answer was lost: it looks at the channel first', async () => {
    const { fake, command, bot, stores } = await discordBot();
    await command('daily', [{ name: 'action', type: 3, value: 'on' }, { name: 'time', type: 3, value: '10:00' }, { name: 'timezone', type: 3, value: 'UTC' }], { permissions: MANAGER });
    fake.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { status: 503, message: 'upstream timed out', afterEffect: true });
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    const calls = fake.requests.filter((r) => r.path === `/channels/${fake.channelId}/messages`);
    expect(calls.map((r) => [r.method, r.status])).toEqual([['POST', 503], ['GET', 200]]);
    expect((calls[0]!.body as { enforce_nonce?: boolean }).enforce_nonce).toBe(true);
    const posted = fake.messages.filter((m) => m.via === 'channel');
    expect(posted).toHaveLength(1);
    expect(await stores.deliveries.get(`daily:discord:${fake.channelId}:2025-01-24`)).toMatchObject({ status: 'sent', postedId: posted[0]!.id });
  });

  it('after a hung call, failed look-ups and a reset after Discord made the post: one message, every attempt with the same nonce', async () => {
    const { fake, command, bot } = await discordBot();
    await command('daily', [{ name: 'action', type: 3, value: 'on' }, { name: 'time', type: 3, value: '10:00' }, { name: 'timezone', type: 3, value: 'UTC' }], { permissions: MANAGER });
    // The first attempt hangs (the request timeout ends it); the look-ups before the next one fail twice with a 502;
    // the next post is cut after Discord made it; the look-up after that finds it.
    fake.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { hang: true });
    fake.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { reset: true, afterEffect: true });
    fake.failNext({ method: 'GET', path: /^\/channels\/\d+\/messages$/ }, { status: 502 });
    fake.failNext({ method: 'GET', path: /^\/channels\/\d+\/messages$/ }, { status: 502 });
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`);
    expect(posts.map((r) => r.status)).toEqual([0, 0]);
    expect(new Set(posts.map((r) => (r.body as { nonce?: string }).nonce)).size).toBe(1);
    const lookups = fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${fake.channelId}/messages`);
    expect(lookups.map((r) => r.status)).toEqual([502, 502, 200, 200]);
    expect(fake.messages.filter((m) => m.via === 'channel')).toHaveLength(1);
  });

  it('disables a channel that the bot lost access to, with a log line', async () => {
    const { fake, command, bot, stores, log } = await discordBot();
    await command('daily', [{ name: 'action', type: 3, value: 'on' }, { name: 'time', type: 3, value: '10:00' }], { permissions: MANAGER });
    fake.denyAccess(fake.channelId);
    await bot.jobs.runUntil(new Date('2025-01-25T12:00:00Z'));
    expect((await stores.channels.get(`discord:${fake.channelId}`))?.disabled?.reason).toMatch(/Missing Access/);
    expect(log.records.some((r) => r.message === 'discord channel refused a post')).toBe(true);
    expect(fake.messages.filter((m) => m.via === 'channel')).toHaveLength(0);
  });

  it('renders a paper whose title tries to ping everyone and a user with no allowed mention anywhere', async () => {
    const { fake, command, library } = await discordBot();
    await addPapers(library, [createPaper({ arxivId: '2501.99999', title: '@everyone look <@123456789012345678> and @here', abstract: 'Ping <@&123456789012345678> now.', source: 'import' })]);
    const { data } = await command('show', [{ name: 'paper', type: 3, value: '2501.99999' }]);
    expect(text(data)).toContain('everyone look');
    expect(text(data)).not.toMatch(/(^|[^\u200b])@everyone|<@\d|<@&\d|(^|[^\u200b])@here/);
    await command('discuss', [{ name: 'paper', type: 3, value: '2501.99999' }]);
    const posted = fake.messages as FakeMessage[];
    expect(posted.length).toBeGreaterThan(1);
    for (const message of posted) {
      expect(fake.pings(message)).toEqual([]);
      expect(message.allowed_mentions).toEqual({ parse: [] });
    }
  });

  it('says which setting to fix when Discord refuses the token', async () => {
    const fake = await startFakeDiscord();
    running.push({ stop: () => fake.close() });
    const library = await testLibrary();
    const bot = createBot({
      clock: library.clock, log: new MemoryLogger(), library: library.library, stores: library.stores, senderFor: () => undefined,
      status: { startedAt: library.clock.now(), version: 't', sources: [] }, defaultTimeZone: 'UTC',
    });
    const adapter = createDiscordAdapter(
      { token: 'wrong.token.value', applicationId: fake.appId, apiBase: fake.apiBase, managers: [], requestTimeoutMs: 2000 },
      { inbound: bot, clock: library.clock, log: new MemoryLogger() },
    );
    await expect(adapter.start()).rejects.toThrow('Discord refused DISCORD_TOKEN. Copy the token again from the Bot page of your application (Reset Token) into .env.');
  });

  it('reconnects after the fake drops the gateway, and keeps answering', async () => {
    const { fake, command, adapter } = await discordBot();
    fake.dropGateway();
    await fake.waitFor((s) => s.resumes + s.identifies >= 2 || undefined, 5000);
    expect(fake.resumes).toBe(1);
    const { data } = await command('status');
    expect(text(data)).toMatch(/Paperboy status/);
    expect(adapter.client.isReady()).toBe(true);
  });

  it('answers /papers cite of a paper with 3,000 authors in at most two messages, and a long saved export as a file', async () => {
    const { fake, command, library, stores } = await discordBot();
    const many = (arxivId: string, count: number) => createPaper({
      arxivId, title: `A Collaboration of Thousands ${arxivId}`, abstract: 'We measured it together.', source: 'hf-daily',
      authors: Array.from({ length: count }, (_, i) => `Author Number${i} Surname${i}`),
    });
    await addPapers(library, [many('2601.03000', 3000)]);
    const cite = await command('cite', [{ name: 'paper', type: 3, value: '2601.03000' }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The reply, and at most one follow-up.
    expect(fake.requests.filter((r) => r.path.includes(cite.ref.token)).length).toBeLessThanOrEqual(2);

    const papers = Array.from({ length: 12 }, (_, i) => many(`2601.${String(30000 + i)}`, 400));
    await addPapers(library, papers);
    for (const paper of papers) await stores.saved.save({ channel: `discord:${fake.channelId}`, paperId: paper.id, savedBy: 'discord:U1', savedAt: new Date().toISOString() });
    const { ref, data } = await command('saved', [{ name: 'action', type: 3, value: 'export' }, { name: 'format', type: 3, value: 'bibtex' }]);
    expect(text(data)).toMatch(/attached as reading-list\.bib/);
    const request = fake.requests.find((r) => r.path.includes(ref.token))!;
    expect(request.files).toEqual([expect.objectContaining({ filename: 'reading-list.bib' })]);
    expect(request.files![0]!.text.match(/^@misc\{/gm)).toHaveLength(12);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests.filter((r) => r.path.includes(ref.token))).toHaveLength(1);
  });
});
