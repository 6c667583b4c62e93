import { App, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SLACK_LIMITS, startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.ts';
import {
  blockActionsPayload,
  eventCallbackBody,
  mentionEvent,
  signSlackRequest,
  slackDriver,
  slashCommandPayload,
  threadMessageEvent,
  type SlackDriver,
} from './slack-driver.ts';

// Named imports: under vitest a default import of Bolt (CommonJS with __esModule) is the App class, not the module.
const { WebClient, WebClientEvent } = webApi;
type BoltApp = InstanceType<typeof App>;
type WebClientOptions = NonNullable<ConstructorParameters<typeof WebClient>[1]>;

const SIGNING_SECRET = 's3cret';

/** A logger that keeps Bolt and WebClient quiet but remembers errors, for failure messages. */
function quietLogger(): Logger & { errors: string[] } {
  let level = LogLevel.ERROR;
  const errors: string[] = [];
  return {
    errors,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (...message: unknown[]) => {
      errors.push(message.map(String).join(' '));
    },
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
const button = (actionId: string, label = 'Open', extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: label },
  ...extra,
});
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const errorOf = async (promise: Promise<unknown>): Promise<{ code?: string; data?: { error?: string; errors?: string[] }; retryAfter?: number; statusCode?: number }> => {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail');
};

let fake: FakeSlack;
const apps: BoltApp[] = [];

async function useFake(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  await fake?.close();
  fake = await startFakeSlack(options);
  return fake;
}

function client(options: WebClientOptions = {}): InstanceType<typeof WebClient> {
  return new WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger(), ...options });
}

beforeEach(async () => {
  fake = await startFakeSlack();
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await fake.close();
});

