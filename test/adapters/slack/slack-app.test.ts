import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/app.ts';
import { createBot } from '../../../bot.ts';
import { createPaper } from '../../../src/corpus/paper.ts';
import { MemoryLogger } from '../../../src/logger.ts';
import { startFakeSlack, type FakeSlack, type FakeSlackUser } from '../../fakes/slack/fake-slack.ts';
import { blockActionsPayload, mentionEvent, slackDriver, slashCommandPayload, threadMessageEvent } from '../../fakes/slack/slack-driver.ts';
import { addPapers, testLibrary } from '../../helpers/library.ts';
import { slackBotOn } from '../../helpers/slack-bot.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'a');
const CHANNEL = 'C0001';
const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
});

/** The real Bolt app of the Slack adapter, wired to the whole bot, against a fake Slack. */
async function slackBot(options: { users?: Record<string, FakeSlackUser>; managers?: string[]; mode?: 'http' | 'socket'; now?: string; requestTimeoutMs?: number } = {}) {
  const fake: FakeSlack = await startFakeSlack({ ...(options.users ? { users: options.users } : {}) });
  running.push({ stop: () => fake.close() });
  const { adapter, bot, stores, library, log } = await slackBotOn(fake, {
    config: {
      mode: options.mode ?? 'http', ...(options.mode === 'socket' ? { appToken: 'xapp-test' } : { signingSecret: SECRET }),
      managers: options.managers ?? [], processBeforeResponse: true, ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const { port } = await adapter.start();
  running.push({ stop: () => adapter.stop() });
  const driver = slackDriver(`http://127.0.0.1:${port ?? 0}/slack/events`, SECRET, { responseUrl: () => fake.responseUrl() });
  return { fake, driver, bot, stores, library, log, adapter };
}

type Block = { type: string; text?: { text: string }; elements?: { action_id: string; text: { text: string }; url?: string }[] };

/** The buttons in a posted Block Kit message, by label. */
function buttons(blocks: unknown): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of blocks as Block[]) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements ?? []) if (!found.has(element.text.text) && !element.url) found.set(element.text.text, element.action_id);
  }
  return found;
}

function textOfBlocks(blocks: unknown): string {
  return JSON.stringify(blocks);
}

/** A slash command's answer, as Bolt sends it in the acknowledgement. */
interface Answer {
  response_type: string;
  text: string;
  blocks: unknown;
}

