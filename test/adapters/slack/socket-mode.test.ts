/*
 * Socket Mode, the README's first Slack setup, against a fake Slack speaking it (hello, envelopes, acks, disconnect,
 * redeliveries), driving the real Bolt app through the adapter: what Slack does routinely (refreshing connections,
 * sending envelopes again) and what a first-time user gets wrong (the app token), one test per case of #19.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SlackConfig } from '../../../src/config.ts';
import { startFakeSlack, type FakeSlack, type ScriptedFailure } from '../../fakes/slack/fake-slack.ts';
import { eventCallbackBody, mentionEvent, slashCommandPayload } from '../../fakes/slack/slack-driver.ts';
import { slackBotOn } from '../../helpers/slack-bot.ts';

const CHANNEL = 'C0001';
const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** The Slack adapter in Socket Mode against a fake Slack, wired to the whole bot; not started. */
async function socketBot(options: { config?: Partial<SlackConfig>; fails?: [string, ...ScriptedFailure[]][] } = {}) {
  const fake: FakeSlack = await startFakeSlack();
  running.push(() => fake.close());
  for (const [method, ...failures] of options.fails ?? []) fake.failNext(method, ...failures);
  const notices: string[] = [];
  const { adapter, bot, stores, log } = await slackBotOn(fake, {
    config: { mode: 'socket', appToken: 'xapp-test', ...options.config },
    // Reconnects come after this (times the failures in a row); short, but long enough for a loaded machine's pongs.
    deps: { notice: (line) => void notices.push(line), socketPingTimeoutMs: 500 },
    sender: { settleMs: 0 },
  });
  running.push(() => adapter.stop());
  const command = (text: string) => slashCommandPayload({ text, channel_id: CHANNEL }, { responseUrl: () => fake.responseUrl() });
  return { fake, adapter, bot, stores, log, notices, command };
}

/** A started one, connected. */
async function connectedBot(options: Parameters<typeof socketBot>[0] = {}) {
  const bot = await socketBot(options);
  await bot.adapter.start();
  await bot.fake.waitFor((state) => state.connections > 0);
  return bot;
}

