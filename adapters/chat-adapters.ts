/*
 * The chat platforms the configuration switches on, each as an adapter the composition root starts, stops
 * and paces the same way. Slack and Discord can run together in one process. Each platform's SDK is loaded
 * only when that platform is configured: discord.js and Bolt take about half a second each to load, which
 * the terminal and `--once` never pay.
 */
import type { BotInbound } from '../commands/framework/inbound.ts';
import type { ChatPlatform } from '../src/chat/platform.port.ts';
import type { Clock } from '../src/clock.ts';
import type { Config } from '../src/config.ts';
import type { PacedSenderOptions } from '../src/delivery/paced-sender.ts';
import type { Logger } from '../src/logger.ts';
import type { InboundEventStore } from '../src/store/inbound-event-store.port.ts';
import type { WorkspaceInstalls } from '../src/workspaces/workspace-installs.ts';

/** A configured chat platform, ready to start. */
export interface ChatAdapter {
  /** Matches `ChannelRef.platform`. */
  name: string;
  platform: ChatPlatform;
  /** How posts are paced on this platform (the sender's defaults when empty), and how long a look-up waits. */
  pacing: Pick<PacedSenderOptions, 'perChannel' | 'global' | 'settleMs' | 'budgetOf'>;
  /** For the start-up line: `Slack (Socket Mode)`. */
  description: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether it is connected to the platform now (listening, in HTTP mode); for readiness checks. */
  connected(): boolean;
  /** Its connections' state for `status` (Discord's shards, Slack's installed workspaces), a line each. */
  connections?(): Promise<string[]>;
}

/**
 * Discord documents no fixed per-channel number (its headers rule, and discord.js's queue obeys them); about
 * five messages per five seconds per channel and 50 requests a second in all are the long-standing figures.
 */
export const DISCORD_PACING = { perChannel: { perSecond: 1, burst: 5 }, global: { perSecond: 45, burst: 50 } } as const;

/** The adapters of every chat platform the configuration sets up (none: the terminal runs instead). */
export async function chatAdapters(
  config: Config,
  deps: { inbound: BotInbound; clock: Clock; log: Logger; inboundEvents: InboundEventStore; installs: WorkspaceInstalls; notice?: (line: string) => void },
): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  if (config.slack) {
    const [{ createSlackAdapter }, { SLACK }, { workspaceBudget }] = await Promise.all([import('./slack/app.ts'), import('./slack/platform.ts'), import('./slack/installations.ts')]);
    const slack = createSlackAdapter(config.slack, deps);
    const mode = (config.slack.mode === 'socket' ? 'Socket Mode' : `HTTP on port ${config.slack.port}`) + (config.slack.oauth ? ', installs in many workspaces' : '');
    adapters.push({
      // Slack's limits are per workspace: each has its own budget, so a busy one never holds up another.
      name: SLACK, platform: slack.platform, pacing: { settleMs: config.slack.requestTimeoutMs, budgetOf: workspaceBudget }, description: `Slack (${mode})`,
      start: async () => { await slack.start(); }, stop: () => slack.stop(), connected: () => slack.connected(),
      ...(config.slack.oauth ? { connections: async () => {
          const installed = await deps.installs.countInstalled(SLACK);
          return [`Slack: installed in ${installed} workspace${installed === 1 ? '' : 's'}`];
        } } : {}),
    });
  }
  if (config.discord) {
    const [{ createDiscordAdapter }, { DISCORD }, { Status }] = await Promise.all([import('./discord/app.ts'), import('./discord/platform.ts'), import('discord.js')]);
    const discord = createDiscordAdapter(config.discord, deps);
    adapters.push({
      name: DISCORD, platform: discord.platform, pacing: { ...DISCORD_PACING, settleMs: config.discord.requestTimeoutMs }, description: 'Discord',
      start: () => discord.start(), stop: () => discord.stop(),
      // Shards only when sharded: one connection says nothing "connected" does not.
      ...(config.discord.shards
        ? { connections: async () => discord.shards().map((s) => `Discord shard ${s.id} of ${s.count}: ${s.status} (${s.guilds} server${s.guilds === 1 ? '' : 's'})`) }
        : {}),
      // The client stays "ready" through a reconnect; its shards say whether the gateway is up now.
      connected: () => discord.client.isReady() && discord.client.ws.shards.every((shard) => shard.status === Status.Ready),
    });
  }
  return adapters;
}
