/**
 * The slash-command round trip through the real Bolt HTTP receiver: a signed `/papers search` request in,
 * the answer posted to the response URL, `concurrency` requests in flight. The bot (real Bolt app, real
 * core, the corpus given) runs here; Slack and the users are played by a child process on 127.0.0.1.
 */
import { createSlackAdapter } from '../adapters/slack/app.ts';
import { createBot } from '../bot.ts';
import { systemClock } from '../src/clock.ts';
import type { PaperLibrary } from '../src/library/paper-library.ts';
import type { Stores } from '../src/store/store.ts';
import { silentLogger } from '../src/logger.ts';
import { startLoadChild } from './load-child.ts';
import type { Percentiles } from './stats.ts';

const SECRET = 'bench0123456789abcdef';

/** Times `texts.length` signed slash commands, `concurrency` at a time; every one must be answered. */
export async function measureSlackRoundTrip(library: PaperLibrary, stores: Stores, texts: readonly string[], concurrency = 50): Promise<Percentiles> {
  const load = await startLoadChild<{ apiUrl: string }>(new URL('./slack-load.ts', import.meta.url));
  const bot = createBot({
    clock: systemClock, log: silentLogger, library, stores, senderFor: () => undefined,
    status: { startedAt: new Date(), version: 'bench', sources: [] }, defaultTimeZone: 'UTC',
  });
  const adapter = createSlackAdapter(
    { mode: 'http', botToken: 'xoxb-bench', signingSecret: SECRET, port: 0, host: '127.0.0.1', apiUrl: load.hello.apiUrl, command: '/papers', managers: ['*'], botId: 'B1', botUserId: 'UBOT', processBeforeResponse: true, retries: 0 },
    { inbound: bot, clock: systemClock, log: silentLogger },
  );
  const { port } = await adapter.start();
  try {
    return await load.run({ botUrl: `http://127.0.0.1:${port}/slack/events`, secret: SECRET, texts, concurrency }, texts.length);
  } finally {
    await adapter.stop();
    load.stop();
  }
}