describe('fake Slack Web API, driven by the real WebClient', () => {
  it('parses form-encoded chat.postMessage, stores the message and answers like Slack', async () => {
    const web = client();
    const first = await web.chat.postMessage({ channel: 'C1', text: 'Top papers', blocks: [section('*1.* Attention')] });
    const reply = await web.chat.postMessage({ channel: 'C1', text: 'More', thread_ts: first.ts!, blocks: [section('*2.* Diffusion')] });

    expect(fake.calls.map((c) => [c.method, c.bearer, c.status])).toEqual([
      ['chat.postMessage', 'xoxb-test', 200],
      ['chat.postMessage', 'xoxb-test', 200],
    ]);
    expect(fake.calls[0]!.args.blocks).toEqual([section('*1.* Attention')]);
    expect(first).toMatchObject({ ok: true, channel: 'C1', message: { text: 'Top papers', user: 'UBOT', bot_id: 'B1' } });
    expect(first.ts).toMatch(/^\d+\.000100$/);
    expect(Number(reply.ts)).toBeGreaterThan(Number(first.ts));
    expect(reply.message?.thread_ts).toBe(first.ts);
    expect(fake.messages).toMatchObject([
      { channel: 'C1', ts: first.ts, text: 'Top papers', blocks: [section('*1.* Attention')] },
      { channel: 'C1', ts: reply.ts, thread_ts: first.ts, text: 'More' },
    ]);
  });

  it('answers auth.test, users.info, conversations.replies, chat.update and chat.postEphemeral from its state', async () => {
    await useFake({ teamId: 'T9', botUserId: 'UB9', botId: 'B9', users: { UADMIN: { is_admin: true }, UOWNER: { is_owner: true } } });
    const web = client();
    expect(await web.auth.test()).toMatchObject({ ok: true, team_id: 'T9', user_id: 'UB9', bot_id: 'B9' });
    expect((await web.users.info({ user: 'UADMIN' })).user).toMatchObject({ id: 'UADMIN', is_admin: true, is_owner: false });
    expect((await web.users.info({ user: 'UOWNER' })).user).toMatchObject({ is_admin: false, is_owner: true });
    expect((await web.users.info({ user: 'U777' })).user).toMatchObject({ is_admin: false, is_owner: false });
    expect((await errorOf(web.users.info({ user: 'not-an-id' }))).data?.error).toBe('user_not_found');

    const parent = fake.addMessage({ channel: 'C1', user: 'U1', text: 'what is new in RL?' });
    const answer = await web.chat.postMessage({ channel: 'C1', thread_ts: parent.ts, text: 'Here you go' });
    await web.chat.update({ channel: 'C1', ts: answer.ts!, text: 'Here you go (edited)' });
    const ephemeral = await web.chat.postEphemeral({ channel: 'C1', user: 'U1', thread_ts: parent.ts, text: 'only you' });
    expect(ephemeral).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });

    const replies = await web.conversations.replies({ channel: 'C1', ts: parent.ts });
    expect(replies.messages?.map((m) => m.text)).toEqual(['what is new in RL?', 'Here you go (edited)']);
    expect((await errorOf(web.conversations.replies({ channel: 'C1', ts: '1.000000' }))).data?.error).toBe('thread_not_found');
    expect((await errorOf(web.chat.update({ channel: 'C1', ts: parent.ts, text: 'x' }))).data?.error).toBe('cant_update_message');
    expect((await errorOf(web.apiCall('chat.fly'))).data?.error).toBe('unknown_method');
  });

  const tooMuch: Array<{ name: string; blocks: unknown[]; error: string }> = [
    { name: '51 blocks', blocks: times(51, (i) => section(`p${i}`)), error: 'invalid_blocks' },
    { name: 'section text of 3001', blocks: [section('x'.repeat(3001))], error: 'invalid_blocks' },
    { name: '11 section fields', blocks: [{ type: 'section', fields: times(11, () => ({ type: 'mrkdwn', text: 'f' })) }], error: 'invalid_blocks' },
    { name: 'a field of 2001', blocks: [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], error: 'invalid_blocks' },
    { name: 'header of 151', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], error: 'invalid_blocks' },
    { name: 'mrkdwn header', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], error: 'invalid_blocks' },
    { name: 'button text of 76', blocks: [{ type: 'actions', elements: [button('a', 'b'.repeat(76))] }], error: 'invalid_blocks' },
    { name: 'action_id of 256', blocks: [{ type: 'actions', elements: [button('a'.repeat(256))] }], error: 'invalid_blocks' },
    { name: 'block_id of 256', blocks: [section('x', { block_id: 'b'.repeat(256) })], error: 'invalid_blocks' },
    { name: '11 context elements', blocks: [{ type: 'context', elements: times(11, () => ({ type: 'mrkdwn', text: 'c' })) }], error: 'invalid_blocks' },
    { name: '26 actions elements', blocks: [{ type: 'actions', elements: times(26, (i) => button(`a${i}`)) }], error: 'invalid_blocks' },
    { name: 'duplicate action_ids in a block', blocks: [{ type: 'actions', elements: [button('save'), button('save')] }], error: 'invalid_blocks' },
    { name: 'duplicate block_ids', blocks: [section('a', { block_id: 'b' }), section('b', { block_id: 'b' })], error: 'invalid_blocks' },
    { name: 'empty section text', blocks: [section('')], error: 'invalid_blocks' },
    { name: 'unknown block type', blocks: [{ type: 'heading', text: { type: 'plain_text', text: 'h' } }], error: 'invalid_blocks' },
    { name: '13,001 characters of block text', blocks: times(5, () => section('t'.repeat(2600))).concat([section('t'.repeat(1))]), error: 'msg_blocks_too_long' },
  ];

  it.each(tooMuch)('refuses $name with $error', async ({ blocks, error }) => {
    const failure = await errorOf(client().chat.postMessage({ channel: 'C1', text: 'fallback', blocks: blocks as never }));
    expect(failure.code).toBe('slack_webapi_platform_error');
    expect(failure.data?.error).toBe(error);
    if (error === 'invalid_blocks') expect(failure.data?.errors?.[0]).toMatch(/\[json-pointer:\/blocks/);
    expect(fake.messages).toEqual([]);
  });

  it('refuses top-level text over 40,000 characters with msg_too_long', async () => {
    expect((await errorOf(client().chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_001) }))).data?.error).toBe('msg_too_long');
  });

  it('accepts blocks exactly at the limits, and the same action_id in different blocks', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(SLACK_LIMITS.headerText) } },
      section('x'.repeat(SLACK_LIMITS.sectionText), { block_id: 'b'.repeat(SLACK_LIMITS.id), accessory: button('save') }),
      { type: 'section', fields: times(SLACK_LIMITS.sectionFields, () => ({ type: 'mrkdwn', text: 'f'.repeat(200) })), accessory: button('save') },
      { type: 'context', elements: times(SLACK_LIMITS.contextElements, () => ({ type: 'mrkdwn', text: 'c' })) },
      { type: 'actions', elements: times(SLACK_LIMITS.actionsElements, (i) => button(`a${i}`.padEnd(SLACK_LIMITS.id, 'x'), 'b'.repeat(75))) },
      ...times(SLACK_LIMITS.blocksPerMessage - 5, () => ({ type: 'divider' })),
    ];
    await expect(client().chat.postMessage({ channel: 'C1', text: 'fallback', blocks })).resolves.toMatchObject({ ok: true });
    const thirteenThousand = times(5, () => section('t'.repeat(2600)));
    await expect(client().chat.postMessage({ channel: 'C1', text: 'fallback', blocks: thirteenThousand })).resolves.toMatchObject({ ok: true });
  });

  it('accepts anything when enforceLimits is false', async () => {
    await useFake({ enforceLimits: false });
    await expect(client().chat.postMessage({ channel: 'C1', text: 'x', blocks: times(60, () => section('y'.repeat(4000))) })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('lists live mention tokens as injections and ignores escaped ones', async () => {
    const web = client();
    await web.chat.postMessage({ channel: 'C1', text: 'safe &lt;!channel&gt; and &lt;@U1&gt;', blocks: [section('&lt;!here&gt;')] });
    expect(fake.injections).toEqual([]);
    await web.chat.postMessage({
      channel: 'C1',
      text: 'hey <!channel>',
      blocks: [section('<!subteam^S1|@ml> see <#C2>'), { type: 'context', elements: [{ type: 'plain_text', text: '<@U1>' }] }],
      link_names: true,
    });
    expect(fake.injections.map((i) => [i.token, i.path, i.format])).toEqual([
      ['<!channel>', '/text', 'text'],
      ['<!subteam^S1|@ml>', '/blocks/0/text/text', 'mrkdwn'],
      ['<#C2>', '/blocks/0/text/text', 'mrkdwn'],
      ['<@U1>', '/blocks/1/elements/0/text', 'plain_text'],
      ['link_names=true', '/link_names', 'option'],
    ]);
  });

  it('waits out a scripted 429 (Retry-After: 1) and then succeeds when retries are allowed', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const web = client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    let rateLimitedFor: number | undefined;
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => {
      rateLimitedFor = seconds;
    });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(rateLimitedFor).toBe(1);
    expect(fake.calls.map((c) => [c.status, c.error])).toEqual([
      [429, 'ratelimited'],
      [200, undefined],
    ]);
    expect(fake.messages).toHaveLength(1);
  });

  it('hands a 429 straight back with rejectRateLimitedCalls', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const failure = await errorOf(client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(failure).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });

  it('surfaces a scripted channel_not_found as a platform error, once', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const web = client();
    const failure = await errorOf(web.chat.postMessage({ channel: 'C404', text: 'hi' }));
    expect(failure).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'channel_not_found' } });
    await expect(web.chat.postMessage({ channel: 'C404', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(fake.calls.map((c) => c.error)).toEqual(['channel_not_found', undefined]);
  });

  it('surfaces a scripted 500 as an HTTP error', async () => {
    fake.failNext('chat.postMessage', { status: 500 });
    expect(await errorOf(client().chat.postMessage({ channel: 'C1', text: 'hi' }))).toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
  });

  it('keeps message metadata and returns it from conversations.history and .replies only with include_all_metadata', async () => {
    const web = client();
    const metadata = { event_type: 'paperboy_delivery', event_payload: { key: 'daily:slack:C1:2025-01-24', part: 0 } };
    const parent = await web.chat.postMessage({ channel: 'C1', text: 'daily', metadata });
    await web.chat.postMessage({ channel: 'C1', thread_ts: parent.ts!, text: 'seed', metadata: { ...metadata, event_payload: { key: 'seed', part: 0 } } });
    await web.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
    const history = await web.conversations.history({ channel: 'C1', include_all_metadata: true });
    // Thread replies are not in the channel's history.
    expect(history.messages?.map((m) => [m.text, m.metadata])).toEqual([['daily', metadata]]);
    expect((await web.conversations.history({ channel: 'C1' })).messages?.[0]).not.toHaveProperty('metadata');
    const replies = await web.conversations.replies({ channel: 'C1', ts: parent.ts!, include_all_metadata: true });
    expect(replies.messages?.map((m) => (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key)).toEqual(['daily:slack:C1:2025-01-24', 'seed']);
    expect((await errorOf(web.chat.postMessage({ channel: 'C1', text: 'x', metadata: { event_type: 'bad type!', event_payload: {} } }))).data?.error).toBe('invalid_metadata_format');
  });

  it('pages conversations.history newest first within oldest/latest, with a cursor', async () => {
    const web = client();
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await web.chat.postMessage({ channel: 'C1', text: `m${i}` })).ts!);
    const texts: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await web.conversations.history({ channel: 'C1', oldest: posted[1]!, limit: 2, ...(cursor ? { cursor } : {}) });
      texts.push(...(page.messages ?? []).map((m) => m.text!));
      cursor = page.response_metadata?.next_cursor || undefined;
      expect(page.has_more).toBe(cursor !== undefined);
    } while (cursor);
    expect(texts).toEqual(['m6', 'm5', 'm4', 'm3', 'm2']);
    const inclusive = await web.conversations.history({ channel: 'C1', oldest: posted[1]!, latest: posted[3]!, inclusive: true });
    expect(inclusive.messages?.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
  });

  it('fails only the calls a failWhere matches, and can fail after taking effect: 503, reset, hang', async () => {
    const web = client({ timeout: 300 });
    fake.failWhere('chat.postMessage', (args) => args.channel === 'CBAD', { status: 503, afterEffect: true }, { reset: true, afterEffect: true }, { hang: true, afterEffect: true }, { reset: true }, { hang: true });
    await expect(web.chat.postMessage({ channel: 'COK', text: 'unaffected' })).resolves.toMatchObject({ ok: true });
    expect(await errorOf(web.chat.postMessage({ channel: 'CBAD', text: 'a' }))).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    expect(await errorOf(web.chat.postMessage({ channel: 'CBAD', text: 'b' }))).toMatchObject({ code: 'slack_webapi_request_error' });
    expect(await errorOf(web.chat.postMessage({ channel: 'CBAD', text: 'c' }))).toMatchObject({ code: 'slack_webapi_request_error' });
    expect(await errorOf(web.chat.postMessage({ channel: 'CBAD', text: 'd' }))).toMatchObject({ code: 'slack_webapi_request_error' });
    expect(await errorOf(web.chat.postMessage({ channel: 'CBAD', text: 'e' }))).toMatchObject({ code: 'slack_webapi_request_error' });
    // The first three took effect before failing; the last two never did.
    expect(fake.messages.map((m) => m.text)).toEqual(['unaffected', 'a', 'b', 'c']);
    expect(fake.calls.map((c) => c.error)).toEqual([undefined, 'http_503', 'reset', 'hang', 'reset', 'hang']);
  });

  it('takes a file through files.uploadV2 (upload URL, the bytes, completion) and shares it to a channel', async () => {
    const web = client();
    const text = '@misc{x,\n  author = {A and B}\n}';
    const result = await web.filesUploadV2({ channel_id: 'C1', file: Buffer.from(text), filename: 'monge-gap.bib', title: 'monge-gap.bib' });
    expect(result.ok).toBe(true);
    expect(fake.files).toMatchObject([{ name: 'monge-gap.bib', text, uploaded: true, channel: 'C1' }]);
    expect(fake.messages).toMatchObject([{ channel: 'C1', files: [{ name: 'monge-gap.bib' }], user: 'UBOT' }]);
    expect(fake.calls.map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
  });

  it('opens a Socket Mode connection only for an app-level token', async () => {
    expect((await errorOf(client().apps.connections.open({}))).data?.error).toBe('not_allowed_token_type');
    const app = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger() });
    expect((await errorOf(app.apps.connections.open({}))).data?.error).toBe('not_authed');
    await expect(app.apps.connections.open({ token: 'xapp-1-test' })).resolves.toMatchObject({ ok: true, url: fake.socketUrl });
    expect(fake.socketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket$/);
    expect((await errorOf(client({}).chat.postMessage({ channel: 'C1', text: 'x', token: 'xapp-1-test' }))).data?.error).toBe(
      'not_allowed_token_type',
    );
  });

  it('stores response_url posts and limits each URL to five', async () => {
    const url = fake.responseUrl();
    expect(url).toMatch(new RegExp(`^${fake.baseUrl}/response/[0-9a-f-]{36}$`));
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (let i = 0; i < 5; i += 1) expect((await post({ text: `r${i}` })).status).toBe(200);
    expect((await post({ text: 'sixth' })).status).toBe(404);
    expect((await post({ blocks: [section('x'.repeat(3001))] })).status).toBe(404);
    expect(fake.responses.map((r) => r.body.text)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(fake.rejectedResponses.map((r) => r.error)).toEqual(['used_url', 'used_url']);
  });

  it('waitFor resolves on a change and rejects with a summary after its bound', async () => {
    const waiting = fake.waitFor((s) => s.messages.find((m) => m.text === 'later'));
    await client().chat.postMessage({ channel: 'C1', text: 'later' });
    await expect(waiting).resolves.toMatchObject({ channel: 'C1', text: 'later' });
    await expect(fake.waitFor((s) => s.messages.length > 5, 50)).rejects.toThrow(/within 50 ms; calls: \[chat\.postMessage\]/);
  });
});

