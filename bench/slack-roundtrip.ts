/**
 * The slash-command round trip through the real Bolt HTTP receiver: a signed `/papers search` request in,
 * the answer posted to the response URL, `concurrency` requests in flight. The bot (real Bolt app, real
 * core, the corpus given) runs here; Slack and the users are played by a child process on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSlackAdapter } from '../adapters/slack/app.ts';
import { createBot } from '../bot.ts';
import { systemClock } from '../src/clock.ts';
import type { PaperSearch } from '../src/index/paper-search.ts';
import { silentLogger } from '../src/logger.ts';
import { createMemoryStores } from '../src/store/memory/memory-store.ts';
import type { Percentiles } from './stats.ts';

const SECRET = 'bench0123456789abcdef';

/** Times `texts.length` signed slash commands, `concurrency` at a time; every one must be answered. */
export async function measureSlackRoundTrip(search: PaperSearch, texts: readonly string[], concurrency = 50): Promise<Percentiles> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./slack-load.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { apiUrl } = JSON.parse(String((await lines.next()).value)) as { apiUrl: string };
  const bot = createBot({
    clock: systemClock, log: silentLogger, search, stores: createMemoryStores(), senderFor: () => undefined,
    status: { startedAt: new Date(), version: 'bench', sources: [] }, defaultTimeZone: 'UTC',
  });
  const adapter = createSlackAdapter(
    { mode: 'http', botToken: 'xoxb-bench', signingSecret: SECRET, port: 0, host: '127.0.0.1', apiUrl, command: '/papers', managers: ['*'], botId: 'B1', botUserId: 'UBOT', processBeforeResponse: true, retries: 0 },
    { inbound: bot, clock: systemClock, log: silentLogger },
  );
  const { port } = await adapter.start();
  try {
    child.stdin.write(`${JSON.stringify({ botUrl: `http://127.0.0.1:${port}/slack/events`, secret: SECRET, texts, concurrency })}\n`);
    const result = JSON.parse(String((await lines.next()).value)) as Percentiles & { answered: number; rejected: number };
    if (result.answered !== texts.length || result.rejected > 0) throw new Error(`answered ${result.answered} of ${texts.length}, ${result.rejected} refused by the fake`);
    return result;
  } finally {
    await adapter.stop();
    child.kill();
  }
}
