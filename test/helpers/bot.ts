import { createBot, type Bot, type BotOptions } from '../../bot.ts';
import type { CommandResult } from '../../commands/framework/command-spec.ts';
import type { InboundContext } from '../../commands/framework/inbound.ts';
import type { ThreadRef } from '../../src/chat/refs.ts';
import { plainText, type Block, type Button, type OutgoingMessage } from '../../src/chat/message.ts';
import type { ManualClock } from '../../src/clock.ts';
import { PacedSender } from '../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../src/logger.ts';
import type { BotMetrics } from '../../src/metrics/metrics.port.ts';
import type { PaperSource } from '../../src/scheduler/source-refresh.ts';
import type { Stores } from '../../src/store/store.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import { testLibrary, type TestLibrary } from './library.ts';

/** Options of {@link testBot}. */
export interface TestBotOptions {
  withSources?: boolean;
  now?: string;
  canManageChannel?: boolean;
  /** A store to use (e.g. SQLite on a temp file, to restart on); memory by default. */
  stores?: Stores;
  /** The clock to use (to keep time across a simulated restart). */
  clock?: ManualClock;
  /** A library (with its stores and clock) to use instead of opening one. */
  library?: TestLibrary;
  sources?: PaperSource[];
  channelId?: string;
  registry?: BotOptions['registry'];
  /** Look for papers written by other processes this often (ms of the manual clock); off by default. */
  followIntervalMs?: number;
  fullText?: BotOptions['fullText'];
  writer?: BotOptions['writer'];
  /** Where commands, deliveries and refreshes are counted (nowhere by default). */
  metrics?: BotMetrics;
  /** This bot as one of several replicas on its stores. */
  replica?: BotOptions['replica'];
}

/**
 * A bot with the real dispatcher, scheduler, corpus and index, memory (or given) stores, a fake platform
 * named `test`, and a manual clock: `exec('search diffusion')`, `bot.jobs.runUntil(...)`.
 */
export async function testBot(options: TestBotOptions = {}) {
  const { library, clock, stores } = options.library ?? (await testLibrary(options));
  const log = new MemoryLogger();
  const platform = new FakePlatform(clock);
  const sender = new PacedSender({ platform, clock, logger: log, random: () => 0.5, ...(options.metrics ? { metrics: options.metrics } : {}) });
  const bot: Bot = createBot({
    clock, log, library, stores,
    senderFor: (name) => (name === platform.name ? sender : undefined),
    platformFor: (name) => (name === platform.name ? platform : undefined),
    status: { startedAt: clock.now(), version: '0.0.0-test', sources: [] },
    defaultTimeZone: 'UTC',
    ...(options.sources ? { sources: options.sources } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.followIntervalMs ? { followIntervalMs: options.followIntervalMs } : {}),
    ...(options.fullText ? { fullText: options.fullText } : {}),
    ...(options.writer ? { writer: options.writer } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.replica ? { replica: options.replica } : {}),
  });
  const actor = { platform: 'test', userId: 'U1', displayName: 'Ada', canManageChannel: options.canManageChannel ?? true };
  /** Who and where: user U1 (Ada) in a channel of the platform `test`, at the clock's time; in a thread when given. */
  const where = (channelId = options.channelId ?? 'C1', thread?: ThreadRef): InboundContext => ({
    actor, channel: { platform: 'test', channelId }, receivedAt: clock.now(), ...(thread ? { thread } : {}),
  });
  return {
    ...bot,
    bot,
    library,
    clock,
    log,
    stores,
    platform,
    where,
    /** A typed command, through the bot's inbound side as an adapter hands it over (so `discuss` opens a real thread). */
    exec: (line: string, channelId?: string): Promise<CommandResult> => bot.command(line, where(channelId)),
    /** A command typed inside a thread (Discord's /papers ask, the terminal's thread mode). */
    execIn: (thread: ThreadRef, line: string): Promise<CommandResult> => bot.command(line, where(thread.channelId, thread)),
    press: (actionId: string, channelId?: string): Promise<CommandResult> => bot.press(actionId, where(channelId)),
    /** A message in a thread; addressed to the bot when it starts with @paperboy. */
    say: (thread: ThreadRef, text: string, addressedToBot = /^@paperboy/i.test(text)) =>
      bot.threadMessage({ thread, actor, text, at: clock.now(), addressedToBot }),
  };
}

/** Every button of a message, in order. */
export function buttonsOf(message: OutgoingMessage): Button[] {
  return message.blocks.flatMap((block) => (block.kind === 'actions' ? block.buttons : []));
}

/** The headings of a message (paper titles on cards). */
export function headingsOf(message: OutgoingMessage): string[] {
  return message.blocks.flatMap((block) => (block.kind === 'heading' ? [block.text] : []));
}

/** All visible text of a message, one block per line (for `toContain` checks). */
export function textOf(message: OutgoingMessage): string {
  const line = (block: Block): string => {
    switch (block.kind) {
      case 'heading': return block.text;
      case 'text': case 'context': return plainText(block.text);
      case 'fields': return block.fields.map((f) => `${f.label}: ${plainText(f.value)}`).join('\n');
      case 'list': return block.items.map((item) => plainText(item)).join('\n');
      case 'image': return block.alt;
      case 'actions': return block.buttons.map((b) => `[${b.label}]`).join(' ');
      case 'divider': return '---';
    }
  };
  return message.blocks.map(line).join('\n');
}
