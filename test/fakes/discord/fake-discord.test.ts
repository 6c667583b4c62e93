import { once } from 'node:events';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type Interaction,
  type Message,
  type TextChannel,
  type ThreadChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  DISCORD_LIMITS,
  INTENTS,
  startFakeDiscord,
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeMessage,
} from './fake-discord.ts';

const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
const USER_ID = '700000000000000001';

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake?.close();
  fake = undefined;
});

/** Starts the fake and a logged-in, ready discord.js client against it. */
async function boot(options: FakeDiscordOptions = {}, intents: GatewayIntentBits[] = DEFAULT_INTENTS): Promise<{ fake: FakeDiscord; client: Client }> {
  fake = await startFakeDiscord(options);
  client = newClient(fake, intents);
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return { fake, client };
}

function newClient(target: FakeDiscord, intents: GatewayIntentBits[] = DEFAULT_INTENTS): Client {
  return new Client({ intents, rest: { api: target.apiBase, retries: 0, timeout: 2000 }, allowedMentions: { parse: [] } });
}

/** The next `interactionCreate`. */
function nextInteraction(c: Client): Promise<Interaction> {
  return new Promise((resolve) => c.once(Events.InteractionCreate, resolve));
}

/** The next `messageCreate` matching `pred` (the bot's own posts arrive as messageCreate too). */
function nextMessage(c: Client, pred: (m: Message) => boolean = (m) => !m.author.bot): Promise<Message> {
  return new Promise((resolve) => {
    const listener = (message: Message): void => {
      if (!pred(message)) return;
      c.off(Events.MessageCreate, listener);
      resolve(message);
    };
    c.on(Events.MessageCreate, listener);
  });
}

async function rejection(promise: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DiscordAPIError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

const textChannel = (c: Client, id: string): TextChannel => c.channels.cache.get(id) as TextChannel;

describe('fake Discord: login and gateway', () => {
  it('logs a real client in quickly, with the guild, channel and bot member cached', async () => {
    const started = Date.now();
    const { fake, client } = await boot();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.appId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.available).toBe(true);
    const channel = client.channels.cache.get(fake.channelId);
    expect(channel?.isTextBased()).toBe(true);
    expect(guild?.members.me?.id).toBe(fake.botUser.id);
    const permissions = textChannel(client, fake.channelId).permissionsFor(client.user!);
    expect(permissions?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(permissions?.has(PermissionFlagsBits.ManageChannels)).toBe(false);
    expect(fake.identifies).toBe(1);
    expect(fake.connections).toBe(1);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', auth: `Bot ${fake.token}`, status: 200 });
  });

  it('rejects login with a wrong token (401 on GET /gateway/bot)', async () => {
    fake = await startFakeDiscord();
    client = newClient(fake);
    await expect(client.login('wrong.token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.identifies).toBe(0);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401 });
  });

  it('refuses privileged intents that were not switched on, and serves content once they are', async () => {
    fake = await startFakeDiscord();
    client = newClient(fake, [...DEFAULT_INTENTS, GatewayIntentBits.MessageContent]);
    await expect(client.login(fake.token)).rejects.toThrow(/disallowed intents/i);
    expect(fake.gatewayErrors).toEqual([expect.stringContaining('4014')]);
    await client.destroy();
    await fake.close();

    const booted = await boot({ allowedPrivilegedIntents: INTENTS.MessageContent }, [...DEFAULT_INTENTS, GatewayIntentBits.MessageContent]);
    const got = nextMessage(booted.client);
    booted.fake.userMessage({ channelId: booted.fake.channelId, content: 'no mention here' });
    expect((await got).content).toBe('no mention here');
  });

  it('speaks the raw protocol: HELLO, heartbeat ACK, op 9 for unknown sessions, 4004 for a bad token', async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 1234 });
    const frames: { op: number; d: unknown; s: number | null; t: string | null }[] = [];
    const open = async (query = '?v=10&encoding=json'): Promise<{ ws: WebSocket; closed: Promise<number> }> => {
      const ws = new WebSocket(`${fake!.gatewayUrl}/${query}`);
      ws.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await once(ws, 'open');
      return { ws, closed };
    };
    const first = await open();
    await fake.waitFor(() => frames.length >= 1);
    expect(frames[0]).toEqual({ op: 10, d: { heartbeat_interval: 1234, _trace: ['fake-discord'] }, s: null, t: null });
    first.ws.send(JSON.stringify({ op: 1, d: null }));
    await fake.waitFor(() => frames.some((f) => f.op === 11));
    first.ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: 'nope', seq: 3 } }));
    await fake.waitFor(() => frames.find((f) => f.op === 9));
    expect(frames.find((f) => f.op === 9)?.d).toBe(false);
    first.ws.send(JSON.stringify({ op: 2, d: { token: 'bad', intents: 1, properties: {} } }));
    expect(await first.closed).toBe(4004);

    const second = await open('?v=9&encoding=json');
    expect(await second.closed).toBe(4012);

    frames.length = 0;
    const third = await open();
    third.ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1, properties: {}, shard: [0, 1] } }));
    await fake.waitFor(() => frames.filter((f) => f.op === 0).length >= 2);
    const dispatches = frames.filter((f) => f.op === 0);
    expect(dispatches.map((f) => [f.t, f.s])).toEqual([
      ['READY', 1],
      ['GUILD_CREATE', 2],
    ]);
    fake.dispatch('TYPING_START', { channel_id: fake.channelId });
    await fake.waitFor(() => frames.find((f) => f.t === 'TYPING_START'));
    expect(frames.at(-1)?.s).toBe(3);
    third.ws.close(1000);
    await third.closed;
  });

  it('resumes after a dropped connection, replays what was missed, and still delivers interactions', async () => {
    const { fake, client } = await boot();
    const resumed = once(client, Events.ShardResume);
    fake.dropGateway();
    // Dispatched while the socket is gone: replayed on RESUME.
    const missed = nextMessage(client);
    fake.userMessage({ channelId: fake.channelId, content: 'while you were away', mentionsBot: true });
    await resumed;
    expect(fake.resumes).toBe(1);
    expect(fake.identifies).toBe(1);
    expect((await missed).content).toContain('while you were away');

    const got = nextInteraction(client);
    fake.interaction.command({ subcommand: 'top' });
    const interaction = await got;
    expect(interaction.isChatInputCommand() && interaction.options.getSubcommand()).toBe('top');
  });
});

