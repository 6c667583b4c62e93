import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createShellAdapter } from '../../adapters/shell/repl.ts';
import { ChannelGoneError, RateLimitedError } from '../../src/delivery/platform-errors.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { buttonsOf, headingsOf, testBot, textOf } from '../helpers/bot.ts';
import { testLibrary } from '../helpers/library.ts';

const dirs: string[] = [];
const opened: Stores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('discuss', () => {
  it('posts the card, opens its thread seeded with TL;DR, abstract, key terms, related papers and links', async () => {
    const bot = await testBot({ withSources: true });
    const result = await bot.exec('discuss 2501.12948');
    expect(result.outcome).toBe('ok');
    expect(result.reply.visibility).toBe('user');
    expect(result.reply.fallbackText).toBe('Opened a thread for "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning". Ask there: mention @paperboy with a question.');
    const [card, seed] = bot.platform.posts;
    expect(card!.threadId).toBeUndefined();
    expect(headingsOf(card!.message)).toEqual(['DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning']);
    expect(seed!.threadId).toBe(result.thread!.ref.threadId);
    const text = textOf(seed!.message);
    expect(text).toMatch(/^TL;DR \S/);
    expect(text).toContain('Abstract We introduce our first-generation reasoning models');
    expect(text).toMatch(/Key terms: \S/);
    expect(text).toContain('Related in the corpus');
    expect(seed!.message.blocks.find((b) => b.kind === 'list')).toMatchObject({ items: expect.any(Array) });
    expect((seed!.message.blocks.find((b) => b.kind === 'list') as { items: unknown[] }).items).toHaveLength(3);
    expect(text).toContain('Links: arXiv · PDF · Hugging Face · Code');
    expect(await bot.stores.discussions.get('test:C1', '2501.12948')).toMatchObject({ replyCount: 0, openedBy: 'test:U1' });
  });

  it('links to the open thread instead of opening a second one, from the command and the Discuss button', async () => {
    const bot = await testBot();
    const first = await bot.exec('discuss monge gap');
    const again = await bot.exec('discuss The Monge Gap: A Regularizer to Learn All Transport Maps');
    expect(again.reply.fallbackText).toMatch(/^"The Monge Gap: A Regularizer to Learn All Transport Maps" already has a thread here, opened \d{4}-\d\d-\d\d \(0 replies\)\. Continue there\.$/);
    expect(again.thread?.ref).toEqual(first.thread?.ref);
    const card = await bot.exec('show monge gap');
    const discuss = buttonsOf(card.reply).find((b) => b.label === 'Discuss')!;
    expect((await bot.press(discuss.actionId)).thread?.ref).toEqual(first.thread?.ref);
    expect(bot.platform.threads).toHaveLength(1);
    // Another channel gets its own thread.
    await bot.exec('discuss monge gap', 'C2');
    expect(bot.platform.threads).toHaveLength(2);
  });

  it('opens one thread when two people press Discuss at the same moment', async () => {
    const bot = await testBot();
    const [a, b] = await Promise.all([bot.exec('discuss monge gap'), bot.exec('discuss monge gap')]);
    expect(bot.platform.threads).toHaveLength(1);
    expect(bot.platform.posts.filter((p) => p.threadId === undefined)).toHaveLength(1);
    expect([a.reply.fallbackText, b.reply.fallbackText].sort()[0]).toMatch(/^(Opened a thread|The thread for .* is being opened right now|There is already a thread)/);
    expect(await bot.stores.discussions.list('test:C1')).toHaveLength(1);
  });

  it('waits out a 429 on the first thread post and opens the thread with one card', async () => {
    const bot = await testBot();
    bot.platform.failNext('C1', new RateLimitedError(5000)); // the card
    bot.platform.failNext('C1', new RateLimitedError(5000)); // the seed, in the thread
    const result = await bot.exec('discuss monge gap');
    expect(result.reply.fallbackText).toMatch(/^Opened a thread/);
    const [card, seed, ...more] = bot.platform.posts;
    expect(more).toEqual([]);
    expect(card!.threadId).toBeUndefined();
    expect(seed!.threadId).toBe(result.thread!.ref.threadId);
  });

  it('keeps the card when opening fails after posting it: discuss again continues that thread, never a second card', async () => {
    const bot = await testBot();
    const startThread = bot.platform.startThread.bind(bot.platform);
    let broken = true;
    bot.platform.startThread = async (posted, title) => {
      if (broken) throw new Error('thread creation timed out');
      return startThread(posted, title);
    };
    const first = await bot.exec('discuss monge gap');
    expect(first.outcome).toBe('failed');
    expect(first.reply.fallbackText).toContain('continues where this stopped');
    expect(bot.platform.posts).toHaveLength(1);
    expect((await bot.stores.discussions.list('test:C1'))[0]!.thread).toMatch(/^pending:/);

    broken = false;
    const second = await bot.exec('discuss monge gap');
    expect(second.reply.fallbackText).toMatch(/^Opened a thread/);
    const [card, seed, ...more] = bot.platform.posts;
    expect(more).toEqual([]);
    expect(bot.platform.threads).toEqual([{ from: card!.id, title: 'The Monge Gap: A Regularizer to Learn All Transport Maps' }]);
    expect(seed!.threadId).toBe(second.thread!.ref.threadId);
    expect((await bot.exec('discuss monge gap')).reply.fallbackText).toMatch(/already has a thread here/);
    expect(bot.platform.posts).toHaveLength(2);
  });

  it('after a crash while opening, a new process continues the same claim once it is stale, finding the card already made', async () => {
    const bot = await testBot();
    const paperId = (await bot.library.search({ text: 'monge gap', limit: 1 })).papers[0]!.paper.id;
    const claim = await bot.stores.discussions.open({
      channel: 'test:C1', paperId, thread: 'pending:crashed', openedBy: 'test:U9',
      createdAt: bot.clock.now().toISOString(), replyCount: 0, lastActivityAt: bot.clock.now().toISOString(),
    });
    expect(claim.created).toBe(true);
    // The dead process had made the card (its delivery row says sending) before it died.
    const key = `discussion:test:C1:${paperId}:crashed:card`;
    await bot.stores.deliveries.claim({ key, channel: 'test:C1', kind: 'discussion', paperIds: [], message: '{"fallbackText":"card","blocks":[],"visibility":"channel"}' }, bot.clock.now());
    await bot.stores.deliveries.setStatus(key, 'sending', bot.clock.now());
    bot.platform.seed({ channelId: 'C1', message: { fallbackText: 'card', blocks: [], visibility: 'channel' }, at: bot.clock.now(), key });
    // Within the first minutes the claim may still be another process's: wait.
    expect((await bot.exec('discuss monge gap')).reply.fallbackText).toMatch(/being opened right now/);
    bot.clock.advance(3 * 60_000);
    expect((await bot.exec('discuss monge gap')).reply.fallbackText).toMatch(/^Opened a thread/);
    expect(bot.platform.posts.map((p) => [p.threadId === undefined ? 'channel' : 'thread', p.message.fallbackText.slice(0, 10)])).toEqual([
      ['channel', 'card'], ['thread', 'Discussion'],
    ]);
  });

  it('releases the claim when the bot may not post the card, so a later discuss works', async () => {
    const bot = await testBot();
    bot.platform.failNext('C1', new ChannelGoneError('not_in_channel'));
    expect((await bot.exec('discuss monge gap')).outcome).toBe('user-error');
    expect(await bot.stores.discussions.list('test:C1')).toEqual([]);
    await bot.stores.channels.enable('test:C1');
    expect((await bot.exec('discuss monge gap')).reply.fallbackText).toMatch(/^Opened a thread/);
  });

  it('says where threads can be had when the platform has none (or is not running), and posts nothing', async () => {
    const bot = await testBot();
    (bot.platform.capabilities as { threads: boolean }).threads = false;
    const result = await bot.exec('discuss monge gap');
    expect(result.outcome).toBe('user-error');
    expect(result.reply).toMatchObject({ visibility: 'user', fallbackText: 'Discussion threads need a chat platform: use the interactive terminal (npm start), Slack or Discord.' });
    expect(bot.platform.posts).toHaveLength(0);
    expect(await bot.stores.discussions.list('test:C1')).toEqual([]);
  });

  it('explains an unknown or ambiguous paper and opens nothing', async () => {
    const bot = await testBot();
    expect((await bot.exec('discuss 2501.99999')).reply.fallbackText).toMatch(/^No paper 2501.99999 in the corpus/);
    expect((await bot.exec('discuss test-time adaptation')).reply.fallbackText).toMatch(/^Which one\?/);
    expect((await bot.exec('discuss')).reply.fallbackText).toMatch(/^\/papers discuss needs <paper>: the paper to discuss/);
    expect(bot.platform.posts).toHaveLength(0);
  });
});

