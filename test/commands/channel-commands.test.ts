import { describe, expect, it } from 'vitest';
import { buttonsOf, headingsOf, testBot, textOf } from '../helpers/bot.ts';

describe('daily', () => {
  it('turns the daily post on with time, zone, weekdays, top and topic, shows it with the next run, and off', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' }); // a Friday
    const on = await bot.exec('daily on 8:30am Europe/Berlin weekdays top:3 topic:"optimal transport"');
    expect(on.outcome).toBe('ok');
    expect(on.reply.fallbackText).toBe(
      'Daily post on: every weekday at 08:30 Europe/Berlin, top 3, on "optimal transport". Next: Mon 2025-01-27 08:30 Europe/Berlin (in 2 d 19 h 30 min).',
    );
    expect((await bot.stores.channels.get('test:C1'))?.daily).toEqual({ time: '08:30', timeZone: 'Europe/Berlin', weekdaysOnly: true, top: 3, topic: 'optimal transport' });
    expect((await bot.exec('daily')).reply.fallbackText).toMatch(/^Daily post: every weekday at 08:30 Europe\/Berlin, top 3, on "optimal transport". Next: Mon 2025-01-27/);
    expect((await bot.exec('daily off')).reply.fallbackText).toBe('Daily post off. Turn it back on with /papers daily on');
    expect(await bot.stores.channels.listDaily()).toEqual([]);
    expect((await bot.exec('daily')).reply.fallbackText).toMatch(/^No daily post here yet/);
  });

  it('uses 09:00 in the default zone, and keeps earlier choices when changed', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' });
    expect((await bot.exec('daily on')).reply.fallbackText).toMatch(/^Daily post on: every day at 09:00 UTC, top 5\./);
    expect((await bot.exec('daily on 17:45')).reply.fallbackText).toMatch(/^Daily post on: every day at 17:45 UTC, top 5\. Next: Fri 2025-01-24 17:45 UTC \(in 5 h 45 min\)/);
  });

  it('previews exactly what the next post will hold, and that post then holds it', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' });
    await bot.exec('daily on 13:00 UTC top:2');
    const preview = await bot.exec('daily preview');
    expect(preview.reply.visibility).toBe('user');
    expect(headingsOf(preview.reply)).toEqual(['Sparsity-Constrained Optimal Transport', 'Integrating Efficient Optimal Transport and Functional Maps For Unsupervised Shape Correspondence Learning']);
    await bot.jobs.runUntil(new Date('2025-01-24T13:30:00Z'));
    const [posted] = bot.platform.postsTo('C1');
    expect(headingsOf(posted!.message)).toEqual(headingsOf(preview.reply));
    expect(textOf(posted!.message)).toMatch(/^Trending papers for Friday 24 January/);
  });

  it('refuses to change the daily post for someone who is not a channel manager, but shows it', async () => {
    const bot = await testBot({ canManageChannel: false });
    expect((await bot.exec('daily on 09:00')).reply.fallbackText).toBe('Only channel managers can use /papers daily on here.');
    expect((await bot.exec('daily off')).reply.fallbackText).toBe('Only channel managers can use /papers daily off here.');
    expect((await bot.exec('daily')).outcome).toBe('ok');
    expect((await bot.exec('daily preview')).outcome).toBe('ok');
  });

  const bad: [string, RegExp][] = [
    ['daily on 25:00', /"25:00" is not a time of day; use 24-hour HH:MM such as 09:00/],
    ['daily on 09:00 Mars/Olympus', /"Mars\/Olympus" is not a time zone; use an IANA name such as Europe\/Berlin/],
    ['daily on 09:00 tomorrow', /"tomorrow" is not something \/papers daily takes here; it takes on, off, preview; HH:MM; IANA zone; weekdays/],
    ['daily on top:0', /top must be between 1 and 20/],
    ['daily sometimes', /"sometimes" is not something \/papers daily takes here/],
    ['daily preview top:3', /top:3 goes with "daily on", e.g. \/papers daily on 09:00/],
    ['daily on 09:00 10:00', /takes one time: you gave "09:00" and "10:00". Keep one./],
    ['daily on 09:00 UTC Europe/Berlin', /takes one timezone: you gave "UTC" and "Europe\/Berlin"/],
    ['daily off weekdays', /weekdays goes with "daily on"/],
    ['daily on top:3 top:5', /top: is given more than once; keep one/],
  ];
  for (const [line, message] of bad) {
    it(`explains what to type instead: ${line}`, async () => {
      const result = await (await testBot()).exec(line);
      expect(result.outcome).toBe('user-error');
      expect(result.reply.fallbackText).toMatch(message);
    });
  }
});