describe('fake Discord: interactions', () => {
  it('delivers a chat-input command and records reply() as a 204 type-4 callback', async () => {
    const { fake, client } = await boot();
    const got = nextInteraction(client);
    const ref = fake.interaction.command({ subcommand: 'search', options: [{ name: 'query', type: 3, value: 'diffusion' }] });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
    expect(interaction.id).toBe(ref.id);
    expect(interaction.commandName).toBe('papers');
    expect(interaction.options.getSubcommand()).toBe('search');
    expect(interaction.options.getString('query')).toBe('diffusion');
    expect(interaction.inCachedGuild()).toBe(true);
    expect(interaction.channelId).toBe(fake.channelId);
    expect(interaction.user.id).toBe(USER_ID);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)).toBe(false);

    await interaction.reply({ content: 'Found 3 papers' });
    const callback = await fake.waitForCallback(ref.token);
    expect(callback).toMatchObject({ interactionId: ref.id, type: 4, data: { content: 'Found 3 papers', allowed_mentions: { parse: [] } } });
    const request = fake.requests.find((r) => r.path === `/interactions/${ref.id}/${ref.token}/callback`);
    expect(request).toMatchObject({ method: 'POST', status: 204, auth: undefined });
    expect(fake.messages).toEqual([expect.objectContaining({ via: 'interaction', content: 'Found 3 papers', channel_id: fake.channelId, interactionId: ref.id })]);

    const again = await rejection(
      client.rest.post(Routes.interactionCallback(ref.id, ref.token), { body: { type: 4, data: { content: 'twice' } }, auth: false }),
    );
    expect(again.code).toBe(40060);
    expect(again.status).toBe(400);
  });

  it('routes deferReply + editReply + followUp through the interaction webhook', async () => {
    const { fake, client } = await boot();
    const got = nextInteraction(client);
    const ref = fake.interaction.command({ subcommand: 'search', options: [{ name: 'query', type: 3, value: 'rl' }] });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
    await interaction.deferReply();
    expect(fake.messages[0]).toMatchObject({ via: 'interaction', content: '', flags: MessageFlags.Loading });
    const edited = await interaction.editReply({ content: 'done', embeds: [{ title: 'A paper' }] });
    expect(edited.content).toBe('done');
    await fake.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${fake.appId}/${ref.token}/messages/@original`);
    expect(fake.callbacks.map((c) => c.type)).toEqual([5]);
    expect(fake.messages[0]).toMatchObject({ content: 'done', flags: 0, embeds: [expect.objectContaining({ title: 'A paper' })] });

    const follow = await interaction.followUp({ content: 'page 2', flags: MessageFlags.Ephemeral });
    expect(follow.content).toBe('page 2');
    expect(fake.messages[1]).toMatchObject({ via: 'webhook', content: 'page 2', flags: MessageFlags.Ephemeral });
    expect(fake.requests.find((r) => r.method === 'POST' && r.path === `/webhooks/${fake.appId}/${ref.token}`)?.query).toEqual({ wait: 'true' });

    await interaction.deleteReply();
    expect(fake.messages.map((m) => m.content)).toEqual(['page 2']);
  });

  it('records autocomplete respond() as a type-8 callback with choices', async () => {
    const { fake, client } = await boot();
    const got = nextInteraction(client);
    const ref = fake.interaction.autocomplete({ subcommand: 'search', options: [{ name: 'query', type: 3, value: 'diff', focused: true }] });
    const interaction = await got;
    if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
    expect(interaction.options.getFocused()).toBe('diff');
    expect(interaction.options.getSubcommand()).toBe('search');
    await interaction.respond([{ name: 'Diffusion models', value: 'diffusion' }]);
    const callback = await fake.waitForCallback(ref.id);
    expect(callback).toMatchObject({ type: 8, data: { choices: [{ name: 'Diffusion models', value: 'diffusion' }] } });
    expect(() => fake.interaction.autocomplete({ options: [{ name: 'query', type: 3, value: 'x' }] })).toThrow(/focused/);
  });

  it('delivers string selects and member permissions as given', async () => {
    const { fake, client } = await boot();
    const admin = (PermissionFlagsBits.ManageChannels | PermissionFlagsBits.SendMessages).toString();
    const got = nextInteraction(client);
    const ref = fake.interaction.select({ customId: 'sort', values: ['newest'], permissions: admin, user: { id: '700000000000000005', username: 'bob' } });
    const interaction = await got;
    if (!interaction.isStringSelectMenu()) throw new Error('expected a string select');
    expect(interaction.values).toEqual(['newest']);
    expect(interaction.user.username).toBe('bob');
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)).toBe(true);
    await interaction.deferUpdate();
    expect((await fake.waitForCallback(ref.token)).type).toBe(6);
    await interaction.editReply({ content: 'sorted by date' });
    expect(fake.messages).toEqual([expect.objectContaining({ id: interaction.message.id, content: 'sorted by date' })]);

    const unknownWebhook = await rejection(client.rest.patch(Routes.webhookMessage(fake.appId, 'not-a-token'), { body: { content: 'x' }, auth: false }));
    expect(unknownWebhook).toMatchObject({ status: 404, code: 10015 });
  });

  it('delivers buttons on stored messages (update) and on unknown ones (reply)', async () => {
    const { fake, client } = await boot();
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('more:1').setLabel('More').setStyle(ButtonStyle.Primary));
    const posted = await textChannel(client, fake.channelId).send({ content: 'page 1', components: [row] });

    let got = nextInteraction(client);
    const ref = fake.interaction.button({ customId: 'more:1', messageId: posted.id });
    let interaction = await got;
    if (!interaction.isButton()) throw new Error('expected a button');
    expect(interaction.customId).toBe('more:1');
    expect(interaction.message.id).toBe(posted.id);
    await interaction.update({ content: 'page 2', components: [] });
    expect((await fake.waitForCallback(ref.token)).type).toBe(7);
    expect(fake.messages).toEqual([expect.objectContaining({ id: posted.id, content: 'page 2', components: [], via: 'channel' })]);
    expect(fake.messages[0]?.edited_timestamp).not.toBeNull();

    got = nextInteraction(client);
    const other = fake.interaction.button({ customId: 'save:9' });
    interaction = await got;
    if (!interaction.isButton()) throw new Error('expected a button');
    expect(interaction.message.author.id).toBe(fake.botUser.id);
    await interaction.reply({ content: 'Saved', flags: MessageFlags.Ephemeral });
    expect((await fake.waitForCallback(other.id)).type).toBe(4);
    expect(fake.messages.at(-1)).toMatchObject({ content: 'Saved', flags: MessageFlags.Ephemeral, via: 'interaction' });
  });

  it('answers 10062 once the 3-second deadline has passed on the fake clock', async () => {
    let now = Date.parse('2025-01-24T12:00:00Z');
    const { fake, client } = await boot({ clock: () => now });
    const got = nextInteraction(client);
    fake.interaction.command({});
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
    now += 3001;
    const error = await rejection(interaction.reply({ content: 'too late' }));
    expect(error.code).toBe(10062);
  });

  it('validates and echoes command registration, and uses the registered id', async () => {
    const { fake, client } = await boot();
    const commands = [
      {
        name: 'papers',
        description: 'Trending papers',
        options: [
          { type: 1, name: 'search', description: 'Search', options: [{ type: 3, name: 'query', description: 'Words', required: true, autocomplete: true }] },
          { type: 1, name: 'top', description: 'Top papers' },
        ],
      },
    ];
    const echoed = await client.application!.commands.set(commands, fake.guildId);
    const id = echoed.first()!.id;
    expect(fake.commands).toEqual([{ guildId: fake.guildId, body: [expect.objectContaining({ name: 'papers' })] }]);

    const bad = await rejection(
      client.rest.put(Routes.applicationGuildCommands(fake.appId, fake.guildId), {
        body: [{ name: 'Papers', description: '' }, { name: 'x', description: 'y', options: [{ type: 5, name: 'flag', description: 'd', autocomplete: true, choices: [{ name: 'a', value: 'a' }] }] }],
      }),
    );
    expect(bad.code).toBe(50035);
    expect(fake.validationErrors.at(-1)?.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[0\]\.name/), expect.stringMatching(/^\[0\]\.description/), expect.stringMatching(/^\[1\]\.options\[0\]\.autocomplete/)]),
    );

    const got = nextInteraction(client);
    fake.interaction.command({ subcommand: 'top' });
    const interaction = await got;
    expect(interaction.isChatInputCommand() && interaction.commandId).toBe(id);
  });
});

describe('fake Discord: REST', () => {
  it('records channel posts and answers limit violations with 400 50035/50006', async () => {
    const { fake, client } = await boot();
    const created = (await client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: 'hello', allowed_mentions: { parse: [] } } })) as { id: string; author: { bot: boolean } };
    expect(created.author.bot).toBe(true);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: `/channels/${fake.channelId}/messages`, body: { content: 'hello' }, auth: `Bot ${fake.token}`, status: 200 });
    expect(fake.messages).toEqual([expect.objectContaining({ id: created.id, content: 'hello', via: 'channel', guild_id: fake.guildId })]);

    const title = await rejection(client.rest.post(Routes.channelMessages(fake.channelId), { body: { embeds: [{ title: 'x'.repeat(DISCORD_LIMITS.embedTitle + 1) }] } }));
    expect(title).toMatchObject({ code: 50035, status: 400 });
    expect(title.message).toContain('embeds[0].title[BASE_TYPE_MAX_LENGTH]');

    const big = { description: 'y'.repeat(3500) };
    const total = await rejection(client.rest.post(Routes.channelMessages(fake.channelId), { body: { embeds: [big, big] } }));
    expect(total.message).toContain('MAX_EMBED_SIZE_EXCEEDED');

    const buttons = Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, custom_id: i < 2 ? 'same' : `b${i}`, label: 'x'.repeat(i === 5 ? 81 : 3) }));
    const rows = await rejection(client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: 'x', components: [{ type: 1, components: buttons }] } }));
    expect(rows.message).toMatch(/components\[0\]\.components\[BASE_TYPE_MAX_LENGTH\]/);
    // discord.js prints only the list-level error; the fake records every line.
    expect(fake.validationErrors.at(-1)?.errors).toEqual([
      'components[0].components: Must be 5 or fewer in length.',
      'components[0].components[1].custom_id: Component custom id cannot be duplicated',
      'components[0].components[5].label: Must be 80 or fewer in length.',
    ]);

    const empty = await rejection(client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: '   ' } }));
    expect(empty).toMatchObject({ code: 50006, message: 'Cannot send an empty message' });
    const tooLong = await rejection(textChannel(client, fake.channelId).send('z'.repeat(DISCORD_LIMITS.content + 1)));
    expect(tooLong.code).toBe(50035);

    expect(fake.validationErrors.map((e) => e.code)).toEqual([50035, 50035, 50035, 50006, 50035]);
    expect(fake.messages).toHaveLength(1);
  });

  it('retries a scripted 429 through the REST queue and stores the message once', async () => {
    const { fake, client } = await boot();
    fake.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { status: 429, retryAfter: 0.2 });
    const started = Date.now();
    await textChannel(client, fake.channelId).send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.messages.filter((m) => m.content === 'after the limit')).toHaveLength(1);
  });

  it('returns the first message for an enforced nonce within its window, echoes the nonce in the answer only, and pages by after', async () => {
    let now = Date.parse('2025-01-24T12:00:00Z');
    const { fake, client } = await boot({ clock: () => now, nonceWindowMs: 60_000 });
    const route = Routes.channelMessages(fake.channelId);
    const body = { content: 'daily post', nonce: 'n1', enforce_nonce: true };
    const first = (await client.rest.post(route, { body })) as { id: string; nonce?: string };
    const again = (await client.rest.post(route, { body })) as { id: string; nonce?: string };
    expect([first.nonce, again.id]).toEqual(['n1', first.id]);
    const listed = (await client.rest.get(route)) as { id: string; nonce?: string }[];
    expect(listed.map((m) => [m.id, m.nonce])).toEqual([[first.id, undefined]]);
    now += 61_000;
    const late = (await client.rest.post(route, { body })) as { id: string };
    expect(late.id).not.toBe(first.id);
    for (const content of ['a', 'b', 'c']) await client.rest.post(route, { body: { content } });
    const after = (await client.rest.get(route, { query: new URLSearchParams({ after: first.id, limit: '2' }) })) as { content: string }[];
    expect(after.map((m) => m.content)).toEqual(['a', 'daily post']);
  });

  it('can fail a request after it took effect: a reset connection, a hang the client times out', async () => {
    const { fake, client } = await boot();
    const route = Routes.channelMessages(fake.channelId);
    fake.failNext({ method: 'POST', path: /\/messages$/ }, { reset: true, afterEffect: true });
    fake.failNext({ method: 'POST', path: /\/messages$/ }, { hang: true });
    await expect(client.rest.post(route, { body: { content: 'made' } })).rejects.toThrow();
    await expect(client.rest.post(route, { body: { content: 'never made' } })).rejects.toThrow(/abort/i);
    expect(fake.messages.map((m) => m.content)).toEqual(['made']);
  });

  it('advertises a bucket that discord.js paces itself by, so no 429 is needed', async () => {
    const { fake, client } = await boot({ rateLimit: { limit: 2, windowMs: 300 } });
    const channel = textChannel(client, fake.channelId);
    const started = Date.now();
    for (const content of ['one', 'two', 'three']) await channel.send(content);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(fake.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('answers unknown routes, missing auth, deleted channels and lost access like Discord', async () => {
    const second = '800000000000000003';
    const { fake, client } = await boot({ guilds: [{ id: '800000000000000001', channels: [{ id: '800000000000000002' }, { id: second }] }] });
    const unknown = await fetch(`${fake.apiBase}/v10/nowhere`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 0, message: '404: Not Found' });
    const anonymous = await fetch(`${fake.apiBase}/v10/users/@me`);
    expect(anonymous.status).toBe(401);
    const post = await fetch(`${fake.apiBase}/v10/channels/${fake.channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'raw' }),
    });
    expect(post.status).toBe(200);
    for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-reset-after', 'x-ratelimit-bucket']) {
      expect(post.headers.get(header)).not.toBeNull();
    }

    fake.deleteChannel(fake.channelId, { dispatch: false });
    const gone = await rejection(client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: 'x' } }));
    expect(gone).toMatchObject({ status: 404, code: 10003, message: 'Unknown Channel' });
    fake.denyAccess(second);
    const denied = await rejection(textChannel(client, second).send('x'));
    expect(denied).toMatchObject({ status: 403, code: 50001, message: 'Missing Access' });
  });
});

