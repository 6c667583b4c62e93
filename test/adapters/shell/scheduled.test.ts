import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createShellAdapter } from '../../../adapters/shell/repl.ts';
import { createBot } from '../../../bot.ts';
import { PacedSender } from '../../../src/delivery/paced-sender.ts';
import type { ChatPlatform } from '../../../src/chat/platform.port.ts';
import { MemoryLogger } from '../../../src/logger.ts';
import { testLibrary } from '../../helpers/library.ts';

/** Waits (bounded) until `check` holds, letting the REPL work through its input. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!check()) throw new Error('condition never held');
}

describe('the terminal prints scheduled posts as they fire', () => {
  it('shows the daily post a minute after "daily on" set it for that minute', async () => {
    const { library, stores, clock } = await testLibrary({ now: '2025-01-24T12:00:00Z' });
    const log = new MemoryLogger();
    let platform: ChatPlatform | undefined;
    const bot = createBot({
      clock, log, library, stores,
      senderFor: (name) => (name === 'shell' && platform ? new PacedSender({ platform, clock, logger: log }) : undefined),
      status: { startedAt: clock.now(), version: 't', sources: [] },
      defaultTimeZone: 'UTC',
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
    const shell = createShellAdapter({
      inbound: bot, clock, input, output, interactive: false, color: false, width: 100,
      actor: { platform: 'shell', userId: 'you', displayName: 'you', canManageChannel: true },
      channel: { platform: 'shell', channelId: 'terminal' },
      banner: 'Paperboy',
    });
    platform = shell.platform;
    input.write('daily on 12:01 UTC top:2\n');
    await until(() => printed.includes('Daily post on: every day at 12:01 UTC'));
    expect(printed).not.toContain('posted to');

    await bot.jobs.runUntil(new Date('2025-01-24T12:02:00Z'));
    expect(printed).toContain('── posted to #terminal ──\nTrending papers for Friday 24 January');
    expect(printed).toContain('Sparsity-Constrained Optimal Transport');
    input.end();
    await shell.closed;
  });
});
