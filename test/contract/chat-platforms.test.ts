import { webApi } from '@slack/bolt';
import { REST } from 'discord.js';
import { createDiscordPlatform } from '../../adapters/discord/platform.ts';
import { createShellPlatform } from '../../adapters/shell/platform.ts';
import { createSlackPlatform } from '../../adapters/slack/platform.ts';
import { singleWorkspaceClients } from '../../adapters/slack/installations.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import { ManualClock } from '../../src/clock.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { startFakeDiscord } from '../fakes/discord/fake-discord.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import { startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { chatPlatformContract, type ScriptedPostFailure } from './chat-platform-contract.ts';

chatPlatformContract('Slack (the real Web API client against the fake Slack)', async () => {
  const fake = await startFakeSlack();
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const channel = { platform: 'slack', channelId: 'C0001' };
  const failures: Record<ScriptedPostFailure, Parameters<typeof fake.failNext>[1]> = {
    'rate-limited': { status: 429, retryAfter: 2 },
    'server-error': { status: 500 },
    'channel-gone': { error: 'channel_not_found' },
  };
  return {
    platform: createSlackPlatform(singleWorkspaceClients(client)),
    channel,
    async seen(where) {
      const threadId = 'threadId' in where ? where.threadId : undefined;
      return fake.messages
        .filter((m) => m.channel === where.channelId && (threadId === undefined ? m.thread_ts === undefined || m.thread_ts === m.ts : m.thread_ts === threadId && m.ts !== threadId))
        .map((m) => JSON.stringify({ text: m.text, blocks: m.blocks }));
    },
    failNextPost: (failure) => fake.failNext('chat.postMessage', failures[failure]),
    dedupes: false,
    limitViolations: () => fake.calls.filter((c) => c.error !== undefined && /invalid_blocks|msg_too_long|too_many/.test(c.error)).map((c) => `${c.method}: ${c.error}`),
    close: () => fake.close(),
  };
});

chatPlatformContract('Discord (the real REST client against the fake Discord)', async () => {
  const fake = await startFakeDiscord();
  const rest = new REST({ api: fake.apiBase, retries: 0, timeout: 2000 }).setToken(fake.token);
  const messages = /^\/channels\/\d+\/messages$/;
  const failures: Record<ScriptedPostFailure, Parameters<typeof fake.failNext>[1]> = {
    'rate-limited': { status: 429, retryAfter: 0.2 },
    'server-error': { status: 500, code: 0, message: 'Internal Server Error' },
    'channel-gone': { status: 404, code: 10003, message: 'Unknown Channel' },
  };
  return {
    platform: createDiscordPlatform(rest, new MemoryLogger()),
    channel: { platform: 'discord', channelId: fake.channelId },
    async seen(where) {
      // A Discord thread is a channel of its own.
      const channelId = 'threadId' in where ? where.threadId : where.channelId;
      return fake.messages.filter((m) => m.channel_id === channelId && m.via === 'channel').map((m) => JSON.stringify({ content: m.content, embeds: m.embeds, components: m.components }));
    },
    failNextPost: (failure) => fake.failNext({ method: 'POST', path: messages }, failures[failure]),
    dedupes: true,
    limitViolations: () => fake.validationErrors.map((e) => `${e.path}: ${e.errors.join('; ')}`),
    async close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      await fake.close();
    },
  };
});

chatPlatformContract('the terminal (its printer)', async () => {
  const printed: { where: string; message: OutgoingMessage }[] = [];
  const platform = createShellPlatform((message, where) => printed.push({ where, message }));
  return {
    platform,
    channel: { platform: 'shell', channelId: 'terminal' },
    async seen(where) {
      const label = 'threadId' in where ? `#${where.channelId} › thread ${where.threadId}` : `#${where.channelId}`;
      return printed.filter((p) => p.where === label).map((p) => JSON.stringify(p.message));
    },
    dedupes: false,
    limitViolations: () => [],
    close: async () => undefined,
  };
});

chatPlatformContract('FakePlatform (the double command and scheduler tests use)', async () => {
  const platform = new FakePlatform(new ManualClock('2025-01-24T12:00:00Z'));
  const errors: Record<ScriptedPostFailure, Error> = {
    'rate-limited': new RateLimitedError(2000),
    'server-error': new TransientPlatformError('503', { status: 503 }),
    'channel-gone': new ChannelGoneError('channel_not_found'),
  };
  return {
    platform,
    channel: { platform: 'test', channelId: 'C1' },
    async seen(where) {
      const threadId = 'threadId' in where ? where.threadId : undefined;
      return platform.postsTo(where.channelId).filter((p) => p.threadId === threadId).map((p) => JSON.stringify(p.message));
    },
    failNextPost: (failure) => platform.failNext('C1', errors[failure]),
    dedupes: false,
    limitViolations: () => [],
    close: async () => undefined,
  };
});
