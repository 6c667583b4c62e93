/**
 * Child process of the Slack round-trip benchmark: plays Slack (the fake Web API and response URLs) and
 * the people typing, in its own process so their CPU is not counted as the bot's.
 *   1. prints `{"apiUrl": …}` once the fake listens;
 *   2. reads `{"botUrl", "secret", "texts", "concurrency"}` from stdin;
 *   3. sends the signed slash commands, `concurrency` in flight, and prints the latency percentiles and
 *      how many were answered (in the acknowledgement, or through the response URL).
 */
import { createInterface } from 'node:readline';
import { startFakeSlack } from '../test/fakes/slack/fake-slack.ts';
import { slackDriver } from '../test/fakes/slack/slack-driver.ts';
import { percentiles } from './stats.ts';

const fake = await startFakeSlack({ enforceLimits: true });
process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl })}\n`);
const [line] = await new Promise<string[]>((resolve) => {
  const lines: string[] = [];
  createInterface({ input: process.stdin }).on('line', (l) => { lines.push(l); resolve(lines); });
});
const { botUrl, secret, texts, concurrency } = JSON.parse(line!) as { botUrl: string; secret: string; texts: string[]; concurrency: number };
const driver = slackDriver(botUrl, secret, { responseUrl: () => fake.responseUrl() });
// Warm-up at full concurrency, so the timed run finds open connections and compiled code, as a bot
// running for a while would.
await Promise.all(Array.from({ length: concurrency }, (_, i) => driver.command({ text: `search ${texts[i % texts.length]}` })));
const afterWarmUp = fake.responses.length;
const times: number[] = [];
let answered = 0;
let next = 0;
const worker = async (): Promise<void> => {
  while (next < texts.length) {
    const text = texts[next++]!;
    const start = performance.now();
    const response = await driver.command({ text: `search ${text}` });
    times.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`slash command answered ${response.status}`);
    // The answer comes in the acknowledgement, or (when slow) through the response URL.
    if ((response.json as { blocks?: unknown[] } | undefined)?.blocks?.length) answered++;
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
answered += fake.responses.length - afterWarmUp;
process.stdout.write(`${JSON.stringify({ ...percentiles(times), answered, rejected: fake.rejectedResponses.length })}\n`);
await fake.close();
