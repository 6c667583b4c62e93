import { createSlackAdapter, type SlackAdapter, type SlackAdapterDeps } from '../../adapters/slack/app.ts';
import { workspaceBudget } from '../../adapters/slack/installations.ts';
import { createBot } from '../../bot.ts';
import type { SlackConfig } from '../../src/config.ts';
import { PacedSender, type PacedSenderOptions } from '../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../src/logger.ts';
import type { FakeSlack } from '../fakes/slack/fake-slack.ts';
import { testLibrary } from './library.ts';

/** What {@link slackBotOn} varies: the adapter's settings beyond the fake's URL, and extra wiring. */
export interface SlackBotOptions {
  /** The mode and its secret (signing secret or app token), and any setting to change. */
  config: Partial<SlackConfig> & Pick<SlackConfig, 'mode'>;
  now?: string;
  deps?: Partial<Pick<SlackAdapterDeps, 'notice' | 'socketPingTimeoutMs'>>;
  sender?: Partial<Pick<PacedSenderOptions, 'settleMs'>>;
}

/**
 * The real Slack adapter (Bolt) wired to the whole bot (corpus with sources, memory stores, a manual clock, a paced
 * sender) against `fake`; not started.
 */
export async function slackBotOn(fake: FakeSlack, options: SlackBotOptions) {
  const library = await testLibrary({ withSources: true, now: options.now ?? '2025-01-24T09:00:00Z' });
  const log = new MemoryLogger();
  const stores = library.stores;
  let adapter: SlackAdapter | undefined;
  let sender: PacedSender | undefined;
  const bot = createBot({
    clock: library.clock, log, library: library.library, stores,
    senderFor: (name) => (name === 'slack' ? sender : undefined),
    platformFor: (name) => (name === 'slack' ? adapter?.platform : undefined),
    status: { startedAt: library.clock.now(), version: 't', sources: [] },
    defaultTimeZone: 'UTC',
  });
  // Installs in many workspaces have no one bot token (each workspace's comes from its install).
  const config: SlackConfig = {
    ...(options.config.oauth ? {} : { botToken: 'xoxb-test' }), port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, command: '/papers', managers: [],
    botId: 'B1', botUserId: 'UBOT', requestTimeoutMs: 2000, startTimeoutMs: 5000, ...options.config,
  };
  adapter = createSlackAdapter(config, { inbound: bot, clock: library.clock, log, inboundEvents: stores.inbound, installs: bot.installs, ...options.deps });
  sender = new PacedSender({ platform: adapter.platform, clock: library.clock, logger: log, random: () => 0.5, budgetOf: workspaceBudget, ...options.sender });
  return { adapter, bot, stores, library, log };
}
