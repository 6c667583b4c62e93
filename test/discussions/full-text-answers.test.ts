import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../src/store/store.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';
import { textOf } from '../helpers/bot.ts';
import { fullTextBot as fullTextBotOn, fullTextFixture } from '../helpers/full-text.ts';
import { paperPassages, preparePassages } from '../../src/discussions/paper-passages.ts';

let server: FakeSourcesServer;
beforeEach(async () => {
  server = await new FakeSourcesServer().start();
});
afterEach(() => server.close());

const fullTextBot = (stores?: Stores) => fullTextBotOn(server, stores ? { stores } : {});

describe('a paper thread with the full text', () => {
  it('opens with the paper’s section outline, read from arXiv once', async () => {
    const bot = await fullTextBot();
    const opened = await bot.discuss('discuss 2507.04211');
    expect(opened.outcome).toBe('ok');
    const seed = textOf(bot.platform.posts[1]!.message);
    expect(seed).toContain('Sections: 1 Introduction · 2 Related Work · 3 Method · 4 Experiments · 5 Limitations · 6 Conclusion · Acknowledgements');
    expect(seed).toContain('I read the full text from arXiv (7 sections): ask me anything it covers.');
    expect(server.requestsTo('/html/').map((r) => r.path)).toEqual(['/html/2507.04211']);
  });

  it('answers what only the full text says, quoting the passage with its section', async () => {
    const bot = await fullTextBot();
    const { thread } = await bot.discuss('discuss 2507.04211');
    const gpus = await bot.ask(thread!.ref, 'what GPUs did they train on?');
    expect(gpus.fallbackText).toBe(
      'From the full text of "SparseRoute: Token-Level Expert Routing for Efficient Vision Transformers":\n' +
        '§4.2 Implementation details: “All models are trained on 32 NVIDIA A100 GPUs with 80 GB of memory each, spread over four nodes.”',
    );
    const limits = await bot.ask(thread!.ref, 'what are the limitations?');
    expect(limits.fallbackText).toMatch(/^From the full text of "SparseRoute[^"]*":\n§5 Limitations: “/);
    const code = await bot.ask(thread!.ref, 'is the code available?');
    expect(code.fallbackText).toContain('§1 Introduction, footnote: “Code and checkpoints are released at https://github.com/lakeside-vision/sparseroute.”');
    // One fetch for the whole thread.
    expect(server.requestsTo('/html/')).toHaveLength(1);
  });

  it('puts the abstract first when it answers as well, then the full text', async () => {
    const bot = await fullTextBot();
    const { thread } = await bot.discuss('discuss 2507.06120');
    const answer = await bot.ask(thread!.ref, 'what is the success rate compared to behaviour cloning?');
    const [, first, second] = answer.fallbackText.split('\n');
    expect(first).toMatch(/^Abstract: “In simulation it berths successfully in 94% of episodes, compared with 71% for behaviour cloning/);
    expect(second).toMatch(/^§4\.\d [A-Z][a-z ]+: “/);
  });

  it('says "does not say" only when neither the abstract nor the full text does, and says both were searched', async () => {
    const bot = await fullTextBot();
    const { thread } = await bot.discuss('discuss 2507.09264');
    const answer = await bot.ask(thread!.ref, 'does it work on images?');
    expect(answer.fallbackText).toMatch(/^Neither the abstract nor the full text of "TabPrior: A Pretrained Prior for Classification on Small Tabular Datasets" says\. The closest it comes:/);
    expect(textOf(answer)).toContain('The PDF may say more: PDF');
  });

  it('never quotes the bibliography, navigation or a table cell', async () => {
    const bot = await fullTextBot();
    const { thread } = await bot.discuss('discuss 2507.04211');
    for (const question of ['what about token merging, your ViT but faster?', 'what is the throughput of V-MoE-B in images per second?', 'back to abstract, download PDF']) {
      const answer = textOf(await bot.ask(thread!.ref, question));
      expect(answer, question).not.toMatch(/Token merging: Your ViT|1,690|Back to Abstract|experimental HTML/);
    }
  });

  it('falls back to the abstract when arXiv has no HTML (404), and says so', async () => {
    const bot = await fullTextBot();
    server.script('/html/2507.08019', [{ status: 404, body: 'No HTML for this paper' }]);
    const { thread } = await bot.discuss('discuss 2507.08019');
    expect(textOf(bot.platform.posts[1]!.message)).toContain('arXiv has no HTML version of this paper, so I answer from its abstract.');
    expect(textOf(bot.platform.posts[1]!.message)).not.toContain('Sections:');
    const gpus = await bot.ask(thread!.ref, 'what GPUs did they use?');
    expect(gpus.fallbackText).toMatch(/^The abstract of "GraphTide[^"]*" does not say, and arXiv has no HTML version of the paper to search further\./);
    const covered = await bot.ask(thread!.ref, 'how much better is it than the LSTM?');
    expect(covered.fallbackText).toMatch(/^From the abstract of "GraphTide[^"]*":\n“.*0\.81, against 0\.74 for a per-station LSTM/);
  });

  it('falls back to the abstract when the page is malformed', async () => {
    const bot = await fullTextBot();
    server.script('/html/2507.07345', [{ status: 200, body: '<html><body><div class="ltx_page_main"><p>Conversion failed.</div></body></html>' }]);
    const { thread } = await bot.discuss('discuss 2507.07345');
    expect(textOf(bot.platform.posts[1]!.message)).toContain("arXiv's HTML version of this paper could not be read, so I answer from its abstract.");
    const answer = await bot.ask(thread!.ref, 'how much labelled data per language?');
    expect(answer.fallbackText).toMatch(/^From the abstract of "Listening to the Radio[^"]*":\n“.*10 hours of transcribed speech per language/);
  });

  it('summarizes a paper from its full text: what it does, its result, its limitation', async () => {
    const bot = await fullTextBot();
    const result = await bot.command('summary 2507.06120');
    expect(result.outcome).toBe('ok');
    const text = textOf(result.reply);
    expect(text).toMatch(/^TL;DR of "Calm Waters: Offline Reinforcement Learning for Autonomous Ship Berthing"/);
    expect(text).toMatch(/\nWhat \(Abstract\): /);
    expect(text).toMatch(/\nResult \((?:Abstract|§[\d.]+ [^)]+)\): .*94%/);
    expect(text).toMatch(/\nLimitation \(§5 Discussion\): /);
    expect(text).toContain('From the full text on arXiv.');
    const { thread } = await bot.discuss('discuss 2507.06120');
    const inThread = await bot.ask(thread!.ref, 'tl;dr');
    expect(textOf(inThread)).toBe(text);
    expect((await bot.command('summary', thread!.ref)).reply.fallbackText).toBe(result.reply.fallbackText);
    expect((await bot.command('summary')).outcome).toBe('user-error');
  });

  it('uses an already-read full text for the TL;DR of a card, without fetching for one', async () => {
    const bot = await fullTextBot();
    const before = textOf((await bot.command('show 2507.05832')).reply);
    expect(server.requests).toEqual([]);
    await bot.command('summary 2507.05832');
    const after = textOf((await bot.command('show 2507.05832')).reply);
    expect(after).not.toBe(before);
    expect(after).toMatch(/TL;DR We introduce Patchwork.* (?:On RepairBench-Py, 41\.2% of bugs are correctly fixed|Patchwork correctly fixes 312 bugs)/);
    expect(server.requestsTo('/html/')).toHaveLength(1);
  });

  it('builds a paper’s sentences in slices to the same result as at once', async () => {
    const { paper, text } = fullTextFixture('2507.07345');
    const sliced = await preparePassages(structuredClone(paper), structuredClone(text));
    const atOnce = paperPassages(structuredClone(paper), structuredClone(text));
    expect(sliced.candidates.map((c) => [c.text, c.passage?.id, c.evidence, c.inSection, c.prior])).toEqual(
      atOnce.candidates.map((c) => [c.text, c.passage?.id, c.evidence, c.inSection, c.prior]),
    );
    expect(await preparePassages(paper, text)).toBe(paperPassages(paper, text));
  });
});