describe('Socket Mode: no lost answer, no double answer', () => {
  it('answers every command that arrives just before a disconnect (refresh_requested), through the response URL, once', async () => {
    const { fake, command } = await connectedBot();
    const queries = ['search monge gap', 'search diffusion', 'show 2501.12948', 'trending'];
    for (const text of queries) {
      // The connection closes right behind the envelope: its acknowledgement may never reach Slack.
      await fake.sendEnvelope('slash_commands', command(text), { thenDisconnect: 'refresh_requested', timeoutMs: 200 }).catch(() => undefined);
      await fake.waitFor((state) => state.connections > 0, 5000);
    }
    await fake.waitFor((state) => state.responses.length >= queries.length, 5000);
    expect(fake.responses).toHaveLength(queries.length);
    expect(fake.responses.map((r) => JSON.stringify(r.body)).join('\n')).toContain('The Monge Gap');
  });

  it('handles an envelope Slack sends again (retry_attempt 1) once: one answer to a search, one reply to a mention', async () => {
    const { fake, command } = await connectedBot();
    const search = command('search monge gap');
    await fake.sendEnvelope('slash_commands', search, { envelopeId: 'env-search' });
    await fake.sendEnvelope('slash_commands', search, { envelopeId: 'env-search', retryAttempt: 1, retryReason: 'timeout' });
    const parent = fake.addMessage({ channel: CHANNEL, user: 'U0002', text: 'a thread' });
    const mention = eventCallbackBody(mentionEvent({ user: 'U0002', channel: CHANNEL, text: 'what is trending?', threadTs: parent.ts }), { event_id: 'Ev0SOCKET' });
    await fake.sendEnvelope('events_api', mention, { envelopeId: 'env-mention' });
    await fake.sendEnvelope('events_api', mention, { envelopeId: 'env-mention-2', retryAttempt: 1, retryReason: 'timeout' });
    await fake.waitFor((state) => state.responses.length >= 1 && state.messages.some((m) => m.thread_ts === parent.ts && m.user === 'UBOT'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.responses).toHaveLength(1);
    expect(fake.messages.filter((m) => m.thread_ts === parent.ts && m.user === 'UBOT')).toHaveLength(1);
    // Every envelope was acknowledged, the repeats too, so Slack stops sending them.
    expect(new Set(fake.acks.map((a) => a.envelope_id))).toEqual(new Set(['env-search', 'env-mention', 'env-mention-2']));
  });
});

describe('Socket Mode: the start tells the truth', () => {
  for (const [error, words] of [
    ['not_allowed_token_type', /SLACK_APP_TOKEN \(not_allowed_token_type\): the token is not an app-level token \(it should start with xapp-\)/],
    ['missing_scope', /SLACK_APP_TOKEN \(missing_scope\): the token lacks the scope connections:write/],
    ['invalid_auth', /SLACK_APP_TOKEN \(invalid_auth\): the token is not a valid token/],
    ['account_inactive', /SLACK_APP_TOKEN \(account_inactive\)/],
  ] as const) {
    it(`ends the start when Slack refuses the app token with ${error}, naming the setting and what it needs`, async () => {
      const { adapter, fake } = await socketBot({ fails: [['apps.connections.open', { error }]] });
      const message = await adapter.start().then(() => 'started', (e: Error) => e.message);
      expect(message).toMatch(words);
      expect(message).toMatch(/Generate an app-level token with the connections:write scope in Basic Information → App-Level Tokens/);
      expect(fake.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
      expect(fake.connections).toBe(0);
    });
  }

  it('ends the start when Slack refuses the bot token, naming SLACK_BOT_TOKEN', async () => {
    const { adapter } = await socketBot({ config: { botId: undefined, botUserId: undefined }, fails: [['auth.test', { error: 'invalid_auth' }]] });
    await expect(adapter.start()).rejects.toThrow(/^Slack refused SLACK_BOT_TOKEN \(invalid_auth\).*Bot User OAuth Token/);
  });

  it('says on the first 5xx of apps.connections.open that it keeps trying, and connects when Slack recovers', async () => {
    const { adapter, fake, notices } = await socketBot({ fails: [['apps.connections.open', { status: 503 }, { status: 502 }]] });
    await adapter.start();
    await fake.waitFor((state) => state.connections > 0);
    expect(notices).toEqual([expect.stringMatching(/^Slack did not answer apps.connections.open \(HTTP 503\); trying again for up to 5 s/)]);
  });

  it('gives up after the bounded time when apps.connections.open keeps answering 5xx, with the reason', async () => {
    const { adapter, notices } = await socketBot({ fails: [['apps.connections.open', ...Array.from({ length: 50 }, () => ({ status: 503 }))]] });
    await expect(adapter.start()).rejects.toThrow(/^Could not connect to Slack: apps.connections.open kept failing for 5 s \(last: HTTP 503\)/);
    expect(notices).toHaveLength(1);
  });
});

describe('Socket Mode: nothing inside the Slack library can stop the process', () => {
  const frames: [string, string][] = [
    ['an events_api envelope with no payload', JSON.stringify({ envelope_id: 'e1', type: 'events_api', accepts_response_payload: false })],
    ['an events_api envelope with a null payload', JSON.stringify({ envelope_id: 'e2', type: 'events_api', payload: null })],
    ['an events_api payload without an event', JSON.stringify({ envelope_id: 'e3', type: 'events_api', payload: { type: 'event_callback', event_id: 'Ev3' } })],
    ['the literal null', 'null'],
    ['a bare number', '42'],
    ['a slash_commands envelope with a null payload', JSON.stringify({ envelope_id: 'e4', type: 'slash_commands', payload: null })],
    ['not JSON', '{"type":'],
  ];

  it.each(frames)('logs %s with the frame, acknowledges it when it can, and keeps serving', async (_name, frame) => {
    const { fake, log, command } = await connectedBot();
    fake.sendFrame(frame);
    const logged = await fake.waitFor(() => log.records.find((r) => /slack socket frame (refused|is not JSON)/.test(r.message)));
    expect(logged.fields.frame).toBe(frame);
    const id = /"envelope_id":"(e\d)"/.exec(frame)?.[1];
    if (id) await fake.waitFor((state) => state.acks.some((a) => a.envelope_id === id));
    // Still connected and answering.
    await fake.waitFor((state) => state.connections > 0);
    await fake.sendEnvelope('slash_commands', command('search monge gap'));
    await fake.waitFor((state) => state.responses.length === 1);
  });

  it('stops the Slack adapter cleanly, and says so, when the app token is revoked during a reconnect', async () => {
    const { fake, notices, log, adapter } = await connectedBot();
    expect(adapter.connected()).toBe(true);
    fake.failNext('apps.connections.open', { error: 'invalid_auth' });
    fake.requestReconnect('refresh_requested');
    await fake.waitFor(() => notices.length > 0 || undefined, 5000);
    expect(notices[0]).toMatch(/^Slack refused SLACK_APP_TOKEN \(invalid_auth\).*The Slack adapter has stopped; the other platforms keep running\./);
    expect(log.records.some((r) => r.message === 'slack refused the app token on a reconnect; the Slack adapter has stopped')).toBe(true);
    await fake.waitFor((state) => state.connections === 0);
    // /readyz reads this: a stopped adapter is not ready.
    expect(adapter.connected()).toBe(false);
  });

  it('tries a reconnect again when apps.connections.open fails with a 5xx, and connects', async () => {
    const { fake, log, adapter } = await connectedBot();
    fake.failNext('apps.connections.open', { status: 503 });
    fake.requestReconnect('refresh_requested');
    await fake.waitFor(() => log.records.some((r) => r.message === 'slack socket reconnect failed; trying again') || undefined, 5000);
    // Between the failed reconnect and the next one nothing is connected, and /readyz (which reads this) says so.
    await fake.waitFor(() => !adapter.connected() || undefined, 2000);
    await fake.waitFor((state) => state.connections > 0 && state.calls.filter((c) => c.method === 'apps.connections.open').length >= 4, 8000);
    await fake.waitFor(() => adapter.connected() || undefined, 5000);
  });
});