describe('fake Discord: threads and user messages', () => {
  it('creates a thread from a message (id = message id) that discord.js caches from THREAD_CREATE', async () => {
    const { fake, client } = await boot();
    const starter = (await client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: 'Paper of the day' } })) as { id: string };
    const created = once(client, Events.ThreadCreate);
    const data = (await client.rest.post(Routes.threads(fake.channelId, starter.id), { body: { name: 'Discussion', auto_archive_duration: 1440, type: 11 } })) as { id: string };
    expect(data.id).toBe(starter.id);
    const [thread, newlyCreated] = (await created) as [ThreadChannel, boolean];
    expect(thread.id).toBe(starter.id);
    expect(newlyCreated).toBe(true);
    const cached = client.channels.cache.get(starter.id);
    expect(cached?.isThread() && cached.parentId).toBe(fake.channelId);
    expect(fake.threads).toEqual([expect.objectContaining({ id: starter.id, parent_id: fake.channelId, name: 'Discussion', archived: false, locked: false, auto_archive_duration: 1440 })]);

    const again = await rejection(client.rest.post(Routes.threads(fake.channelId, starter.id), { body: { name: 'Again' } }));
    expect(again.code).toBe(160004);
    const other = await textChannel(client, fake.channelId).send('another');
    const invalid = await rejection(client.rest.post(Routes.threads(fake.channelId, other.id), { body: { name: '', auto_archive_duration: 30 } }));
    expect(invalid.message).toMatch(/name\[BASE_TYPE_BAD_LENGTH\][\s\S]*auto_archive_duration\[BASE_TYPE_CHOICES\]/);
    const viaStartThread = await other.startThread({ name: 'Second' });
    expect(viaStartThread.id).toBe(other.id);
  });

  it('delivers a user message in a thread as messageCreate, with content only when the bot is mentioned', async () => {
    const { fake, client } = await boot();
    const starter = await textChannel(client, fake.channelId).send('Paper of the day');
    const thread = await starter.startThread({ name: 'Discussion' });

    let got = nextMessage(client);
    fake.userMessage({ channelId: thread.id, content: 'what about v2?', mentionsBot: true });
    let message = await got;
    expect(message.channel.isThread()).toBe(true);
    expect(message.channelId).toBe(thread.id);
    expect(message.mentions.users.has(fake.botUser.id)).toBe(true);
    expect(message.content).toBe(`<@${fake.botUser.id}> what about v2?`);
    expect(message.author.id).toBe(USER_ID);

    got = nextMessage(client);
    fake.userMessage({ channelId: thread.id, content: 'just chatting' });
    message = await got;
    expect(message.content).toBe('');
    expect(message.mentions.users.size).toBe(0);

    const botPost = await thread.send('Here are three papers');
    got = nextMessage(client);
    fake.userMessage({ channelId: thread.id, content: 'more like the second', replyTo: botPost.id });
    message = await got;
    expect(message.reference?.messageId).toBe(botPost.id);
    expect(message.mentions.users.has(fake.botUser.id)).toBe(true);
    expect(message.content).toBe('more like the second');
  });

  it('unarchives on post, refuses archived+locked threads, and forbids unlocking', async () => {
    const { fake, client } = await boot();
    const starter = await textChannel(client, fake.channelId).send('starter');
    const thread = await starter.startThread({ name: 'Discussion', autoArchiveDuration: 60 });

    const archived = once(client, Events.ThreadUpdate);
    fake.archiveThread(thread.id);
    await archived;
    expect(thread.archived).toBe(true);
    await thread.send('bump');
    expect(fake.threads[0]?.archived).toBe(false);
    await fake.waitFor(() => thread.archived === false);

    fake.archiveThread(thread.id, { locked: true });
    const locked = await rejection(thread.send('nope'));
    expect(locked).toMatchObject({ status: 400, code: 50083, message: 'Thread is archived' });
    const unarchive = await rejection(thread.setArchived(false));
    expect(unarchive).toMatchObject({ status: 403, code: 50013 });
  });

  it('says who a message pings: nothing with parse [], everything when allowed_mentions is omitted', async () => {
    const { fake, client } = await boot();
    const post = (body: object): Promise<unknown> => client.rest.post(Routes.channelMessages(fake.channelId), { body });
    await post({ content: '@everyone <@123>', allowed_mentions: { parse: [] } });
    await post({ content: '@everyone <@123>' });
    await post({ content: '@here <@123> <@!456> <@&789>', allowed_mentions: { parse: [], users: ['123'], roles: ['789'] } });
    await post({ content: 'quiet', embeds: [{ description: '@everyone <@123>' }] });
    const [none, all, listed, embedOnly] = fake.messages as [FakeMessage, FakeMessage, FakeMessage, FakeMessage];
    expect(fake.pings(none)).toEqual([]);
    expect(fake.pings(all)).toEqual(['everyone', 'user:123']);
    expect(fake.pings(listed)).toEqual(['user:123', 'role:789']);
    expect(fake.pings(embedOnly)).toEqual([]);

    // discord.js applies the client-wide allowedMentions ({ parse: [] }) to send().
    await textChannel(client, fake.channelId).send('@everyone look');
    expect(fake.pings(fake.messages.at(-1)!)).toEqual([]);
  });
});
