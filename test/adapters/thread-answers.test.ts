/*
 * How answers reach a paper's thread on every platform, through the real Bolt, the real discord.js and the
 * terminal adapter: an answer that takes a while (here a language model held by its fake) is announced at
 * once by a "thinking" message that it then replaces; on Slack a thread message starting with `ask` asks.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/app.ts';
import { createShellAdapter } from '../../adapters/shell/repl.ts';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/app.ts';
import { createBot } from '../../bot.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import { ChatCompletionsClient } from '../../src/llm/chat-completions.ts';
import { PaperWriter } from '../../src/llm/paper-writer.ts';
import { PacedSender } from '../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import { startFakeDiscord } from '../fakes/discord/fake-discord.ts';
import { FakeOpenAi } from '../fakes/fake-openai.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';
import { startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { mentionEvent, slackDriver, threadMessageEvent } from '../fakes/slack/slack-driver.ts';
import { fakeArxivLibrary, FULL_TEXT_FIXTURES, fullTextFixture } from '../helpers/full-text.ts';
import { addPapers, testLibrary } from '../helpers/library.ts';

const SECRET = '8f742231b10e8888abcd99aaaaaa85a5';
const THINKING = 'Reading the paper… I will put the answer here in a moment.';
const WRITTEN = 'They used 32 NVIDIA A100 GPUs [§4.2].';
const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
});

/** The whole bot with the full-text fixtures on a fake arXiv, and a language model on a fake server. */
async function wiredBot(platformFor: (name: string) => ChatPlatform | undefined) {
  const senders = new Map<string, PacedSender>();
  const arxiv = await new FakeSourcesServer().start();
  const model = await new FakeOpenAi().start();
  running.push({ stop: () => arxiv.close() }, { stop: () => model.close() });
  const stores = createMemoryStores();
  const { library, clock } = await testLibrary({ now: '2025-07-24T12:00:00Z', stores });
  await addPapers({ library, stores }, FULL_TEXT_FIXTURES.map((id) => fullTextFixture(id).paper));
  const log = new MemoryLogger();
  const bot = createBot({
    clock, log, library, stores,
    // Answers go through the paced sender of their platform, as in the bot.
    senderFor: (name) => {
      const platform = platformFor(name);
      if (!platform) return undefined;
      if (!senders.has(name)) senders.set(name, new PacedSender({ platform, clock, logger: log }));
      return senders.get(name);
    },
    platformFor,
    thinkingAfterMs: 50,
    status: { startedAt: clock.now(), version: 't', sources: [] },
    defaultTimeZone: 'UTC',
    fullText: fakeArxivLibrary(arxiv, { store: stores.fullTexts, clock, log }),
    writer: new PaperWriter({
      client: new ChatCompletionsClient({ baseUrl: model.baseUrl, apiKey: 'k', model: 'test-model', timeoutMs: 10_000 }),
      usage: stores.modelUsage, clock, log, dailyTokensPerChannel: 100_000,
    }),
  });
  return { bot, model, clock, log, stores };
}

