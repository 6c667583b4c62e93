import { describe, expect, it } from 'vitest';
import { closest, commandLine, parseArgs, tokenizeLine } from '../../commands/framework/args.ts';

const known = ['since', 'author', 'min-upvotes', 'sort', 'page'];

describe('the argument parser', () => {
  it('GIVEN plain words THEN they stay words in order', () => {
    expect(parseArgs('diffusion inverse problems', known)).toEqual({ words: ['diffusion', 'inverse', 'problems'], options: {}, unknownOptions: [], repeatedOptions: [] });
  });

  it('GIVEN a quoted phrase THEN it is one word, with straight or curly quotes', () => {
    expect(parseArgs('"optimal transport" maps', known).words).toEqual(['optimal transport', 'maps']);
    expect(parseArgs('“test-time adaptation” ‘entropy min’', known).words).toEqual(['test-time adaptation', 'entropy min']);
  });

  it('GIVEN key:value options THEN they are options, quoted values kept whole, and a repeat is reported, not guessed', () => {
    expect(parseArgs('gans since:7d author:"Yann LeCun" sort:newest sort:trending', known)).toEqual({
      words: ['gans'],
      options: { since: '7d', author: 'Yann LeCun', sort: 'newest' },
      unknownOptions: [],
      repeatedOptions: ['sort'],
    });
  });

  it('GIVEN an option the command does not have THEN it is reported, not silently searched for', () => {
    expect(parseArgs('gans sorted:newest', known).unknownOptions).toEqual(['sorted']);
  });

  it('GIVEN paper references that contain colons THEN they stay words', () => {
    expect(parseArgs('arXiv:2501.12948 https://arxiv.org/abs/2501.12948 oai:arXiv.org:2501.12948v1', known).words).toHaveLength(3);
    expect(parseArgs('"note: this" x', known).words).toEqual(['note: this', 'x']);
  });

  it('GIVEN an unterminated quote THEN the rest of the line is the phrase', () => {
    expect(tokenizeLine('"optimal transport maps').map((t) => t.text)).toEqual(['optimal transport maps']);
  });

  it('GIVEN words and options THEN commandLine gives a line that parses back to the same', () => {
    const words = ['optimal transport', 'note:x', 'gans'];
    const options = { author: 'Yann LeCun', page: '2' };
    const parsed = parseArgs(commandLine(words, options), known);
    expect(parsed.words).toEqual(words);
    expect(parsed.options).toEqual(options);
  });

  it('GIVEN a mistyped name THEN the closest one is suggested, and nothing for nonsense', () => {
    expect(closest('serch', ['search', 'show', 'related'])).toBe('search');
    expect(closest('rel', ['search', 'show', 'related'])).toBe('related');
    expect(closest('zzzzzz', ['search', 'show', 'related'])).toBeUndefined();
  });
});