/** Mention tokens anywhere in an answer (none may come from paper text). */
function pings(answer: unknown): string[] {
  return JSON.stringify(answer).match(/<!(?:channel|here|everyone)[^>]*>|<@[^>]+>|<#[^>]+>|<!subteam\^[^>]+>/g) ?? [];
}

describe('the Slack app (real Bolt against a fake Slack)', () => {
  it('answers /papers search in the acknowledgement, in the channel, with valid blocks', async () => {
    const { driver } = await slackBot();
    const response = await driver.command({ text: 'search reasoning llm' });
    expect(response.status).toBe(200);
    const answer = response.json as Answer;
    expect(answer.response_type).toBe('in_channel');
    expect(textOfBlocks(answer.blocks)).toContain('DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning');
    expect([...buttons(answer.blocks).keys()].slice(0, 4)).toEqual(['Discuss', 'Related', 'Save', 'Cite']);
    expect(pings(answer)).toEqual([]);
  });

  it('sends help and errors to the user alone', async () => {
    const { driver } = await slackBot();
    const help = (await driver.command({ text: 'help' })).json as Answer;
    const typo = (await driver.command({ text: 'serch diffusion' })).json as Answer;
    expect([help.response_type, typo.response_type]).toEqual(['ephemeral', 'ephemeral']);
    expect(typo.text).toContain('Did you mean /papers search?');
  });

  it('runs every button: More, Related, Save, Cite, Discuss', async () => {
    const { fake, driver, stores } = await slackBot();
    const first = buttons(((await driver.command({ text: 'search transport' })).json as Answer).blocks);
    const press = async (label: string) => {
      const before = fake.responses.length;
      const response = await driver.action(blockActionsPayload({ actionId: first.get(label)!, userId: 'U0001', channelId: CHANNEL, messageTs: '1700000000.000100', responseUrl: fake.responseUrl() }));
      expect(response.status).toBe(200);
      return fake.responses.slice(before);
    };
    expect(textOfBlocks((await press('More'))[0]!.body.blocks)).toMatch(/6–10 of \d+ papers/);
    expect(textOfBlocks((await press('Related'))[0]!.body.blocks)).toContain('Papers like');
    expect(String((await press('Save'))[0]!.body.text)).toMatch(/^Saved "/);
    expect(await stores.saved.list(`slack:${CHANNEL}`)).toHaveLength(1);
    expect(String((await press('Cite'))[0]!.body.text)).toContain('@misc{');
    await press('Discuss');
    const [card, seed] = fake.messages;
    expect(card!.thread_ts).toBeUndefined();
    expect(seed!.thread_ts).toBe(card!.ts);
  });

  it('discuss opens a thread, a mention in it is answered there, and replies are counted', async () => {
    const { fake, driver, stores } = await slackBot();
    await driver.command({ text: 'discuss monge gap' });
    const [card, seed] = fake.messages;
    expect(card!.channel).toBe(CHANNEL);
    expect(seed!.thread_ts).toBe(card!.ts);
    expect(textOfBlocks(seed!.blocks)).toContain('Related in the corpus');
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.args.thread_ts)).toEqual([undefined, card!.ts]);

    await driver.event(threadMessageEvent({ user: 'U0002', channel: CHANNEL, text: 'interesting', threadTs: card!.ts }));
    await driver.event(mentionEvent({ user: 'U0002', channel: CHANNEL, text: 'what regularizer do they introduce?', threadTs: card!.ts }));
    const answer = fake.messages.at(-1)!;
    expect(answer.thread_ts).toBe(card!.ts);
    expect(answer.text).toMatch(/^From the abstract of "The Monge Gap/);
    expect((await stores.discussions.list(`slack:${CHANNEL}`))[0]!.replyCount).toBe(2);
    expect(fake.injections).toEqual([]);
  });

  it('refuses a forged signature, a stale timestamp and a wrong content type, running no handler', async () => {
    const { fake, driver } = await slackBot();
    expect((await driver.command({ text: 'search monge' }, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await driver.command({ text: 'search monge' }, { stale: true })).status).toBe(401);
    expect((await driver.command({ text: 'search monge' }, { contentType: 'application/x-www-form-urlencoded; charset=utf-8' })).status).toBeGreaterThanOrEqual(400);
    expect(fake.responses).toEqual([]);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(JSON.parse((await driver.urlVerification('chal-123')).body)).toEqual({ challenge: 'chal-123' });
  });

  it('posts the scheduled daily post to its channel, waiting out a 429 and sending it exactly once', async () => {
    const { fake, driver, bot, library } = await slackBot({ managers: ['*'] });
    await driver.command({ text: 'daily on 10:00 UTC top:3' });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    const posts = fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]!.channel).toBe(CHANNEL);
    expect(fake.messages[0]!.text).toMatch(/^Trending papers for Friday 24 January/);
    expect(library.clock.now().toISOString()).toBe('2025-01-24T10:30:00.000Z');
  });

  it('disables a channel that vanished', async () => {
    const { fake, driver, bot, stores } = await slackBot({ managers: ['*'] });
    await driver.command({ text: 'daily on 10:00 UTC' });
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await bot.jobs.runUntil(new Date('2025-01-25T12:00:00Z'));
    expect((await stores.channels.get(`slack:${CHANNEL}`))?.disabled?.reason).toBe('channel_not_found');
    expect(fake.messages).toHaveLength(0);
  });

  it('lets workspace admins and listed users change settings, and refuses others', async () => {
    const { fake, driver } = await slackBot({ users: { UADMIN: { is_admin: true }, UOWNER: { is_owner: true } }, managers: ['ULISTED'] });
    for (const user of ['UADMIN', 'UOWNER', 'ULISTED']) {
      const answer = (await driver.command({ text: 'subscribe diffusion', user_id: user })).json as Answer;
      expect(answer.text).toMatch(/^(Subscribed|This channel already follows)/);
    }
    expect((await driver.command({ text: 'daily on 09:00', user_id: 'U0002' })).json)
      .toMatchObject({ response_type: 'ephemeral', text: 'Only channel managers can use /papers daily on here.' });
    expect(fake.calls.filter((c) => c.method === 'users.info').map((c) => c.args.user)).toEqual(['UADMIN', 'UOWNER', 'U0002']);
  });

  it('takes a mention of a member or user group only as mention:, checks it is a Slack id, and reads other tokens as words', async () => {
    const { driver, stores } = await slackBot({ managers: ['*'] });
    const member = (await driver.command({ text: 'subscribe diffusion mention:<@U0123ABCD|ada>' })).json as Answer;
    expect(member.text).toMatch(/mentioning user U0123ABCD\./);
    const group = (await driver.command({ text: 'subscribe reasoning mention:<!subteam^S0456EFGH|@ml-team>' })).json as Answer;
    expect(group.text).toMatch(/mentioning role S0456EFGH\./);
    const refused = [
      'subscribe robots mention:@everyone',
      'subscribe robots mention:<!channel>',
      'subscribe robots mention:role:abc',
      'subscribe robots mention:user:12345678901234567890123456',
      'subscribe robots mention:@ada',
    ];
    for (const text of refused) {
      const answer = (await driver.command({ text })).json as Answer;
      expect(answer.response_type, text).toBe('ephemeral');
      expect(answer.text, text).toMatch(/never pings a whole channel|is not a Slack (user|role) id|needs an id, not a name|is not someone to mention/);
    }
    expect((await stores.subscriptions.list(`slack:${CHANNEL}`)).map((s) => s.topic)).toEqual(['diffusion', 'reasoning']);
    // A user token in a search is the name it shows, not an option.
    const search = (await driver.command({ text: 'search <@U12345|reasoning> llm' })).json as Answer;
    expect(search.text).not.toMatch(/has no option/);
    expect(search.response_type).toBe('in_channel');
  });

  it('renders a paper whose title tries to ping everyone as plain text', async () => {
    const { fake, driver, library } = await slackBot();
    await addPapers(library, [createPaper({
      arxivId: '2601.00666', title: 'Attention <!channel> and @everyone <@U0BADBAD> is all you need', abstract: 'Ping <!here> via <!subteam^S1|team> now.', source: 'hf-daily',
    })]);
    const answer = (await driver.command({ text: 'show 2601.00666' })).json as Answer;
    const body = JSON.stringify(answer);
    expect(body).toContain('&lt;!channel&gt;');
    expect(body).toContain('@everyone');
    expect(pings(answer)).toEqual([]);
    await driver.command({ text: 'discuss 2601.00666' });
    expect(fake.messages).toHaveLength(2); // the card and the thread's first message, through the Web API
    expect(fake.injections).toEqual([]);
  });

  it('says which token to fix when Slack refuses the bot token at start (HTTP mode; Socket Mode: socket-mode.test.ts)', async () => {
    const fake = await startFakeSlack();
    running.push({ stop: () => fake.close() });
    const library = await testLibrary();
    const bot = createBot({
      clock: library.clock, log: new MemoryLogger(), library: library.library, stores: library.stores, senderFor: () => undefined,
      status: { startedAt: library.clock.now(), version: 't', sources: [] }, defaultTimeZone: 'UTC',
    });
    const base = { botToken: 'xoxb-revoked', port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, command: '/papers', managers: [], processBeforeResponse: true, requestTimeoutMs: 2000, startTimeoutMs: 5000 };
    fake.failNext('auth.test', { error: 'token_revoked' });
    const http = createSlackAdapter({ ...base, mode: 'http', signingSecret: SECRET }, { inbound: bot, clock: library.clock, log: new MemoryLogger(), inboundEvents: library.stores.inbound });
    await expect(http.start()).rejects.toThrow('Slack refused SLACK_BOT_TOKEN (token_revoked): the token was revoked. Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into .env (reinstall the app if it was revoked).');
  });

  it('connects in Socket Mode, acknowledges a slash command at once and answers it through the response URL', async () => {
    const { fake } = await slackBot({ mode: 'socket' });
    await fake.waitFor((state) => state.connections > 0);
    const ack = await fake.sendEnvelope('slash_commands', {
      token: 't', team_id: 'T0001', team_domain: 'd', channel_id: CHANNEL, channel_name: 'ml-papers', user_id: 'U0001', user_name: 'ada',
      command: '/papers', text: 'search monge gap', api_app_id: 'A0001', is_enterprise_install: 'false', response_url: fake.responseUrl(), trigger_id: 'x',
    });
    expect(ack.payload).toEqual({});
    const [answer] = await fake.waitFor((state) => (state.responses.length > 0 ? state.responses : undefined));
    expect(textOfBlocks(answer!.body.blocks)).toContain('The Monge Gap');
    expect(answer!.body.response_type).toBe('in_channel');
  });
});