describe('the thinking state', () => {
  it('Slack: posts a thinking message in the thread, then updates it with the answer (chat.update)', async () => {
    const fake = await startFakeSlack();
    running.push({ stop: () => fake.close() });
    let adapter: SlackAdapter | undefined;
    const { bot, model, clock, log, stores } = await wiredBot((name) => (name === 'slack' ? adapter?.platform : undefined));
    adapter = createSlackAdapter(
      { mode: 'http', botToken: 'xoxb-test', signingSecret: SECRET, port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, command: '/papers', managers: [], botId: 'B1', botUserId: 'UBOT', processBeforeResponse: false, requestTimeoutMs: 5000, startTimeoutMs: 5000 },
      { inbound: bot, clock, log, inboundEvents: stores.inbound },
    );
    const { port } = await adapter.start();
    running.push({ stop: () => adapter!.stop() });
    const driver = slackDriver(`http://127.0.0.1:${port ?? 0}/slack/events`, SECRET, { responseUrl: () => fake.responseUrl() });

    await driver.command({ text: 'discuss 2507.04211' });
    await expect.poll(() => fake.messages.filter((m) => m.thread_ts !== undefined).length, { timeout: 10_000 }).toBe(1);
    const card = fake.messages.find((m) => m.thread_ts === undefined)!;

    model.reply({ content: WRITTEN });
    model.hold();
    await driver.event(mentionEvent({ user: 'U0002', channel: card.channel, text: 'what GPUs did they train on?', threadTs: card.ts }));
    await expect.poll(() => fake.messages.find((m) => m.thread_ts === card.ts && m.text === THINKING), { timeout: 5000 }).toBeDefined();
    const thinking = fake.messages.find((m) => m.text === THINKING)!;
    expect(thinking.edited).toBeUndefined();
    model.release();
    await expect.poll(() => thinking.edited, { timeout: 5000 }).toBeDefined();
    expect(thinking.text).toMatch(/^About "SparseRoute[^"]*" \(written by test-model from the passages below\):\nThey used 32 NVIDIA A100 GPUs \[§4\.2\]\./);
    expect(JSON.stringify(thinking.blocks)).toContain('§4.2 Implementation details');
    const updates = fake.calls.filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => c.args.ts)).toEqual([thinking.ts]);
    // One message in the thread for the question (after the seed): the thinking message became the answer.
    expect(fake.messages.filter((m) => m.thread_ts === card.ts).map((m) => m.ts).slice(1)).toEqual([thinking.ts]);
    expect(fake.injections).toEqual([]);
  });

  it('Discord: posts a thinking message in the thread, then edits it into the answer', async () => {
    const fake = await startFakeDiscord();
    running.push({ stop: () => fake.close() });
    let adapter: DiscordAdapter | undefined;
    const { bot, model, clock, log } = await wiredBot((name) => (name === 'discord' ? adapter?.platform : undefined));
    adapter = createDiscordAdapter(
      { token: fake.token, applicationId: fake.appId, apiBase: fake.apiBase, managers: [], requestTimeoutMs: 5000 },
      { inbound: bot, clock, log },
    );
    await adapter.start();
    running.push({ stop: () => adapter!.stop() });

    const ref = fake.interaction.command({ subcommand: 'discuss', options: [{ name: 'paper', type: 3, value: '2507.04211' }] });
    await fake.waitForCallback(ref.token);
    await expect.poll(() => fake.threads.length, { timeout: 10_000 }).toBe(1);
    const [thread] = fake.threads;

    model.reply({ content: WRITTEN });
    model.hold();
    fake.userMessage({ channelId: thread!.id, content: 'what GPUs did they train on?', mentionsBot: true });
    const thinking = await fake.waitForMessage((m) => m.channel_id === thread!.id && (m.content + JSON.stringify(m.embeds)).includes('Reading the paper'));
    expect(thinking.edited_timestamp).toBeNull();
    model.release();
    await expect.poll(() => thinking.edited_timestamp, { timeout: 5000 }).not.toBeNull();
    const shown = JSON.stringify(thinking.embeds) + thinking.content;
    // Discord escapes the model's brackets like any text (it cannot become a link).
    expect(shown).toContain('They used 32 NVIDIA A100 GPUs \\[§4.2\\].');
    expect(shown).toContain('§4.2 Implementation details');
    expect(shown).not.toContain('Reading the paper');
    expect(fake.pings(thinking)).toEqual([]);
  });

  it('terminal: prints the thinking line, then the answer', async () => {
    let terminal: ChatPlatform | undefined;
    const { bot, model, clock } = await wiredBot((name) => (name === 'shell' ? terminal : undefined));
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
    const shell = createShellAdapter({
      inbound: bot, clock, input, output, interactive: false, color: false, width: 200, thinkingAfterMs: 50,
      actor: { platform: 'shell', userId: 'you', displayName: 'you', canManageChannel: true },
      channel: { platform: 'shell', channelId: 'terminal' },
      banner: 'Paperboy',
    });
    terminal = shell.platform;
    model.reply({ content: WRITTEN });
    model.hold();
    input.write('discuss 2507.04211\n');
    await expect.poll(() => printed, { timeout: 10_000 }).toContain('You are in the thread');
    input.write('ask what GPUs did they train on?\n');
    await expect.poll(() => printed, { timeout: 5000 }).toContain(THINKING);
    expect(printed).not.toContain(WRITTEN);
    model.release();
    await expect.poll(() => printed, { timeout: 5000 }).toContain(WRITTEN);
    expect(printed.indexOf(THINKING)).toBeLessThan(printed.indexOf(WRITTEN));
    input.end();
    await shell.closed;
  });

  it('Slack: a thread message starting with "ask" is answered in the thread; other messages are only counted', async () => {
    const fake = await startFakeSlack();
    running.push({ stop: () => fake.close() });
    let adapter: SlackAdapter | undefined;
    const { bot, model, clock, log, stores } = await wiredBot((name) => (name === 'slack' ? adapter?.platform : undefined));
    adapter = createSlackAdapter(
      { mode: 'http', botToken: 'xoxb-test', signingSecret: SECRET, port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, command: '/papers', managers: [], botId: 'B1', botUserId: 'UBOT', processBeforeResponse: true, requestTimeoutMs: 5000, startTimeoutMs: 5000 },
      { inbound: bot, clock, log, inboundEvents: stores.inbound },
    );
    const { port } = await adapter.start();
    running.push({ stop: () => adapter!.stop() });
    const driver = slackDriver(`http://127.0.0.1:${port ?? 0}/slack/events`, SECRET, { responseUrl: () => fake.responseUrl() });
    await driver.command({ text: 'discuss 2507.06120' });
    await expect.poll(() => fake.messages.filter((m) => m.thread_ts !== undefined).length, { timeout: 10_000 }).toBe(1);
    const card = fake.messages.find((m) => m.thread_ts === undefined)!;

    model.reply({ content: 'One RTX 4090 [§4.1].' });
    await driver.event(threadMessageEvent({ user: 'U0002', channel: card.channel, text: 'nice paper', threadTs: card.ts }));
    await driver.event(threadMessageEvent({ user: 'U0002', channel: card.channel, text: 'ask which GPU did they use?', threadTs: card.ts }));
    await expect.poll(() => fake.messages.filter((m) => m.thread_ts === card.ts).length, { timeout: 5000 }).toBe(2);
    expect(fake.messages.at(-1)!.text).toMatch(/^About "Calm Waters[^"]*" \(written by test-model from the passages below\):\nOne RTX 4090 \[§4\.1\]\./);
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]!.body.messages[1]!.content).toMatch(/\n\nQuestion: which GPU did they use\?$/);
  });
});
