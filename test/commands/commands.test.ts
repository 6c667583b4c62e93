import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../commands/framework/command-spec.ts';
import { commandRegistry } from '../../commands/registry.ts';
import { usageOf } from '../../commands/framework/usage.ts';
import { titleId } from '../../src/corpus/paper.ts';
import { buttonsOf, headingsOf, testBot, textOf } from '../helpers/bot.ts';

describe('search', () => {
  it('shows the 5 best matches as compact cards, and More pages on', async () => {
    const bot = await testBot();
    const first = await bot.exec('/papers search optimal transport');
    expect(first.outcome).toBe('ok');
    expect(headingsOf(first.reply)).toHaveLength(5);
    expect(headingsOf(first.reply)[0]).toBe('Sparsity-Constrained Optimal Transport');
    expect(textOf(first.reply)).toMatch(/^1–5 of \d+ papers for "optimal transport"/);
    const more = buttonsOf(first.reply).find((b) => b.label === 'More')!;
    expect(more.actionId.length).toBeLessThanOrEqual(80);
    const second = await bot.press(more.actionId);
    expect(textOf(second.reply)).toMatch(/^6–10 of \d+ papers/);
    expect(headingsOf(second.reply).some((t) => headingsOf(first.reply).includes(t))).toBe(false);
  });

  it('finds a paper despite a typo, and by prefix', async () => {
    const bot = await testBot();
    expect(headingsOf((await bot.exec('search sparsty constrained')).reply)[0]).toBe('Sparsity-Constrained Optimal Transport');
    expect(headingsOf((await bot.exec('search latent quantiz')).reply)[0]).toBe('Disentanglement via Latent Quantization');
  });

  it('puts a TL;DR, one line of signals and Discuss/Related/Save/Cite buttons on each card', async () => {
    const bot = await testBot({ withSources: true });
    const result = await bot.exec('search deepseek reasoning');
    const text = textOf(result.reply);
    expect(headingsOf(result.reply)[0]).toBe('DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning');
    expect(text).toContain('DeepSeek-AI, Daya Guo, Dejian Yang et al. · 2025-01-22 · ▲ 372 · 💬 9 · ★ 91k');
    expect(buttonsOf(result.reply).slice(0, 4).map((b) => b.label)).toEqual(['Discuss', 'Related', 'Save', 'Cite']);
  });

  it('looks an arXiv id up exactly, and applies filters and sorts', async () => {
    const bot = await testBot({ withSources: true });
    expect(headingsOf((await bot.exec('search 2501.12948v2')).reply)).toEqual([
      'DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning',
    ]);
    expect(headingsOf((await bot.exec('search author:Vaswani')).reply)).toEqual(['Attention Is All You Need']);
    const recent = await bot.exec('search llm since:3d sort:newest');
    expect(headingsOf(recent.reply).length).toBeGreaterThan(0);
    expect(textOf(recent.reply)).not.toContain('Transformer²'); // published 2025-01-09
    const popular = await bot.exec('search llm min-upvotes:100');
    expect(headingsOf(popular.reply).sort()).toEqual(['DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning', 'Kimi k1.5: Scaling Reinforcement Learning with LLMs']);
  });

  it('cleans control characters out of the query and still answers', async () => {
    const bot = await testBot();
    const result = await bot.exec('search \u001b[31mmonge\u0007 gap\u202e');
    expect(headingsOf(result.reply)[0]).toBe('The Monge Gap: A Regularizer to Learn All Transport Maps');
  });
});

