import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import { SEARCH_SORTS } from '../src/library/papers.ts';
import { commandLine } from './framework/args.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { paperListMessage, rangeLabel } from './presenters/list.ts';
import { choice, requiredText, sinceInstant, sinceSchema, validate, wholeNumber } from './framework/validators.ts';

/** Results per page; the More button shows the next page. */
export const SEARCH_PAGE_SIZE = 5;

const usage = 'search <query> [since:7d] [author:NAME] [min-upvotes:N] [sort:relevance|trending|newest]';

const schema = z.object({
  query: z.string().trim().max(300, 'That query is too long (at most 300 characters); try fewer words'),
  since: sinceSchema.optional(),
  author: requiredText('an author name', 'author:Hinton').optional(),
  'min-upvotes': wholeNumber('min-upvotes', 0, 1_000_000, '10').optional(),
  sort: choice('sort', SEARCH_SORTS).default('relevance'),
  page: wholeNumber('page', 1, 1000, '2').default(1),
});

/** `search`: full-text search with typo tolerance, filters, sorts and paging. */
export const searchCommand = defineCommand({
  name: 'search',
  summary: 'Find papers by words of their title, abstract, key terms or authors',
  usage,
  examples: ['search diffusion inverse problems', 'search "optimal transport" since:30d sort:newest', 'search author:Hinton'],
  arguments: [{ name: 'query', description: 'what to search for: words of titles, abstracts, authors, or an arXiv id', kind: 'query' }],
  options: [
    { name: 'since', description: 'only papers published since then', example: '7d' },
    { name: 'author', description: 'only papers with this author', example: 'Hinton' },
    { name: 'min-upvotes', description: 'only papers with at least this many upvotes', example: '10', type: 'integer' },
    { name: 'sort', description: 'order of results', example: 'newest', choices: SEARCH_SORTS },
    { name: 'page', description: 'which page of results', example: '2', type: 'integer' },
  ],
  permission: 'anyone',
  parse: ({ text, words, options }) => {
    const args = { ...validate(schema, { query: text, ...options }, usage), words, options };
    if (args.query === '' && !args.author) throw new UserError('missing-argument', 'Type what to search for, e.g. /papers search diffusion models', [`Usage: /papers ${usage}`]);
    if (args.query !== '' && !/[\p{L}\p{N}]/u.test(args.query)) {
      throw new UserError('invalid-argument', 'Type some words to search for (letters or digits), e.g. /papers search diffusion models');
    }
    return args;
  },
  run: async (args, ctx) => {
    const now = ctx.clock.now();
    const offset = (args.page - 1) * SEARCH_PAGE_SIZE;
    const results = await ctx.papers.search({
      text: args.query,
      ...(args.since ? { since: sinceInstant(args.since, now) } : {}),
      ...(args.author ? { author: args.author } : {}),
      ...(args['min-upvotes'] !== undefined ? { minUpvotes: args['min-upvotes'] } : {}),
      sort: args.sort,
      offset,
      limit: SEARCH_PAGE_SIZE,
    });
    const described = [args.query && `"${args.query}"`, args.author && `by ${args.author}`].filter(Boolean).join(' ');
    if (results.total === 0) {
      const hint = results.unmatchedWords.length > 0 ? ` Nothing matched ${results.unmatchedWords.map((w) => `"${w}"`).join(', ')}.` : '';
      throw new UserError('paper-not-found', `No papers found for ${described}.${hint} Try fewer or other words, or drop a filter.`);
    }
    if (offset >= results.total) {
      const pages = Math.ceil(results.total / SEARCH_PAGE_SIZE);
      throw new UserError('page-out-of-range', `There ${pages === 1 ? 'is only 1 page' : `are only ${pages} pages`} of results for ${described}; try page:${pages}.`);
    }
    const shownTo = offset + results.papers.length;
    const more = shownTo < results.total
      ? [{ label: 'More', actionId: ctx.actions.encode({ command: 'search', args: withPage(args, args.page + 1) }) }]
      : [];
    return paperListMessage({
      title: `${rangeLabel(offset, results.papers.length, results.total)} for ${described}`,
      ...(results.unmatchedWords.length > 0 ? { note: `No paper has ${results.unmatchedWords.map((w) => `"${w}"`).join(', ')}; showing matches for the other words.` } : {}),
      views: results.papers.map(({ paper }) => paperView(paper, ctx)),
      buttons: more,
    });
  },
});

/** The same search as a command line, on another page. */
function withPage(args: { words: string[]; options: Record<string, string> }, page: number): string {
  return commandLine(args.words, { ...args.options, page: String(page) });
}
