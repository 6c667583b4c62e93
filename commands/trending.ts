import { TRENDING_WINDOWS, type TrendingWindow } from '../src/ranking/trending.ts';
import { UserError } from '../src/chat/errors.ts';
import { commandLine } from './framework/args.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { paperListMessage, rangeLabel } from './presenters/list.ts';
import { CONNECT_A_SOURCE } from './presenters/bundled.ts';
import { choiceArgument, integerOption, nearChoice, wordsArgument } from './framework/validators.ts';

/** Papers per trending page. */
export const TRENDING_PAGE_SIZE = 5;

/** `trending`: the ranked list of a window, each entry saying why it ranks. */
export const trendingCommand = defineCommand({
  name: 'trending',
  summary: 'What is trending today, this week or this month, optionally on a topic',
  examples: ['trending', 'trending week', 'trending month diffusion'],
  arguments: {
    // A near miss (`wek`) is taken as a window and refused with the windows, not searched as a topic.
    window: choiceArgument(TRENDING_WINDOWS, { description: 'how far back attention counts (default: today, else this week)', accepts: nearChoice(TRENDING_WINDOWS) }),
    topic: wordsArgument({ required: false, placeholder: 'topic', what: 'a topic', description: 'only papers matching these words', example: 'diffusion' }),
  },
  options: { page: integerOption({ description: 'which page of the list', min: 1, max: 100, example: '2', default: '1' }) },
  permission: 'anyone',
  run: async (args, ctx) => {
    // Without a window: today, or this week when no dated paper is new today (weekends, source lag).
    const topic = args.topic ? { topic: args.topic } : {};
    let window: TrendingWindow = args.window ?? 'today';
    let entries = ctx.papers.rankTrending({ window, ...topic });
    let note: string | undefined;
    if (!args.window && entries.length === 0) {
      const week = ctx.papers.rankTrending({ window: 'week', ...topic });
      if (week.length > 0) {
        window = 'week';
        entries = week;
        note = 'Nothing new today, so here is this week.';
      }
    }
    if (entries.length > 0 && entries.every((entry) => entry.inputs.ageHours === undefined)) {
      // Only undated papers rank when no paper has a date (see rankTrending): say why every window is the same.
      note = `These papers have no dates or upvotes, so today, this week and this month are the same list: the trending page's order. For real trending, ${CONNECT_A_SOURCE}.`;
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
      ? [{ label: 'More', actionId: ctx.actions.encode({ command: 'trending', args: commandLine([window, ...(args.topic ? [args.topic] : [])], { page: String(args.page + 1) }) }) }]
      : [];
    return paperListMessage({
      title: `Trending${about} ${label}: ${rangeLabel(offset, shown.length, entries.length)}`,
      ...(note ? { note } : {}),
      views: shown.map((entry) => paperView(entry.paper, ctx, entry.inputs)),
      buttons: nextPage,
    });
  },
});
