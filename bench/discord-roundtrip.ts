/**
 * The interaction round trip through the real discord.js client, in an open loop: `/papers search`
 * INTERACTION_CREATE events dispatched over the gateway at fixed arrival rates, each to its interaction
 * callback (the acknowledgement) and its answer. The bot (real client, real core, the corpus given) runs
 * here; Discord and the users are played by a child process on 127.0.0.1.
 */
import { createDiscordAdapter } from '../adapters/discord/app.ts';
import { createBot } from '../bot.ts';
import { systemClock } from '../src/clock.ts';
import type { PaperLibrary } from '../src/library/paper-library.ts';
import type { Stores } from '../src/store/store.ts';
import { silentLogger } from '../src/logger.ts';
import { startLoadChild } from './load-child.ts';
import { measureOpenLoop, type OpenLoopStep } from './open-loop.ts';

/** Offers `/papers search` interactions at each rate of the open loop; texts are used round-robin. */
export async function measureDiscordRoundTrip(library: PaperLibrary, stores: Stores, texts: readonly string[], rates?: readonly number[], durationMs?: number): Promise<OpenLoopStep[]> {
  const load = await startLoadChild<{ apiBase: string; token: string; appId: string }>(new URL('./discord-load.ts', import.meta.url));
  const { apiBase, token, appId } = load.hello;
  const bot = createBot({
    clock: systemClock, log: silentLogger, library, stores, senderFor: () => undefined,
    status: { startedAt: new Date(), version: 'bench', sources: [] }, defaultTimeZone: 'UTC',
  });
  const adapter = createDiscordAdapter({ token, applicationId: appId, apiBase, managers: [], requestTimeoutMs: 10_000 }, { inbound: bot, clock: systemClock, log: silentLogger });
  await adapter.start();
  try {
    load.send({ texts });
    return await measureOpenLoop(load, rates, durationMs);
  } finally {
    await adapter.stop();
    load.stop();
  }
}
