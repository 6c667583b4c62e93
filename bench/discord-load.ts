/**
 * Child process of the Discord round-trip benchmark: plays Discord (the fake REST API and gateway) and the
 * people typing, in its own process so their CPU is not counted as the bot's.
 *   1. prints `{"apiBase", "token", "appId"}` once the fake listens;
 *   2. reads `{"texts", "concurrency"}` from stdin once the bot is connected;
 *   3. dispatches `/papers search` interactions over the gateway, `concurrency` in flight, and prints the
 *      latency percentiles (dispatch → interaction callback received) and how many were answered.
 */
import { createInterface } from 'node:readline';
import { startFakeDiscord } from '../test/fakes/discord/fake-discord.ts';
import { percentiles } from './stats.ts';

const fake = await startFakeDiscord({ interactionDeadlineMs: Number.POSITIVE_INFINITY });
process.stdout.write(`${JSON.stringify({ apiBase: fake.apiBase, token: fake.token, appId: fake.appId })}\n`);
const [line] = await new Promise<string[]>((resolve) => {
  const lines: string[] = [];
  createInterface({ input: process.stdin }).on('line', (l) => { lines.push(l); resolve(lines); });
});
const { texts, concurrency } = JSON.parse(line!) as { texts: string[]; concurrency: number };

/** One `/papers search` interaction, timed from its dispatch to its callback. */
async function search(text: string): Promise<{ ms: number; answered: boolean }> {
  const start = performance.now();
  const ref = fake.interaction.command({ subcommand: 'search', options: [{ name: 'query', type: 3, value: text }] });
  const callback = await fake.waitForCallback(ref.token, 30_000);
  return { ms: performance.now() - start, answered: callback.type === 4 || callback.type === 5 };
}

// Warm-up at full concurrency, so the timed run finds compiled code, as a bot running for a while would.
await Promise.all(Array.from({ length: concurrency }, (_, i) => search(texts[i % texts.length]!)));
const times: number[] = [];
let answered = 0;
let next = 0;
const worker = async (): Promise<void> => {
  while (next < texts.length) {
    const result = await search(texts[next++]!);
    times.push(result.ms);
    if (result.answered) answered++;
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(`${JSON.stringify({ ...percentiles(times), answered, rejected: fake.validationErrors.length })}\n`);
await fake.close();
