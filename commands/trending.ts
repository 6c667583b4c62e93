import { z } from 'zod';
import { TRENDING_WINDOWS, type TrendingWindow } from '../src/ranking/trending.ts';
import { UserError } from '../src/chat/errors.ts';
import { closest } from './framework/args.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { paperListMessage, rangeLabel } from './presenters/list.ts';
import { validate, wholeNumber } from './framework/validators.ts';

/** Papers per trending page. */
export const TRENDING_PAGE_SIZE = 5;

const usage = 'trending [today|week|month] [topic]';
const schema = z.object({
  topic: z.string().trim().max(300, 'That topic is too long (at most 300 characters)'),
  window: z.enum(TRENDING_WINDOWS).optional(),
  page: wholeNumber('page', 1, 100, '2').default(1),
});

/** `trending`: the ranked list of a window, each entry saying why it ranks. */
export const trendingCommand = defineCommand({
  name: 'trending',
  summary: 'What is trending today, this week or this month, optionally on a topic',
  usage,
  examples: ['trending', 'trending week', 'trending month diffusion'],
  arguments: [
    { name: 'window', description: 'how far back attention counts (default week)', kind: 'text', choices: ['today', 'week', 'month'] },
    { name: 'topic', description: 'only papers matching these words', kind: 'text' },
  ],
  options: [{ name: 'page', type: 'integer', description: 'which page of the list', example: '2' }],
  permission: 'anyone',
  parse: ({ words, options }) => {
    const first = words[0]?.toLowerCase();
    const window = (TRENDING_WINDOWS as readonly string[]).includes(first ?? '') ? (first as TrendingWindow) : undefined;
    const topic = (window ? words.slice(1) : words).join(' ');
    const nearWindow = !window && first ? closest(first, TRENDING_WINDOWS) : undefined;
    if (nearWindow && first !== nearWindow && first!.length >= 3) {
      throw new UserError('invalid-argument', `Did you mean /papers trending ${[nearWindow, ...words.slice(1)].join(' ')}? The windows are today, week and month.`);
    }
    if (topic !== '' && !/[\p{L}\p{N}]/u.test(topic)) {
      throw new UserError('invalid-argument', 'A topic needs some letters or digits, e.g. /papers trending week diffusion');
    }
    return { ...validate(schema, { topic, window, ...options }, usage), words, options };
  },
  run: async (args, ctx) => {
    // Without a window: today, or this week when no dated paper is new today (weekends, source lag).
    const topic = args.topic ? { topic: args.topic } : {};
    let window: TrendingWindow = args.window ?? 'today';
    let entries = ctx.papers.rankTrending({ window, ...topic });
    let note: string | undefined;
    const onlyUndated = entries.every((entry) => entry.inputs.ageHours === undefined);
    if (!args.window && onlyUndated) {
      const week = ctx.papers.rankTrending({ window: 'week', ...topic });
      if (week.some((entry) => entry.inputs.ageHours !== undefined)) {
        window = 'week';
        entries = week;
        note = 'Nothing new today, so here is this week.';
      }
    }
    const about = args.topic ? ` on "${args.topic}"` : '';
    const label = window === 'today' ? 'today' : `this ${window}`;
    if (entries.length === 0) throw new UserError('paper-not-found', `Nothing is trending${about} ${label}. Try /papers trending month${about ? ` ${args.topic}` : ''}.`);
    const offset = (args.page - 1) * TRENDING_PAGE_SIZE;
    if (offset >= entries.length) {
      const pages = Math.ceil(entries.length / TRENDING_PAGE_SIZE);
      throw new UserError('page-out-of-range', `The trending list${about} ${label} has ${pages} page${pages === 1 ? '' : 's'}; try page:${pages}.`);
    }
    const shown = await ctx.papers.entriesOf(entries.slice(offset, offset + TRENDING_PAGE_SIZE));
    const nextPage = offset + shown.length < entries.length
      ? [{ label: 'More', actionId: ctx.actions.encode({ command: 'trending', args: [window, args.topic, `page:${args.page + 1}`].filter(Boolean).join(' ') }) }]
      : [];
    return paperListMessage({
      title: `Trending${about} ${label}: ${rangeLabel(offset, shown.length, entries.length)}`,
      ...(note ? { note } : {}),
      views: shown.map((entry) => paperView(entry.paper, ctx, entry.inputs)),
      buttons: nextPage,
    });
  },
});
