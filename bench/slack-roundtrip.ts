/**
 * The slash-command round trip through the real Bolt HTTP receiver, in an open loop: signed `/papers
 * search` requests at fixed arrival rates, each to its acknowledgement and its answer. The bot (real Bolt
 * app with production settings, real core, the corpus given) runs here; Slack and the users are played by
 * a child process on 127.0.0.1.
 */
import { createSlackAdapter } from '../adapters/slack/app.ts';
import { createBot } from '../bot.ts';
import { systemClock } from '../src/clock.ts';
import type { PaperLibrary } from '../src/library/paper-library.ts';
import type { Stores } from '../src/store/store.ts';
import { silentLogger } from '../src/logger.ts';
import { startLoadChild } from './load-child.ts';
import { measureOpenLoop, type OpenLoopStep } from './open-loop.ts';

const SECRET = 'bench0123456789abcdef';

/** Offers `/papers search <text>` at each rate of the open loop; texts are used round-robin. */
export async function measureSlackRoundTrip(library: PaperLibrary, stores: Stores, texts: readonly string[], rates?: readonly number[], durationMs?: number): Promise<OpenLoopStep[]> {
  const load = await startLoadChild<{ apiUrl: string }>(new URL('./slack-load.ts', import.meta.url));
  const bot = createBot({
    clock: systemClock, log: silentLogger, library, stores, senderFor: () => undefined,
    status: { startedAt: new Date(), version: 'bench', sources: [] }, defaultTimeZone: 'UTC',
  });
  const adapter = createSlackAdapter(
    { mode: 'http', botToken: 'xoxb-bench', signingSecret: SECRET, port: 0, host: '127.0.0.1', apiUrl: load.hello.apiUrl, command: '/papers', managers: ['*'], botId: 'B1', botUserId: 'UBOT', requestTimeoutMs: 10_000, startTimeoutMs: 10_000 },
    { inbound: bot, clock: systemClock, log: silentLogger, inboundEvents: stores.inbound },
  );
  const { port } = await adapter.start();
  try {
    load.send({ botUrl: `http://127.0.0.1:${port}/slack/events`, secret: SECRET, texts });
    return await measureOpenLoop(load, rates, durationMs);
  } finally {
    await adapter.stop();
    load.stop();
  }
}