describe('a real Bolt app over HTTP against the fake', () => {
  let driver: SlackDriver;
  let app: BoltApp;

  beforeEach(async () => {
    app = new App({
      token: 'xoxb-test',
      botId: 'B1',
      botUserId: 'UBOT',
      signingSecret: SIGNING_SECRET,
      processBeforeResponse: true,
      logger: quietLogger(),
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    apps.push(app);
    driver = slackDriver(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, SIGNING_SECRET, {
      responseUrl: () => fake.responseUrl(),
    });
  });

  it('answers a signed slash command through respond() to the fake response URL', async () => {
    let seen: Record<string, unknown> | undefined;
    app.command('/papers', async ({ command, ack, respond }) => {
      seen = command;
      await ack();
      await respond({ response_type: 'ephemeral', text: `You asked: ${command.text}` });
    });
    const res = await driver.command({ text: 'top 5', user_id: 'U42' });
    expect(res).toMatchObject({ status: 200, body: '' });
    expect(seen).toMatchObject({ command: '/papers', text: 'top 5', user_id: 'U42', team_id: 'T0001', channel_id: 'C0001' });
    expect(fake.responses).toEqual([
      expect.objectContaining({ body: { response_type: 'ephemeral', text: 'You asked: top 5' }, id: expect.any(String) }),
    ]);
    expect(fake.calls.filter((c) => c.method === 'auth.test')).toEqual([]);
  });

  it('refuses a forged signature and a stale timestamp with 401, before any listener runs', async () => {
    let runs = 0;
    app.command('/papers', async ({ ack }) => {
      runs += 1;
      await ack();
    });
    const wrongSecret = signSlackRequest('wrong-secret', Math.floor(Date.now() / 1000), 'command=%2Fpapers&text=hi');
    expect((await driver.command({ text: 'hi' }, { signature: wrongSecret })).status).toBe(401);
    expect((await driver.command({ text: 'hi' }, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await driver.command({ text: 'hi' }, { stale: true })).status).toBe(401);
    expect((await driver.command({ text: 'hi' }, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect(runs).toBe(0);
    expect((await driver.command({ text: 'hi' })).status).toBe(200);
    expect(runs).toBe(1);
  });

  it('cannot parse a form body sent as "application/x-www-form-urlencoded; charset=utf-8"', async () => {
    app.command('/papers', async ({ ack }) => {
      await ack();
    });
    const res = await driver.command({ text: 'hi' }, { contentType: 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(res.status).toBe(400);
  });

  it('answers a signed url_verification with the challenge', async () => {
    const res = await driver.urlVerification('c-123');
    expect(res).toMatchObject({ status: 200, json: { challenge: 'c-123' } });
  });

  it('routes a block_actions click to app.action, whose update reaches the fake', async () => {
    const posted = await app.client.chat.postMessage({ channel: 'C0001', text: 'card', blocks: [section('paper', { accessory: button('save') })] });
    app.action('save', async ({ ack, body, action, client: web }) => {
      await ack();
      const value = action.type === 'button' ? action.value : undefined;
      await web.chat.update({ channel: body.channel!.id, ts: posted.ts!, text: `saved ${value}`, blocks: [section(`saved ${value}`)] });
    });
    const res = await driver.action(
      blockActionsPayload({ actionId: 'save', userId: 'U42', channelId: 'C0001', messageTs: posted.ts!, responseUrl: fake.responseUrl(), value: '2501.12948' }),
    );
    expect(res.status).toBe(200);
    expect(fake.messages).toMatchObject([{ ts: posted.ts, text: 'saved 2501.12948', edited: { user: 'UBOT' } }]);
  });

  it('delivers mentions and thread replies as events; say() into the thread is stored before the POST returns', async () => {
    const threads: string[] = [];
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: `on it: ${event.text}`, thread_ts: event.thread_ts ?? event.ts });
    });
    app.message(async ({ message }) => {
      if ('thread_ts' in message && message.thread_ts) threads.push(message.thread_ts);
    });
    const mention = mentionEvent({ user: 'U42', channel: 'C0001', text: 'latest on RLHF' });
    expect((await driver.event(mention)).status).toBe(200);
    expect(fake.messages).toMatchObject([{ channel: 'C0001', thread_ts: mention.ts, text: 'on it: <@UBOT> latest on RLHF' }]);

    const reply = threadMessageEvent({ user: 'U43', channel: 'C0001', text: 'me too', threadTs: String(mention.ts) });
    expect((await driver.event(reply, {}, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    expect(threads).toEqual([mention.ts]);
  });
});

describe('a real Bolt app in Socket Mode against the fake', () => {
  async function startSocketApp(): Promise<BoltApp> {
    const app = new App({
      token: 'xoxb-test',
      botId: 'B1',
      botUserId: 'UBOT',
      socketMode: true,
      appToken: 'xapp-test',
      logger: quietLogger(),
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    return app;
  }

  it('connects through apps.connections.open and acks a slash_commands envelope', async () => {
    const app = await startSocketApp();
    app.command('/papers', async ({ command, ack, respond }) => {
      await ack(`working on "${command.text}"`);
      await respond({ text: 'done' });
    });
    await app.start();
    apps.push(app);
    expect(fake.calls.map((c) => [c.method, c.bearer])).toEqual([['apps.connections.open', 'xapp-test']]);
    expect(fake.connections).toBe(1);

    const payload = slashCommandPayload({ text: 'top 3' }, { responseUrl: () => fake.responseUrl() });
    const ack = await fake.sendEnvelope('slash_commands', payload);
    expect(ack).toEqual({ envelope_id: fake.envelopes[0]!.envelope_id, payload: { text: 'working on "top 3"' } });
    await expect(fake.waitFor((s) => s.responses[0])).resolves.toMatchObject({ body: { text: 'done' } });
  });

  it('acks an events_api envelope itself and runs the listener', async () => {
    const app = await startSocketApp();
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: 'hello', thread_ts: event.ts });
    });
    await app.start();
    apps.push(app);
    const mention = mentionEvent({ user: 'U42', channel: 'C0001', text: 'hi' });
    const ack = await fake.sendEnvelope('events_api', eventCallbackBody(mention));
    expect(ack.payload).toEqual({});
    await expect(fake.waitFor((s) => s.messages[0])).resolves.toMatchObject({ text: 'hello', thread_ts: mention.ts });
  });

  it('close() terminates open sockets and stops listening', async () => {
    const socket = new WebSocket(fake.socketUrl);
    const hello = await new Promise<unknown>((resolve, reject) => {
      socket.once('message', (data) => resolve(JSON.parse(String(data))));
      socket.once('error', reject);
    });
    expect(hello).toMatchObject({ type: 'hello' });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const apiUrl = fake.apiUrl;
    await fake.close();
    await closed;
    await expect(fetch(`${apiUrl}auth.test`, { method: 'POST' })).rejects.toThrow();
  });
});
