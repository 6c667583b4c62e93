import { UserError } from '../src/chat/errors.ts';
import { SEARCH_SORTS } from '../src/library/papers.ts';
import { commandLine } from './framework/args.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { paperListMessage, rangeLabel } from './presenters/list.ts';
import { missingFacts } from './presenters/bundled.ts';
import { choiceOption, integerOption, sinceInstant, sinceOption, textOption, wordsArgument } from './framework/validators.ts';

/** Results per page; the More button shows the next page. */
export const SEARCH_PAGE_SIZE = 5;

/** `search`: full-text search with typo tolerance, filters, sorts and paging. */
export const searchCommand = defineCommand({
  name: 'search',
  summary: 'Find papers by words of their title, abstract, key terms or authors',
  examples: ['search diffusion inverse problems', 'search "optimal transport" since:30d sort:newest', 'search author:Hinton'],
  arguments: {
    query: wordsArgument({
      kind: 'query', required: false, placeholder: 'query', what: 'some words to search for',
      description: 'what to search for: words of titles, abstracts, authors, or an arXiv id', example: 'diffusion models',
    }),
  },
  options: {
    since: sinceOption('only papers published since then'),
    author: textOption({ description: 'only papers with this author', example: 'Hinton', placeholder: 'NAME', what: 'an author name' }),
    'min-upvotes': integerOption({ description: 'only papers with at least this many upvotes', min: 0, max: 1_000_000, example: '10' }),
    sort: choiceOption(SEARCH_SORTS, { description: 'order of results', default: 'relevance' }),
    page: integerOption({ description: 'which page of results', min: 1, max: 1000, example: '2', default: '1' }),
  },
  permission: 'anyone',
  run: async (args, ctx) => {
    if (args.query === undefined && args.author === undefined) {
      throw new UserError('missing-argument', 'Type what to search for, e.g. /papers search diffusion models');
    }
    const now = ctx.clock.now();
    const offset = (args.page - 1) * SEARCH_PAGE_SIZE;
    const results = await ctx.papers.search({
      text: args.query ?? '',
      ...(args.since ? { since: sinceInstant(args.since, now) } : {}),
      ...(args.author ? { author: args.author } : {}),
      ...(args['min-upvotes'] !== undefined ? { minUpvotes: args['min-upvotes'] } : {}),
      sort: args.sort,
      offset,
      limit: SEARCH_PAGE_SIZE,
    });
    const described = [args.query && `"${args.query}"`, args.author && `by ${args.author}`].filter(Boolean).join(' ');
    // What the bundled papers lack (dates, authors, upvotes), when the search asked for it.
    const asked = {
      dates: args.since !== undefined || args.sort === 'newest',
      authors: args.author !== undefined,
      upvotes: args['min-upvotes'] !== undefined || args.sort === 'trending',
    };
    const lacking = missingFacts(ctx.papers.stats(), asked, results.total > 0);
    if (results.total === 0) {
      const hint = results.unmatchedWords.length > 0 ? ` Nothing matched ${results.unmatchedWords.map((w) => `"${w}"`).join(', ')}.` : '';
      throw new UserError('paper-not-found', `No papers ${args.query ? `found for ${described}` : `${described} found`}.${hint} ${lacking ?? 'Try fewer or other words, or drop a filter.'}`);
    }
    if (offset >= results.total) {
      const pages = Math.ceil(results.total / SEARCH_PAGE_SIZE);
      throw new UserError('page-out-of-range', `There ${pages === 1 ? 'is only 1 page' : `are only ${pages} pages`} of results for ${described}; try page:${pages}.`);
    }
    const shownTo = offset + results.papers.length;
    const more = shownTo < results.total
      ? [{ label: 'More', actionId: ctx.actions.encode({ command: 'search', args: commandLine(ctx.typed.words, { ...ctx.typed.options, page: String(args.page + 1) }) }) }]
      : [];
    const unmatched = results.unmatchedWords.length > 0 ? `No paper has ${results.unmatchedWords.map((w) => `"${w}"`).join(', ')}; showing matches for the other words.` : undefined;
    const note = [unmatched, lacking].filter(Boolean).join(' ');
    return paperListMessage({
      title: `${rangeLabel(offset, results.papers.length, results.total)} for ${described}`,
      ...(note ? { note } : {}),
      views: results.papers.map(({ paper }) => paperView(paper, ctx)),
      buttons: more,
    });
  },
});