/** A paper with `count` authors, whose BibTeX runs to tens of thousands of characters. */
function paperWithAuthors(count: number, arxivId = '2601.03000') {
  return createPaper({
    arxivId, title: `A Collaboration of Thousands ${arxivId}`, abstract: 'We measured it together.', source: 'hf-daily',
    authors: Array.from({ length: count }, (_, i) => `Author Number${i} Surname${i}`),
  });
}

describe('the Slack app: every outbound post once, whatever fails', () => {
  it('posts the daily post once when Slack made it and then the connection reset, three times over', async () => {
    const { fake, driver, bot } = await slackBot({ managers: ['*'] });
    await driver.command({ text: 'daily on 10:00 UTC top:3' });
    fake.failNext('chat.postMessage', { reset: true, afterEffect: true }, { reset: true, afterEffect: true }, { reset: true, afterEffect: true });
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    expect(fake.messages.filter((m) => m.channel === CHANNEL)).toHaveLength(1);
    // One post, then a look at the history that finds it.
    expect(fake.calls.filter((c) => c.method !== 'users.info').map((c) => c.method)).toEqual(['chat.postMessage', 'conversations.history']);
    expect(fake.messages[0]!.metadata).toEqual({ event_type: 'paperboy_delivery', event_payload: { key: `daily:slack:${CHANNEL}:2025-01-24`, part: 0 } });
  });

  it('ends a hung chat.postMessage with the request timeout, looks, and posts once', async () => {
    const { fake, driver, bot } = await slackBot({ managers: ['*'], requestTimeoutMs: 300 });
    await driver.command({ text: 'daily on 10:00 UTC top:3' });
    fake.failNext('chat.postMessage', { hang: true });
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.error)).toEqual(['hang', undefined]);
    expect(fake.messages).toHaveLength(1);
  });

  it('answers a mention once when the answer draws a 429: it waits for Retry-After', async () => {
    const { fake, driver, library } = await slackBot();
    const parent = fake.addMessage({ channel: CHANNEL, user: 'U0002', text: 'thread' });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const before = library.clock.now().getTime();
    await driver.event(mentionEvent({ user: 'U0002', channel: CHANNEL, text: 'what is trending?', threadTs: parent.ts }));
    await fake.waitFor((state) => state.messages.length === 2);
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages[1]!.thread_ts).toBe(parent.ts);
    expect(library.clock.now().getTime() - before).toBeGreaterThanOrEqual(7000);
  });

  it('handles an event Slack sends again (same event_id, X-Slack-Retry-Num) once: one answer, one reply counted', async () => {
    const { fake, driver, stores } = await slackBot();
    await driver.command({ text: 'discuss monge gap' });
    const card = fake.messages[0]!;
    const remark = threadMessageEvent({ user: 'U0002', channel: CHANNEL, text: 'interesting', threadTs: card.ts });
    const mention = mentionEvent({ user: 'U0002', channel: CHANNEL, text: 'what regularizer do they introduce?', threadTs: card.ts });
    for (const [event, id] of [[remark, 'Ev0REMARK'], [mention, 'Ev0MENTION']] as const) {
      expect((await driver.event(event, { event_id: id })).status).toBe(200);
      for (const retryNum of [1, 2]) expect((await driver.event(event, { event_id: id }, { retryNum, retryReason: 'http_timeout' })).status).toBe(200);
    }
    expect(fake.messages.filter((m) => m.thread_ts === card.ts && m.text.startsWith('From the abstract'))).toHaveLength(1);
    expect((await stores.discussions.list(`slack:${CHANNEL}`))[0]!.replyCount).toBe(2);
  });
});

