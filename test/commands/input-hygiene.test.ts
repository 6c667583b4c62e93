import { describe, expect, it } from 'vitest';
import { headingsOf, testBot } from '../helpers/bot.ts';

describe('what people type is cleaned before it is read, and never echoed at length', () => {
  it('finds a command behind bidi overrides and zero-width characters', async () => {
    const bot = await testBot();
    for (const line of ['\u202Esearch monge gap', 'se\u200Barch monge gap', '\u2066search\u2069 monge gap', '\uFEFFsearch monge\u200B gap', 'SEARCH monge gap']) {
      const result = await bot.exec(line);
      expect(result.outcome, JSON.stringify(line)).toBe('ok');
      expect(headingsOf(result.reply)[0]).toBe('The Monge Gap: A Regularizer to Learn All Transport Maps');
    }
  });

  it('caps an unknown command name in the answer (100,000 characters in, a short line out)', async () => {
    const bot = await testBot();
    const result = await bot.exec(`${'x'.repeat(100_000)} diffusion`);
    expect(result.outcome).toBe('user-error');
    expect(result.reply.fallbackText.length).toBeLessThan(300);
    expect(result.reply.fallbackText).toMatch(/^There is no command "x{39}…"/);
    // Cut between characters, never inside one (a surrogate pair).
    const emoji = await bot.exec('🚀'.repeat(50));
    expect(emoji.reply.fallbackText).toMatch(/^There is no command "(🚀){19}…"/);
    expect(emoji.reply.fallbackText).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('does not echo a long mistyped option or value in full', async () => {
    const bot = await testBot();
    const option = await bot.exec(`search diffusion ${'z'.repeat(500)}:1`);
    expect(option.reply.fallbackText.length).toBeLessThan(400);
    const word = await bot.exec(`daily on ${'9'.repeat(500)}`);
    expect(word.outcome).toBe('user-error');
    expect(word.reply.fallbackText.length).toBeLessThan(400);
  });
});
