import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { ChatCompletionsClient } from '../../src/llm/chat-completions.ts';
import { PaperWriter } from '../../src/llm/paper-writer.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { FakeOpenAi } from '../fakes/fake-openai.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';
import { textOf } from '../helpers/bot.ts';
import { fullTextBot, fullTextFixture } from '../helpers/full-text.ts';

let arxiv: FakeSourcesServer;
let model: FakeOpenAi;
beforeEach(async () => {
  arxiv = await new FakeSourcesServer().start();
  model = await new FakeOpenAi().start();
});
afterEach(async () => {
  await model.close();
  await arxiv.close();
});

/** A bot with a writer on the fake model; its clock is the bot's, so days pass for the cap. */
async function modelBot(options: { dailyTokens?: number; timeoutMs?: number } = {}) {
  const stores: Stores = createMemoryStores();
  const log = new MemoryLogger();
  let clock: ManualClock | undefined;
  const writer = new PaperWriter({
    client: new ChatCompletionsClient({ baseUrl: model.baseUrl, apiKey: 'sk-test-key', model: 'test-model', timeoutMs: options.timeoutMs ?? 5000 }),
    usage: stores.modelUsage,
    clock: { now: () => clock!.now(), sleep: (ms) => clock!.sleep(ms) },
    log,
    dailyTokensPerChannel: options.dailyTokens ?? 50_000,
  });
  const bot = await fullTextBot(arxiv, { stores, writer });
  clock = bot.clock;
  return { ...bot, log, stores };
}