describe('the Slack app: no request can stop it', () => {
  const bodies: [string, string, 'application/json' | 'application/x-www-form-urlencoded'][] = [
    ['payload=null', 'payload=null', 'application/x-www-form-urlencoded'],
    ['payload of a number', 'payload=42', 'application/x-www-form-urlencoded'],
    ['payload of a string', 'payload=%22hi%22', 'application/x-www-form-urlencoded'],
    ['JSON null', 'null', 'application/json'],
    ['a JSON string', '"event_callback"', 'application/json'],
    ['a JSON number', '7', 'application/json'],
    ['a JSON array', '[{"type":"event_callback"}]', 'application/json'],
    ['an object with no type', '{"event":{"type":"app_mention"}}', 'application/json'],
    ['an event with no event', '{"type":"event_callback","event_id":"Ev1"}', 'application/json'],
    ['an event whose event is null', '{"type":"event_callback","event_id":"Ev2","event":null}', 'application/json'],
    ['block_actions with no user', `payload=${encodeURIComponent('{"type":"block_actions","actions":[{"action_id":"x"}]}')}`, 'application/x-www-form-urlencoded'],
    ['a command with no channel', 'command=%2Fpapers&text=search&user_id=U1', 'application/x-www-form-urlencoded'],
    ['not JSON at all', '{"type":', 'application/json'],
  ];

  it.each(bodies)('answers a signed %s with 400 and runs no handler', async (_name, body, type) => {
    const { fake, driver, log } = await slackBot();
    expect((await driver.post(body, type)).status).toBe(400);
    expect(fake.calls).toEqual([]);
    expect(log.records.some((r) => r.message === 'slack request refused' && r.fields.status === 400)).toBe(true);
    // Still serving.
    expect((await driver.command({ text: 'help' })).status).toBe(200);
  });

  it('refuses a timestamp six minutes or a year in the future, like one six minutes old', async () => {
    const { driver, fake } = await slackBot();
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now + 6 * 60, now + 365 * 86_400, now - 6 * 60]) {
      expect((await driver.command({ text: 'search monge' }, { timestamp })).status).toBe(401);
    }
    expect(fake.calls).toEqual([]);
    expect((await driver.command({ text: 'search monge' }, { timestamp: now + 60 })).status).toBe(200);
  });

  it('handles an identical signed request once, however often it is replayed within the window', async () => {
    const { fake, driver } = await slackBot({ managers: ['*'] });
    const body = new URLSearchParams({ ...slashCommandPayload({ text: 'subscribe replayed topic' }, { responseUrl: () => fake.responseUrl() }) }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await driver.post(body, 'application/x-www-form-urlencoded', { timestamp })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const answered = (await driver.command({ text: 'subscriptions' })).json as Answer;
    expect(answered.text.match(/replayed topic/g)).toHaveLength(1);
  });

  it('asks Slack whether someone is an admin only for commands that need it, once per 10 minutes', async () => {
    const { fake, driver } = await slackBot({ users: { UADMIN: { is_admin: true } } });
    for (const text of ['search monge', 'help', 'trending', 'daily']) await driver.command({ text, user_id: 'UADMIN' });
    expect(fake.calls.filter((c) => c.method === 'users.info')).toEqual([]);
    await driver.command({ text: 'subscribe agents', user_id: 'UADMIN' });
    await driver.command({ text: 'subscribe rlhf', user_id: 'UADMIN' });
    expect(fake.calls.filter((c) => c.method === 'users.info').map((c) => c.args.user)).toEqual(['UADMIN']);
  });
});

