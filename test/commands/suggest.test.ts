import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../commands/registry.ts';
import { MAX_SUGGESTIONS } from '../../commands/suggest.ts';
import { testBot } from '../helpers/bot.ts';

describe('suggestions while an argument is typed (autocomplete)', () => {
  const bot = testBot({ withSources: true });

  it('offers papers whose titles match what is typed so far, with their ids', () => {
    const paper = bot.search.corpus.get('2501.12948')!;
    const partial = paper.titleDisplay.split(/\s+/).slice(0, 2).join(' ').slice(0, -2);
    const suggestions = bot.suggest('show', 'paper', partial);
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
    expect(suggestions.map((s) => s.value)).toContain('2501.12948');
    expect(suggestions.find((s) => s.value === '2501.12948')!.label).toContain(paper.titleDisplay);
  });

  it('offers trending papers for an empty field, and an exact paper for an id', () => {
    const trending = bot.suggest('discuss', 'paper', '');
    expect(trending.length).toBeGreaterThan(0);
    expect(trending[0]!.value).toBe(bot.search.trending({ window: 'week', limit: 1 })[0]!.paper.id);
    expect(bot.suggest('cite', 'paper', '2501.12948').map((s) => s.value)).toEqual(['2501.12948']);
  });

  it('offers IANA time zones by any words of their name, and the fixed choices of an argument', () => {
    expect(bot.suggest('daily', 'timezone', 'new york')[0]!.value).toBe('America/New_York');
    expect(bot.suggest('daily', 'timezone', 'berl').map((s) => s.value)).toContain('Europe/Berlin');
    expect(bot.suggest('daily', 'timezone', '').length).toBe(MAX_SUGGESTIONS);
    expect(bot.suggest('trending', 'window', 'w').map((s) => s.value)).toEqual(['week']);
    expect(bot.suggest('help', 'command', 'sub').map((s) => s.value)).toEqual(['subscribe', 'subscriptions']);
  });

  it('offers a search as typed first, then the titles it matches', () => {
    const paper = bot.search.corpus.get('2501.12948')!;
    const suggestions = bot.suggest('search', 'query', 'deepseek reason');
    expect(suggestions[0]).toEqual({ label: 'deepseek reason', value: 'deepseek reason' });
    expect(suggestions.map((s) => s.value)).toContain(paper.titleDisplay);
    expect(bot.suggest('search', 'query', '  ')).toEqual([]);
  });

  it('offers nothing for a free-text argument or one that does not exist', () => {
    expect(bot.suggest('subscribe', 'topic', 'diff')).toEqual([]);
    expect(bot.suggest('nope', 'paper', 'diff')).toEqual([]);
    expect(commandRegistry.length).toBeGreaterThan(0);
  });
});