describe('show, related, cite', () => {
  it('shows one full card: title, TL;DR, key terms, links, buttons', async () => {
    const bot = await testBot({ withSources: true });
    const result = await bot.exec('show https://huggingface.co/papers/2501.12948');
    const text = textOf(result.reply);
    expect(headingsOf(result.reply)).toEqual(['DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning']);
    expect(text).toMatch(/TL;DR \S/);
    expect(text).toMatch(/Key terms: \S/);
    expect(text).toContain('Links: arXiv · PDF · Hugging Face · Code');
    expect(result.reply.fallbackText).toBe('DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning (arXiv:2501.12948) — https://arxiv.org/abs/2501.12948');
  });

  it('gives a bundled paper (no id, no authors) a TL;DR from its abstract', async () => {
    const bot = await testBot();
    const result = await bot.exec('show monge gap');
    expect(headingsOf(result.reply)).toEqual(['The Monge Gap: A Regularizer to Learn All Transport Maps']);
    const tldr = result.reply.blocks.find((b) => b.kind === 'text');
    expect(textOf({ ...result.reply, blocks: [tldr!] })).toMatch(/^TL;DR .{40,}/);
    expect(textOf(result.reply)).toContain('#3 on the trending page');
  });

  it('lists related papers, from the command and from a card\'s Related button', async () => {
    const bot = await testBot();
    const direct = await bot.exec('related continual test-time domain adaptation');
    expect(textOf(direct.reply)).toMatch(/^Papers like "Continual Test-Time Domain Adaptation"/);
    expect(headingsOf(direct.reply).filter((t) => /test-time/i.test(t)).length).toBeGreaterThanOrEqual(3);
    const card = await bot.exec('show continual test-time domain adaptation');
    const related = buttonsOf(card.reply).find((b) => b.label === 'Related')!;
    expect(headingsOf((await bot.press(related.actionId)).reply)).toEqual(headingsOf(direct.reply));
  });

  it('cites as BibTeX by default and as Markdown on request, also from the Cite button', async () => {
    const bot = await testBot({ withSources: true });
    const bibtex = await bot.exec('cite 1706.03762');
    expect(bibtex.reply.fallbackText).toMatch(/^@misc\{vaswani2017attention,/);
    expect(bibtex.reply.fallbackText).toContain('eprint = {1706.03762}');
    const markdown = await bot.exec('cite 1706.03762 markdown');
    expect(markdown.reply.fallbackText).toContain('[Attention Is All You Need](https://arxiv.org/abs/1706.03762)');
    const card = await bot.exec('show 1706.03762');
    const cite = buttonsOf(card.reply).find((b) => b.label === 'Cite')!;
    expect((await bot.press(cite.actionId)).reply.fallbackText).toBe(bibtex.reply.fallbackText);
  });
});

describe('trending', () => {
  it('keeps the bundled page order and says why each paper ranks', async () => {
    const bot = await testBot();
    const result = await bot.exec('trending');
    expect(textOf(result.reply)).toMatch(/^Trending today: 1–5 of 74/);
    expect(headingsOf(result.reply)[0]).toBe('Sparsity-Constrained Optimal Transport');
    expect(textOf(result.reply)).toContain('#1 on the trending page');
  });

  it('ranks by signals in a window, with a topic', async () => {
    const bot = await testBot({ withSources: true, now: '2025-01-24T12:00:00Z' });
    const week = await bot.exec('trending week');
    expect(headingsOf(week.reply)[0]).toBe('DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning');
    expect(textOf(week.reply)).toContain('▲ 372 · 💬 9 · ★ 91k · 1 day old');
    const topic = await bot.exec('trending month reinforcement learning');
    expect(textOf(topic.reply)).toMatch(/^Trending on "reinforcement learning" this month/);
    expect(headingsOf(topic.reply).slice(0, 2).sort()).toEqual(['DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning', 'Kimi k1.5: Scaling Reinforcement Learning with LLMs']);
    // Undated bundled papers are left out once dated papers fill the window.
    expect(textOf(topic.reply)).not.toContain('on the trending page');
  });

  it('falls back to the week when nothing is new today', async () => {
    const bot = await testBot({ withSources: true, now: '2025-01-26T12:00:00Z' });
    const result = await bot.exec('trending reinforcement');
    expect(textOf(result.reply)).toContain('Nothing new today, so here is this week.');
  });
});

describe('help and status', () => {
  it('lists every registered command, and explains one', async () => {
    const bot = await testBot();
    const list = await bot.exec('help');
    for (const spec of commandRegistry) expect(list.reply.fallbackText).toContain(`/papers ${usageOf(spec)}`);
    const one = await bot.exec('help search');
    expect(one.reply.fallbackText).toContain('/papers search [query] [since:7d] [author:NAME] [min-upvotes:N] [sort:relevance|trending|newest] [page:N]');
    expect(one.reply.fallbackText).toContain('since:7d');
    expect(one.reply.visibility).toBe('user');
    expect((await bot.exec('')).reply.fallbackText).toBe(list.reply.fallbackText);
  });

  it('reports the corpus and uptime', async () => {
    const bot = await testBot();
    bot.clock.advance(2 * 3_600_000 + 5 * 60_000);
    const status = await bot.exec('status');
    expect(status.reply.fallbackText).toContain('Papers: 74');
    expect(status.reply.fallbackText).toContain('Up for: 2 h 5 min');
    expect(status.reply.fallbackText).toContain('Papers: 74 papers, all bundled: titles and abstracts of the trending page, without dates, authors, arXiv ids or upvotes (connect a source with SOURCES=hf-daily in .env for those)');
    expect(status.reply.fallbackText).toContain('Sources: none configured (connect a source with SOURCES=hf-daily in .env)');
    expect(status.reply.fallbackText).not.toContain('Replica');
  });

  it('with replicas, says which one answers, how many are alive and who holds each lease', async () => {
    const bot = await testBot({ replica: { id: 'replica-1', leaseMs: 30_000 } });
    await bot.stores.heartbeats.beat('replica-2', bot.clock.now());
    await bot.stores.heartbeats.beat('replica-gone', new Date(bot.clock.now().getTime() - 60_000));
    await bot.replicas!.beat();
    await bot.stores.leases.acquire('source refresh:hf-daily', 'replica-2', 300_000, bot.clock.now());
    const text = (await bot.exec('status')).reply.fallbackText;
    expect(text).toContain('Replica: replica-1 (this one)');
    expect(text).toContain('Replicas alive: 2 (also replica-2)');
    expect(text).toContain('Lease source refresh:hf-daily: held by replica-2 until 12:05:00 UTC');
    await bot.stores.leases.release('source refresh:hf-daily', 'replica-2');
    expect((await bot.exec('status')).reply.fallbackText).toContain('Leases: none held');
  });
});

describe('bad input: a short, clear answer only the user sees, never a crash', () => {
  const cases: [string, string, RegExp][] = [
    ['search', 'missing-argument', /Type what to search for, e.g. \/papers search/],
    ['search    ', 'missing-argument', /Type what to search for/],
    ['serch diffusion', 'unknown-command', /There is no command "serch". Did you mean \/papers search\?/],
    ['frobnicate', 'unknown-command', /Commands: search, show/],
    ['search diffusion sorted:newest', 'unknown-option', /has no option "sorted:". Did you mean sort:\?/],
    ['show 2501.12948 since:7d', 'unknown-option', /show has no option "since:". It takes no options/],
    ['show 2501.1294x', 'paper-not-found', /is not an arXiv id: they look like 2501.12948/],
    ['show 2501.99999', 'paper-not-found', /No paper 2501.99999 in the corpus. The 74 bundled papers have no arXiv ids \(title and abstract only\)\.$/],
    ['show qwxzv plorkt', 'paper-not-found', /No paper has the words "qwxzv", "plorkt"/],
    ['search diffusion since:yesterday', 'invalid-argument', /since: "yesterday" is not a duration or date; use since:7d/],
    ['search diffusion min-upvotes:lots', 'invalid-argument', /min-upvotes takes a whole number from 0 to 1000000, e.g. min-upvotes:10/],
    ['search diffusion sort:best', 'invalid-argument', /sort must be one of relevance, trending, newest/],
    ['search diffusion page:99', 'page-out-of-range', /only 2 pages of results for "diffusion"; try page:2/],
    ['search 🚀🔥', 'invalid-argument', /Type some words to search for with some letters or digits/],
    ['show 🚀', 'invalid-argument', /with some letters or digits/],
    ['cite 1706.03762 latex', 'invalid-argument', /"latex" is not a format. Use bibtex or markdown/],
    ['cite 1706.03762 apa', 'invalid-argument', /"apa" is not a format. Use bibtex or markdown/],
    ['trending wek', 'invalid-argument', /"wek" is not a window: did you mean week\? Use today, week or month/],
    ['trending week month diffusion', 'invalid-argument', /takes one window: you gave "week" and "month"/],
    ['status now', 'invalid-argument', /^\/papers status takes nothing after its name \("now"\); type just \/papers status/],
    ['discussions all', 'invalid-argument', /takes nothing after its name/],
    ['subscriptions please', 'invalid-argument', /takes nothing after its name/],
    ['search diffusion sort:newest sort:trending', 'invalid-argument', /sort: is given more than once; keep one/],
    ['help serch', 'unknown-command', /Did you mean \/papers help search\?/],
    [`search ${'a'.repeat(10 * 1024)}`, 'too-long', /That is too long \(10,240 characters\); keep it under 2,000/],
    [`show ${'word '.repeat(100)}`, 'invalid-argument', /too long/],
  ];
  for (const [line, , pattern] of cases) {
    it(`${line.slice(0, 40)}${line.length > 40 ? '…' : ''}`, async () => {
      const bot = await testBot({ withSources: true });
      const result = await bot.exec(line);
      expect(result.outcome).toBe('user-error');
      expect(result.reply.visibility).toBe('user');
      expect(result.reply.fallbackText).toMatch(pattern);
      expect(result.reply.fallbackText.length).toBeLessThan(600);
    });
  }

  it('asks which one when a title is ambiguous, with the exact commands to pick', async () => {
    const bot = await testBot();
    const result = await bot.exec('show test-time adaptation');
    expect(result.outcome).toBe('user-error');
    expect(result.reply.fallbackText).toMatch(/^Which one\? 6 papers match "test-time adaptation":/);
    expect(result.reply.fallbackText).toContain('…and 1 more: /papers search test-time adaptation');
    expect(result.reply.fallbackText).toContain(`/papers show ${titleId('Continual Test-Time Domain Adaptation')}  (Continual Test-Time Domain Adaptation)`);
  });

  it('says a forgotten button has expired', async () => {
    const bot = await testBot();
    const result = await bot.press('s:unknownkey');
    expect(result.outcome).toBe('user-error');
    expect(result.reply.fallbackText).toMatch(/That button has expired/);
  });

  it('answers an unexpected failure with an apology and an error id, and logs it with its context', async () => {
    const broken = defineCommand({
      name: 'broken', summary: 'fails', examples: [], arguments: {}, options: {}, permission: 'anyone',
      run: () => { throw new Error('database on fire'); },
    });
    const bot = await testBot({ registry: [broken] });
    const result = await bot.exec('broken');
    expect(result.outcome).toBe('failed');
    const errorId = /error id ([0-9a-f]{8})/.exec(result.reply.fallbackText)?.[1];
    expect(errorId).toBeDefined();
    expect(result.reply.fallbackText).not.toContain('database on fire');
    const record = bot.log.records.find((r) => r.level === 'error')!;
    expect(record.fields).toMatchObject({ errorId, command: 'broken', channel: 'test:C1', user: 'test:U1' });
  });

  it('refuses a channel-manager command to someone who is not one', async () => {
    const guarded = defineCommand({
      name: 'settings', summary: 'changes settings', examples: [], arguments: {}, options: {}, permission: 'channel-manager',
      run: () => ({ fallbackText: 'changed', blocks: [], visibility: 'channel' as const }),
    });
    expect((await (await testBot({ registry: [guarded], canManageChannel: false })).exec('settings')).reply.fallbackText)
      .toBe('Only channel managers can use /papers settings here.');
    expect((await (await testBot({ registry: [guarded], canManageChannel: true })).exec('settings')).reply.fallbackText).toBe('changed');
  });
});