describe('answers written by a language model', () => {
  it('sends the model only the retrieved passages and the question, and shows its answer above the passages', async () => {
    const bot = await modelBot();
    const { thread } = await bot.discuss('discuss 2507.04211');
    model.reply({ content: 'They trained on 32 NVIDIA A100 GPUs with 80 GB each [§4.2].', totalTokens: 900 });
    const answer = await bot.ask(thread!.ref, 'what GPUs did they train on?');

    expect(model.requests).toHaveLength(1);
    const { headers, body } = model.requests[0]!;
    expect(headers.authorization).toBe('Bearer sk-test-key');
    expect(body.model).toBe('test-model');
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const prompt = body.messages[1]!.content;
    expect(prompt.startsWith('Paper: "SparseRoute: Token-Level Expert Routing for Efficient Vision Transformers"\n\nPassages:\n')).toBe(true);
    expect(prompt.endsWith('\n\nQuestion: what GPUs did they train on?')).toBe(true);
    expect(prompt).toContain('[§4.2] All models are trained on 32 NVIDIA A100 GPUs');
    // Every passage given is a passage of the paper, and only a few of them: never the whole paper.
    const { paper, text } = fullTextFixture('2507.04211');
    const known = new Set([paper.abstractDisplay, ...text.passages.map((p) => p.text)]);
    const given = prompt.split('\n\nPassages:\n')[1]!.split('\n\nQuestion: ')[0]!.split('\n\n');
    expect(given.length).toBeGreaterThanOrEqual(1);
    expect(given.length).toBeLessThanOrEqual(6);
    for (const passage of given) expect(known.has(passage.replace(/^\[[^\]]+\] /, '').replace(/…$/, '')) || [...known].some((k) => k.startsWith(passage.replace(/^\[[^\]]+\] /, '').replace(/…$/, '')))).toBe(true);
    expect(prompt).not.toContain('We only evaluated still images');
    expect(prompt).not.toContain('Token merging');

    expect(answer.fallbackText).toBe(
      'About "SparseRoute: Token-Level Expert Routing for Efficient Vision Transformers" (written by test-model from the passages below):\n' +
        'They trained on 32 NVIDIA A100 GPUs with 80 GB each [§4.2].\n' +
        '§4.2 Implementation details: “All models are trained on 32 NVIDIA A100 GPUs with 80 GB of memory each, spread over four nodes.”',
    );
    const logged = bot.log.records.find((r) => r.message === 'language model tokens');
    expect(logged?.fields).toMatchObject({ channel: 'test:C1', model: 'test-model', totalTokens: 900, usedToday: 900 });
    expect(JSON.stringify(bot.log.records)).not.toContain('sk-test-key');
  });

  it('falls back to the extractive answer, and says so, when the model times out, fails or refuses', async () => {
    const slow = await modelBot({ timeoutMs: 200 });
    const { thread } = await slow.discuss('discuss 2507.05832');
    model.hold();
    const late = await slow.ask(thread!.ref, 'what hardware was used for fine-tuning?');
    expect(late.fallbackText).toMatch(/^From the full text of "Patchwork[^"]*":\n§3\.2 Setup › Hardware: “Fine-tuning took three days on a node with eight NVIDIA H100 GPUs\./);
    expect(textOf(late)).toContain('The language model did not answer in time, so these are the passages themselves.');
    expect(slow.log.records.find((r) => r.message === 'language model failed; answering extractively')?.fields).toMatchObject({ reason: 'timeout' });
  });

  it('falls back when the model’s server fails or the model declines', async () => {
    const bot = await modelBot();
    const { thread } = await bot.discuss('discuss 2507.05832');
    model.reply({ status: 500 }, { refusal: 'I cannot help with that.' });
    const failed = await bot.ask(thread!.ref, 'which base model do they fine-tune?');
    expect(textOf(failed)).toContain('The language model could not be reached, so these are the passages themselves.');
    expect(failed.fallbackText).toMatch(/CodeLlama-7B/);
    const refused = await bot.ask(thread!.ref, 'which base model do they fine-tune?');
    expect(textOf(refused)).toContain('The language model declined to answer, so these are the passages themselves.');
    expect(model.requests).toHaveLength(2);
  });

  it('holds each channel to its daily token allowance, across days and channels', async () => {
    const bot = await modelBot({ dailyTokens: 2500 });
    const { thread } = await bot.discuss('discuss 2507.06120');
    const other = (await bot.discuss('discuss 2507.06120', 'C2')).thread!.ref;
    model.reply({ content: 'About 9 hours on one RTX 4090 [§4.1].', totalTokens: 2000 }, { content: 'Nine hours [§4.1].', totalTokens: 500 });

    await bot.ask(thread!.ref, 'how long did training take?');
    const capped = await bot.ask(thread!.ref, 'what GPU did they use?');
    expect(model.requests).toHaveLength(1);
    expect(textOf(capped)).toContain("This channel has used today's language-model allowance (2,500 tokens), so these are the passages themselves.");
    expect(capped.fallbackText).toMatch(/RTX 4090/);
    expect(await bot.stores.modelUsage.used('test:C1', '2025-07-24')).toBe(2000);

    // Another channel has its own allowance; the next day the first one has a new one.
    await bot.ask(other, 'how long did training take?');
    expect(model.requests).toHaveLength(2);
    bot.clock.advance(24 * 3600_000);
    await bot.ask(thread!.ref, 'what GPU did they use?');
    expect(model.requests).toHaveLength(3);
  });

  it('writes the summary from the retrieved passages, citing them', async () => {
    const bot = await modelBot();
    model.reply({ content: 'Calm Waters learns berthing offline from logs [abstract]; it berths in 94% of simulated episodes [§4.2].' });
    const result = await bot.command('summary 2507.06120');
    const text = textOf(result.reply);
    expect(text).toContain('Written by test-model from the passages below:\nCalm Waters learns berthing offline from logs [abstract]');
    expect(text).toMatch(/\nWhat \(Abstract\): /);
    const prompt = model.requests[0]!.body.messages[1]!.content;
    expect(prompt).toMatch(/^Paper: "Calm Waters[^"]*"\n\nPassages:\n\[abstract\] Berthing is the most accident-prone/);
    expect(prompt).toContain('[§6] Logged harbour manoeuvres are enough');
    expect(prompt).not.toContain('Question:');
  });

  it('sends nothing anywhere without a model configured', async () => {
    const bot = await fullTextBot(arxiv);
    const { thread } = await bot.discuss('discuss 2507.04211');
    await bot.ask(thread!.ref, 'what GPUs did they train on?');
    await bot.command('summary 2507.04211');
    expect(model.requests).toEqual([]);
  });
});
