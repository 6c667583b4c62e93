/**
 * Child process of the Discord round-trip benchmark: plays Discord (the fake REST API and gateway) and the
 * people typing, in its own process so their CPU is not counted as the bot's.
 *   1. prints `{"apiBase", "token", "appId"}` once the fake listens;
 *   2. reads `{"texts"}` from stdin once the bot is connected;
 *   3. then answers each `{"rate", "durationMs"}` with one open-loop step (see open-loop.ts): `/papers
 *      search` interactions dispatched over the gateway at that rate, each timed to its first interaction
 *      callback (the acknowledgement) and to its answer (that callback, or the edit of a deferred reply).
 */
import { createInterface } from 'node:readline';
import { startFakeDiscord } from '../test/fakes/discord/fake-discord.ts';
import { offerOpenLoop, serveSteps, type Timing } from './open-loop.ts';

/** Who waits for each interaction's first callback, and for the answer of a deferred one (by token). */
const callbacks = new Map<string, (at: number, type: number, status: number) => void>();
const edits = new Map<string, (at: number) => void>();
const fake = await startFakeDiscord({
  interactionDeadlineMs: Number.POSITIVE_INFINITY,
  onRequest: (request) => {
    const at = performance.now();
    const callback = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(request.path);
    if (callback) return callbacks.get(callback[1]!)?.(at, (request.body as { type?: number } | undefined)?.type ?? 0, request.status);
    // The edit of a deferred reply (PATCH …/@original), or a private follow-up (POST).
    const webhook = /^\/webhooks\/\d+\/([^/]+)/.exec(request.path);
    if (webhook && (request.method === 'PATCH' || request.method === 'POST')) edits.get(webhook[1]!)?.(at);
  },
});
process.stdout.write(`${JSON.stringify({ apiBase: fake.apiBase, token: fake.token, appId: fake.appId })}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const { texts } = JSON.parse(String((await lines.next()).value)) as { texts: string[] };

async function search(i: number): Promise<Timing> {
  const ref = fake.interaction.command({ subcommand: 'search', options: [{ name: 'query', type: 3, value: texts[i % texts.length]! }] });
  try {
    return await new Promise<Timing>((resolve, reject) => {
      callbacks.set(ref.token, (ackAt, type, status) => {
        if (status >= 400) reject(new Error(`interaction callback answered ${status}`));
        else if (type === 4) resolve({ ackAt, answerAt: ackAt });
        else if (type === 5) edits.set(ref.token, (answerAt) => resolve({ ackAt, answerAt }));
        else reject(new Error(`interaction callback of type ${type}`));
      });
    });
  } finally {
    callbacks.delete(ref.token);
    edits.delete(ref.token);
  }
}

await serveSteps(lines, async ({ rate, durationMs }) => {
  const step = await offerOpenLoop(rate, durationMs, search);
  const refused = fake.validationErrors.length;
  return refused > 0 ? { ...step, errors: [...step.errors, `${refused} requests refused by the fake Discord`] } : step;
});
await fake.close();
