/**
 * The interaction round trip through the real discord.js client: a `/papers search` INTERACTION_CREATE
 * dispatched over the gateway, to the interaction callback received by the (fake) REST API, `concurrency`
 * interactions in flight. The bot (real client, real core, the corpus given) runs here; Discord and the
 * users are played by a child process on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDiscordAdapter } from '../adapters/discord/app.ts';
import { createBot } from '../bot.ts';
import { systemClock } from '../src/clock.ts';
import type { PaperSearch } from '../src/index/paper-search.ts';
import { silentLogger } from '../src/logger.ts';
import { createMemoryStores } from '../src/store/memory/memory-store.ts';
import type { Percentiles } from './stats.ts';

/** Times `texts.length` search interactions, `concurrency` at a time; every one must be answered. */
export async function measureDiscordRoundTrip(search: PaperSearch, texts: readonly string[], concurrency = 50): Promise<Percentiles> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./discord-load.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { apiBase, token, appId } = JSON.parse(String((await lines.next()).value)) as { apiBase: string; token: string; appId: string };
  const bot = createBot({
    clock: systemClock, log: silentLogger, search, stores: createMemoryStores(), senderFor: () => undefined,
    status: { startedAt: new Date(), version: 'bench', sources: [] }, defaultTimeZone: 'UTC',
  });
  const adapter = createDiscordAdapter({ token, applicationId: appId, apiBase, managers: [], retries: 0, timeoutMs: 10_000 }, { inbound: bot, clock: systemClock, log: silentLogger });
  await adapter.start();
  try {
    child.stdin.write(`${JSON.stringify({ texts, concurrency })}\n`);
    const result = JSON.parse(String((await lines.next()).value)) as Percentiles & { answered: number; rejected: number };
    if (result.answered !== texts.length || result.rejected > 0) throw new Error(`answered ${result.answered} of ${texts.length}, ${result.rejected} refused by the fake`);
    return result;
  } finally {
    await adapter.stop();
    child.kill();
  }
}