describe('in a paper thread', () => {
  it('counts replies, answers questions from the abstract, and offers related papers when asked', async () => {
    const bot = await testBot();
    const { thread } = await bot.exec('discuss monge gap');
    expect(await bot.say(thread!.ref, 'nice, we should try this on our maps')).toBeUndefined();
    const answer = await bot.say(thread!.ref, '@paperboy what regularizer do they introduce?');
    expect(answer!.fallbackText).toMatch(/^From the abstract of "The Monge Gap: A Regularizer to Learn All Transport Maps":\n“.*we introduce a regularizer, the Monge gap/);
    const related = await bot.say(thread!.ref, '@paperboy any similar papers?');
    expect(related!.fallbackText).toMatch(/^Papers like "The Monge Gap/);
    expect(headingsOf(related!)).toHaveLength(3);
    const notCovered = await bot.say(thread!.ref, '@paperboy which GPU did they train on?');
    // A bundled paper has no arXiv id and no PDF: the reply says the abstract is all there is, and points nowhere.
    expect(notCovered!.fallbackText).toMatch(
      /^The abstract of "The Monge Gap: A Regularizer to Learn All Transport Maps" does not say; this paper has no arXiv id, so its abstract is all I have\. The closest it comes:\n“/,
    );
    expect(textOf(notCovered!)).not.toMatch(/PDF/);
    const stored = (await bot.stores.discussions.list('test:C1'))[0]!;
    expect(stored.replyCount).toBe(4);
  });

  it('answers bad questions plainly, and points elsewhere outside a paper thread', async () => {
    const bot = await testBot();
    const { thread } = await bot.exec('discuss monge gap');
    expect((await bot.say(thread!.ref, '@paperboy 🤔🤔'))!.fallbackText).toBe('Ask me a question in words, e.g. @paperboy what dataset do they use?');
    expect((await bot.say(thread!.ref, '@paperboy    '))!.fallbackText).toBe('Ask me a question in words, e.g. @paperboy what dataset do they use?');
    expect((await bot.say(thread!.ref, `@paperboy ${'why '.repeat(2600)}`))!.fallbackText).toMatch(/^That question is too long \(10,410 characters\)/);
    const elsewhere = await bot.say({ platform: 'test', channelId: 'C1', threadId: 'not-a-paper-thread' }, '@paperboy what is this?');
    expect(elsewhere!.fallbackText).toMatch(/^I answer questions about a paper inside its thread\. Open one with \/papers discuss <paper>/);
  });

  it('answers /papers ask inside the thread like a mention, and says where to ask outside one', async () => {
    const bot = await testBot();
    const { thread } = await bot.exec('discuss monge gap');
    const where = { actor: { platform: 'test', userId: 'U1', displayName: 'Ada', canManageChannel: false }, channel: { platform: 'test', channelId: 'C1' }, receivedAt: bot.clock.now() };
    const asked = await bot.bot.command('ask what regularizer do they introduce?', { ...where, thread: thread!.ref });
    expect(asked.outcome).toBe('ok');
    expect(asked.reply.fallbackText).toMatch(/^From the abstract of "The Monge Gap[^"]*":\n“.*we introduce a regularizer, the Monge gap/);
    expect((await bot.stores.discussions.list('test:C1'))[0]!.replyCount).toBe(1);
    const outside = await bot.bot.command('ask what regularizer?', where);
    expect(outside.outcome).toBe('user-error');
    expect(outside.reply.fallbackText).toMatch(/^Ask inside a paper's thread: open one with \/papers discuss <paper>/);
    expect((await bot.bot.command('ask', { ...where, thread: thread!.ref })).reply.fallbackText).toMatch(/^\/papers ask needs <question>: your question about the paper of this thread. E\.g\. \/papers ask/);
  });

  it('says so when the thread\'s paper is no longer in the corpus', async () => {
    const bot = await testBot();
    await bot.stores.discussions.open({
      channel: 'test:C1', paperId: '2101.00001', thread: 'test:C1:t9', openedBy: 'test:U1',
      createdAt: bot.clock.now().toISOString(), replyCount: 0, lastActivityAt: bot.clock.now().toISOString(),
    });
    const answer = await bot.say({ platform: 'test', channelId: 'C1', threadId: 't9' }, '@paperboy what is it about?');
    expect(answer!.fallbackText).toBe('The paper of this thread (2101.00001) is no longer in the corpus, so I cannot answer from it.');
  });
});

describe('discussions', () => {
  it('lists the channel\'s threads, newest activity first, with reply counts, and they survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-discussions-'));
    dirs.push(dir);
    const path = join(dir, 'paperboy.db');
    const library = await testLibrary({ now: '2025-01-24T10:00:00Z' });
    const stores = openSqliteStores(path);
    opened.push(stores);
    const bot = await testBot({ clock: library.clock, stores });
    const monge = await bot.exec('discuss monge gap');
    library.clock.advance(60 * 60_000);
    const weight = await bot.exec('discuss weight compander');
    await bot.say(weight.thread!.ref, 'first');
    library.clock.advance(30 * 60_000);
    await bot.say(monge.thread!.ref, 'one');
    await bot.say(monge.thread!.ref, 'two');
    library.clock.advance(15 * 60_000);
    expect((await bot.exec('discussions')).reply.fallbackText).toBe([
      'Paper threads in this channel:',
      '- The Monge Gap: A Regularizer to Learn All Transport Maps · 2 replies · last activity 15 min ago',
      '- Weight Compander: A Simple Weight Reparameterization for Regularization · 1 reply · last activity 45 min ago',
    ].join('\n'));

    const reopened = openSqliteStores(path);
    opened.push(reopened);
    const afterRestart = await testBot({ clock: library.clock, stores: reopened });
    expect((await afterRestart.exec('discussions')).reply.fallbackText).toBe((await bot.exec('discussions')).reply.fallbackText);
    expect((await afterRestart.exec('discuss monge gap')).thread?.ref).toEqual(monge.thread?.ref);
    expect((await afterRestart.exec('discussions', 'C2')).reply.fallbackText).toMatch(/^No paper threads here yet/);
  });
});

