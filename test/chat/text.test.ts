import { describe, expect, it } from 'vitest';
import { echo, graphemePrefix, singleLine, truncate } from '../../src/chat/text.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

describe('cutting text between characters', () => {
  it('never splits a surrogate pair, an emoji sequence, a letter from its accents, CR LF or a Hangul syllable', () => {
    const family = '👩‍👩‍👧'; // 8 UTF-16 units, one character
    const flag = '🇩🇪'; // two regional indicators, one character
    const accent = 'e\u0301'; // é as two code points
    for (const text of ['🚀'.repeat(60), `${'a'.repeat(95)}${family}${family}`, `${'b'.repeat(98)}${flag}${flag}`, `${'c'.repeat(98)}${accent}${accent}`, `${'d'.repeat(98)}\r\n\r\n`, `Ünïcödé ${'ß'.repeat(95)}\u1100\u1161\u11a8`]) {
      for (let max = 1; max <= 110; max++) {
        const prefix = graphemePrefix(text, max);
        expect(prefix.length).toBeLessThanOrEqual(max);
        expect(text.startsWith(prefix)).toBe(true);
        expect(prefix).not.toMatch(LONE_SURROGATE);
        // The prefix ends on a character boundary: the rest starts a whole character.
        const rest = text.slice(prefix.length);
        if (rest !== '') expect([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].some((s) => s.index === prefix.length)).toBe(true);
      }
    }
  });

  it('cuts at a word with an ellipsis, within the limit', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('Attention is all you need for everything', 20)).toBe('Attention is all…');
    const cut = truncate(`Rockets ${'🚀'.repeat(60)}`, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(LONE_SURROGATE);
  });

  it('quotes input back at most 40 units long, and puts titles on one line without bidi controls', () => {
    expect(echo('x'.repeat(100_000))).toBe(`${'x'.repeat(39)}…`);
    expect(echo('🚀'.repeat(30))).toBe(`${'🚀'.repeat(19)}…`);
    expect(singleLine('Evil\u202E title\nwith\u2066 lines\u2069  ')).toBe('Evil title with lines');
  });
});