describe('subscriptions', () => {
  it('subscribes, lists, refuses a duplicate, and unsubscribes by id or topic', async () => {
    const bot = await testBot();
    expect((await bot.exec('subscribe "test-time adaptation" min-upvotes:5 mention:@ada')).reply.fallbackText)
      .toBe('Subscribed (#1): new papers on "test-time adaptation" will be posted here, mentioning user ada. Stop with /papers unsubscribe 1');
    expect((await bot.exec('subscribe diffusion')).reply.fallbackText).toMatch(/^Subscribed \(#2\)/);
    expect((await bot.exec('subscribe Test-Time Adaptation')).reply.fallbackText).toBe('This channel already follows "test-time adaptation" (#1).');
    expect((await bot.exec('subscriptions')).reply.fallbackText).toBe(
      'Subscriptions of this channel:\n#1 "test-time adaptation" · min-upvotes:5 · mentions user ada\n#2 "diffusion"',
    );
    expect((await bot.exec('unsubscribe 1')).reply.fallbackText).toBe('Unsubscribed from "test-time adaptation" (#1).');
    expect((await bot.exec('unsubscribe DIFFUSION')).reply.fallbackText).toBe('Unsubscribed from "diffusion" (#2).');
    expect((await bot.exec('unsubscribe 7')).reply.fallbackText).toMatch(/^This channel has no subscription #7/);
    expect((await bot.exec('subscriptions')).reply.fallbackText).toMatch(/^No subscriptions here/);
  });

  it('keeps each channel\'s subscriptions to itself, and only managers change them', async () => {
    const manager = await testBot();
    await manager.exec('subscribe diffusion', 'C2');
    expect((await manager.exec('subscriptions')).reply.fallbackText).toMatch(/^No subscriptions here/);
    const member = await testBot({ canManageChannel: false });
    expect((await member.exec('subscribe diffusion')).reply.fallbackText).toBe('Only channel managers can use /papers subscribe here.');
    expect((await member.exec('unsubscribe 1')).reply.fallbackText).toBe('Only channel managers can use /papers unsubscribe here.');
    expect((await member.exec('subscriptions')).outcome).toBe('ok');
  });

  it('explains bad input', async () => {
    const bot = await testBot();
    expect((await bot.exec('subscribe')).reply.fallbackText).toMatch(/^\/papers subscribe needs <topic>: the words new papers must match. E.g. \/papers subscribe "test-time adaptation"/);
    expect((await bot.exec('unsubscribe')).reply.fallbackText).toMatch(/^\/papers unsubscribe needs <id \| topic>: the subscription number \(#3\) or its topic/);
    expect((await bot.exec('subscribe diffusion mention:everyone')).reply.fallbackText).toMatch(/Paperboy never pings a whole channel \("everyone"\); mention one user or role: mention:@name/);
    expect((await bot.exec('subscribe diffusion min-upvotes:-3')).reply.fallbackText).toMatch(/min-upvotes takes a whole number/);
  });
});

describe('saved papers', () => {
  it('saves from the Save button and the command, lists, and exports as BibTeX and Markdown', async () => {
    const bot = await testBot({ withSources: true });
    const card = await bot.exec('show 1706.03762');
    const save = buttonsOf(card.reply).find((b) => b.label === 'Save')!;
    expect((await bot.press(save.actionId)).reply.fallbackText).toBe('Saved "Attention Is All You Need" to this channel\'s reading list (Ada). See it with /papers saved');
    expect((await bot.press(save.actionId)).reply.fallbackText).toBe('"Attention Is All You Need" is already on this channel\'s reading list.');
    await bot.exec('save 2501.12948');
    expect((await bot.exec('saved')).reply.fallbackText).toBe(
      'Reading list (2):\n- Attention Is All You Need\n- DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning',
    );
    const bibtex = (await bot.exec('saved export bibtex')).reply.fallbackText;
    expect(bibtex.match(/^@misc\{/gm)).toHaveLength(2);
    expect(bibtex).toContain('vaswani2017attention');
    const markdown = (await bot.exec('saved export markdown')).reply.fallbackText;
    expect(markdown.split('\n')).toHaveLength(2);
    expect(markdown).toContain('[Attention Is All You Need](https://arxiv.org/abs/1706.03762)');
    expect((await bot.exec('saved', 'C2')).reply.fallbackText).toMatch(/^The reading list of this channel is empty/);
    expect((await bot.exec('saved export latex')).reply.fallbackText).toMatch(/^"latex" is not a format. Use bibtex or markdown./);
    expect((await bot.exec('saved bibtex')).reply.fallbackText).toBe('bibtex goes with export: /papers saved export bibtex');
  });
});

describe('status', () => {
  it('shows the next daily post', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:00Z' });
    await bot.exec('daily on 13:00 UTC');
    expect((await bot.exec('status')).reply.fallbackText).toContain('Next daily posts (any channel): 2025-01-24 13:00 UTC (in 1 h)');
  });

  it('shows this channel’s next daily post in its own time zone, with the wait rounded up exactly as daily does', async () => {
    const bot = await testBot({ now: '2025-01-24T12:00:30Z' });
    await bot.exec('daily on 13:01 Europe/Berlin');
    const daily = (await bot.exec('daily')).reply.fallbackText;
    const status = (await bot.exec('status')).reply.fallbackText;
    expect(daily).toContain('Next: Fri 2025-01-24 13:01 Europe/Berlin (in 1 min).');
    expect(status).toContain('Next daily post here: Fri 2025-01-24 13:01 Europe/Berlin (in 1 min)');
    expect(status).toContain('Next daily posts (any channel): 2025-01-24 12:01 UTC (in 1 min)');
    // Another channel without a daily post sees only the bot's next run.
    expect((await bot.exec('status', 'C2')).reply.fallbackText).not.toContain('Next daily post here');
  });
});