describe('threads in the terminal', () => {
  it('discuss puts you in the thread: replies are counted, @paperboy answers, /leave goes back', async () => {
    const bot = await testBot();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
    const shell = createShellAdapter({
      inbound: bot.bot, clock: bot.clock, input, output, interactive: false, color: false, width: 100,
      actor: { platform: 'test', userId: 'you', displayName: 'you', canManageChannel: true },
      channel: { platform: 'test', channelId: 'C1' },
      banner: 'Paperboy',
    });
    input.end(['discuss monge gap', 'looks relevant to our project', '@paperboy what regularizer do they introduce?', '/ask any similar papers?', 'still here', '/leave', 'discussions'].join('\n'));
    await shell.closed;
    expect(printed).toContain('(You are in the thread of "The Monge Gap: A Regularizer to Learn All Transport Maps": type to reply, @paperboy <question> (or ask <question>) to ask, /leave to go back.)');
    expect(printed).toMatch(/From the abstract of "The Monge Gap[^"]*":\n“[^”]*we introduce a regularizer/);
    expect(printed).toMatch(/Papers like "The Monge Gap/);
    // /ask stayed in the thread: the line after it was a reply, so four messages were counted.
    expect(printed).toContain('The Monge Gap: A Regularizer to Learn All Transport Maps · 4 replies');
  });

  it('asks when `ask …` is typed in a thread without the slash, instead of posting it as a reply', async () => {
    const bot = await testBot();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
    const shell = createShellAdapter({
      inbound: bot.bot, clock: bot.clock, input, output, interactive: false, color: false, width: 100,
      actor: { platform: 'test', userId: 'you', displayName: 'you', canManageChannel: true },
      channel: { platform: 'test', channelId: 'C1' },
      banner: 'Paperboy',
    });
    input.end(['discuss monge gap', 'ask what regularizer do they introduce?', '/leave', 'discussions'].join('\n'));
    await shell.closed;
    expect(printed).toMatch(/From the abstract of "The Monge Gap[^"]*":\n“[^”]*we introduce a regularizer/);
    expect(printed).toContain('The Monge Gap: A Regularizer to Learn All Transport Maps · 1 reply');
  });
});
