import { UserError } from '../src/chat/errors.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { paperListMessage } from './presenters/list.ts';
import { paperArgument, resolvePaper } from './framework/validators.ts';

/** How many related papers are shown. */
export const RELATED_COUNT = 5;

/** `related`: the papers most like one paper. */
export const relatedCommand = defineCommand({
  name: 'related',
  summary: 'Papers most like a given paper',
  examples: ['related 2501.12948', 'related sparsity-constrained optimal transport'],
  arguments: { paper: paperArgument('the paper to find neighbours of: arXiv id, URL or title words') },
  options: {},
  permission: 'anyone',
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'related');
    const related = await ctx.papers.related(paper, RELATED_COUNT);
    if (related.length === 0) {
      throw new UserError('paper-not-found', `No paper in the corpus is close enough to "${paper.titleDisplay}" yet.`);
    }
    return paperListMessage({ title: `Papers like "${paper.titleDisplay}"`, views: related.map((p) => paperView(p, ctx)) });
  },
});
