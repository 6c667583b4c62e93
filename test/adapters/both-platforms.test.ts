import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { chatAdapters } from '../../adapters/chat-adapters.ts';
import { createBot } from '../../bot.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import { PacedSender } from '../../src/delivery/paced-sender.ts';
import { readConfig } from '../../src/config.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { startFakeDiscord } from '../fakes/discord/fake-discord.ts';
import { startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { slackDriver } from '../fakes/slack/slack-driver.ts';
import { testLibrary } from '../helpers/library.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('serves Slack and Discord from one process when both are configured', async () => {
  const slack = await startFakeSlack();
  cleanup.push(() => slack.close());
  const discordToken = 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123';
  const discord = await startFakeDiscord({ token: discordToken });
  cleanup.push(() => discord.close());
  const secret = '0123456789abcdef0123456789abcdef';
  const port = await freePort();
  const config = readConfig({
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: secret, SLACK_PORT: String(port), SLACK_HOST: '127.0.0.1',
    SLACK_API_URL: slack.apiUrl, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT',
    DISCORD_TOKEN: discordToken, DISCORD_APPLICATION_ID: discord.appId, DISCORD_API_BASE: discord.apiBase,
  });
  const library = await testLibrary({ withSources: true });
  const platforms = new Map<string, ChatPlatform>();
  const senders = new Map<string, PacedSender>();
  const bot = createBot({
    clock: library.clock, log: new MemoryLogger(), library: library.library, stores: library.stores,
    senderFor: (name) => senders.get(name), platformFor: (name) => platforms.get(name),
    status: { startedAt: library.clock.now(), version: 't', sources: [] }, defaultTimeZone: 'UTC',
  });
  const adapters = await chatAdapters(config, { inbound: bot, clock: library.clock, log: new MemoryLogger(), inboundEvents: library.stores.inbound, installs: bot.installs });
  expect(adapters.map((a) => a.name)).toEqual(['slack', 'discord']);
  for (const adapter of adapters) {
    platforms.set(adapter.name, adapter.platform);
    senders.set(adapter.name, new PacedSender({ platform: adapter.platform, clock: library.clock, logger: new MemoryLogger(), ...adapter.pacing }));
    await adapter.start();
    cleanup.push(() => adapter.stop());
  }

  const fromSlack = await slackDriver(`http://127.0.0.1:${port}/slack/events`, secret, { responseUrl: () => slack.responseUrl() })
    .command({ text: 'show 2501.12948' });
  expect(JSON.stringify(fromSlack.json)).toContain('DeepSeek-R1');

  const ref = discord.interaction.command({ subcommand: 'show', options: [{ name: 'paper', type: 3, value: '2501.12948' }] });
  const callback = await discord.waitForCallback(ref.token);
  expect(JSON.stringify(callback.data)).toContain('DeepSeek-R1');

  // A discussion opened on each platform goes through that platform.
  await discord.waitForCallback(discord.interaction.command({ subcommand: 'discuss', options: [{ name: 'paper', type: 3, value: '2501.12948' }] }).token);
  expect(discord.threads).toHaveLength(1);
  expect(slack.messages).toHaveLength(0);
});