describe('the Slack app: long outputs', () => {
  it('answers /papers cite of a paper with 3,000 authors in at most two messages', async () => {
    const { fake, driver, library } = await slackBot();
    await addPapers(library, [paperWithAuthors(3000)]);
    const response = await driver.command({ text: 'cite 2601.03000 bibtex' });
    const first = response.json as Answer;
    expect(first.response_type).toBe('in_channel');
    expect(first.text.startsWith('@misc{')).toBe(true);
    // The ack carries the first message; the response URL at most one more.
    expect(fake.responses.length).toBeLessThanOrEqual(1);
    expect(fake.messages).toEqual([]);
  });

  it('sends a saved export too long for two messages as one message and a file, not a flood', async () => {
    const { fake, driver, library, stores } = await slackBot();
    const papers = Array.from({ length: 12 }, (_, i) => paperWithAuthors(400, `2601.${String(30000 + i)}`));
    await addPapers(library, papers);
    for (const paper of papers) await stores.saved.save({ channel: `slack:${CHANNEL}`, paperId: paper.id, savedBy: 'slack:U1', savedAt: new Date().toISOString() });
    const response = await driver.command({ text: 'saved export bibtex' });
    const first = response.json as Answer;
    expect(first.response_type).toBe('in_channel');
    expect(first.text).toMatch(/12 saved papers as BibTeX: [\d,]+ characters, too long for a message; attached as reading-list\.bib\./);
    expect(fake.responses).toEqual([]);
    const [file] = fake.files;
    expect(file).toMatchObject({ name: 'reading-list.bib', channel: CHANNEL, uploaded: true });
    expect(file!.text.match(/^@misc\{/gm)).toHaveLength(12);
    expect(file!.text).toContain('Author Number399 Surname399');
  });
});
