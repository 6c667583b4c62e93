import { describe, expect, it } from 'vitest';
import { MAX_SUGGESTIONS } from '../../commands/framework/suggest.ts';
import { testBot } from '../helpers/bot.ts';

const CHANNEL = { platform: 'test', channelId: 'C1' };

const bot = await testBot({ withSources: true });

describe('suggestions while an argument is typed (autocomplete)', () => {
  const suggest = (command: string, argument: string, partial: string, channel = CHANNEL) => bot.suggest(command, argument, partial, channel);

  it('offers papers whose titles match what is typed so far, with their ids', async () => {
    const paper = (await bot.library.get('2501.12948'))!;
    const partial = paper.titleDisplay.split(/\s+/).slice(0, 2).join(' ').slice(0, -2);
    const suggestions = await suggest('show', 'paper', partial);
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
    expect(suggestions.map((s) => s.value)).toContain('2501.12948');
    expect(suggestions.find((s) => s.value === '2501.12948')!.label).toContain(paper.titleDisplay);
  });

  it('offers trending papers for an empty field, and an exact paper for an id', async () => {
    const trending = await suggest('discuss', 'paper', '');
    expect(trending.length).toBeGreaterThan(0);
    expect(trending[0]!.value).toBe((await bot.library.trending({ window: 'week', limit: 1 }))[0]!.paper.id);
    expect((await suggest('cite', 'paper', '2501.12948')).map((s) => s.value)).toEqual(['2501.12948']);
  });

  it('offers a search as typed first, then the titles it matches', async () => {
    const paper = (await bot.library.get('2501.12948'))!;
    const suggestions = await suggest('search', 'query', 'deepseek reason');
    expect(suggestions[0]).toEqual({ label: 'deepseek reason', value: 'deepseek reason' });
    expect(suggestions.map((s) => s.value)).toContain(paper.titleDisplay);
    expect(await suggest('search', 'query', '  ')).toEqual([]);
  });

  it("offers this channel's subscriptions by number or topic, and no other channel's", async () => {
    await bot.exec('subscribe diffusion models');
    await bot.exec('subscribe test-time adaptation');
    await bot.exec('subscribe robotics', 'C2');
    expect(await suggest('unsubscribe', 'subscription', '')).toEqual([
      { label: '#1 diffusion models', value: '1' },
      { label: '#2 test-time adaptation', value: '2' },
    ]);
    expect(await suggest('unsubscribe', 'subscription', 'adapt')).toEqual([{ label: '#2 test-time adaptation', value: '2' }]);
    expect(await suggest('unsubscribe', 'subscription', '#1')).toEqual([{ label: '#1 diffusion models', value: '1' }]);
    expect((await suggest('unsubscribe', 'subscription', '', { platform: 'test', channelId: 'C2' })).map((s) => s.label)).toEqual(['#3 robotics']);
  });

  it('offers IANA time zones by any words of their name, and the fixed choices of an argument', async () => {
    expect((await suggest('daily', 'timezone', 'new york'))[0]!.value).toBe('America/New_York');
    expect((await suggest('daily', 'timezone', 'berl')).map((s) => s.value)).toContain('Europe/Berlin');
    expect((await suggest('daily', 'timezone', '')).length).toBe(MAX_SUGGESTIONS);
    expect((await suggest('trending', 'window', 'w')).map((s) => s.value)).toEqual(['week']);
    expect((await suggest('help', 'command', 'sub')).map((s) => s.value)).toEqual(['subscribe', 'subscriptions']);
  });

  it('offers nothing for a free-text argument or one that does not exist', async () => {
    expect(await suggest('subscribe', 'topic', 'diff')).toEqual([]);
    expect(await suggest('nope', 'paper', 'diff')).toEqual([]);
  });
});
