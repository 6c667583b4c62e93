/**
 * Child process of the Slack round-trip benchmark: plays Slack (the fake Web API and response URLs) and
 * the people typing, in its own process so their CPU is not counted as the bot's.
 *   1. prints `{"apiUrl": …}` once the fake listens;
 *   2. reads `{"botUrl", "secret", "texts"}` from stdin;
 *   3. then answers each `{"rate", "durationMs"}` with one open-loop step (see open-loop.ts): signed
 *      `/papers search` slash commands at that rate, each timed to its HTTP acknowledgement and to its
 *      answer (in the acknowledgement, or posted to its response URL when the bot acknowledged empty).
 */
import { createInterface } from 'node:readline';
import { startFakeSlack } from '../test/fakes/slack/fake-slack.ts';
import { slackDriver } from '../test/fakes/slack/slack-driver.ts';
import { offerOpenLoop, serveSteps, type Timing } from './open-loop.ts';

/** Who waits for the answer posted to each response URL (by its id). */
const answers = new Map<string, (at: number) => void>();
const fake = await startFakeSlack({ enforceLimits: true, onResponse: (response) => answers.get(response.id)?.(performance.now()) });
process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl })}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const { botUrl, secret, texts } = JSON.parse(String((await lines.next()).value)) as { botUrl: string; secret: string; texts: string[] };
const driver = slackDriver(botUrl, secret);

async function search(i: number): Promise<Timing> {
  const responseUrl = fake.responseUrl();
  const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
  // Acknowledged empty, the answer comes through the response URL, maybe before the acknowledgement is read.
  const answered = new Promise<number>((resolve) => answers.set(id, resolve));
  try {
    const response = await driver.command({ text: `search ${texts[i % texts.length]!}`, response_url: responseUrl });
    const ackAt = performance.now();
    if (response.status !== 200) throw new Error(`slash command answered ${response.status}`);
    if ((response.json as { blocks?: unknown[] } | undefined)?.blocks?.length) return { ackAt, answerAt: ackAt };
    return { ackAt, answerAt: await answered };
  } finally {
    answers.delete(id);
  }
}

await serveSteps(lines, async ({ rate, durationMs }) => {
  const step = await offerOpenLoop(rate, durationMs, search);
  const rejected = fake.rejectedResponses.length;
  return rejected > 0 ? { ...step, errors: [...step.errors, `${rejected} answers refused by the fake Slack`] } : step;
});
await fake.close();
