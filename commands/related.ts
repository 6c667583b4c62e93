import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { paperListMessage } from './presenters/list.ts';
import { paperReference, resolvePaper, validate } from './framework/validators.ts';

/** How many related papers are shown. */
export const RELATED_COUNT = 5;

const usage = 'related <arXiv id | paper URL | title words>';
const schema = z.object({ paper: paperReference('related') });

/** `related`: the papers most like one paper. */
export const relatedCommand = defineCommand({
  name: 'related',
  summary: 'Papers most like a given paper',
  usage,
  examples: ['related 2501.12948', 'related sparsity-constrained optimal transport'],
  arguments: [{ name: 'paper', description: 'the paper to find neighbours of: arXiv id, URL or title words', kind: 'paper', required: true }],
  options: [],
  permission: 'anyone',
  parse: ({ text }) => validate(schema, { paper: text }, usage),
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'related');
    const related = await ctx.papers.related(paper, RELATED_COUNT);
    if (related.length === 0) {
      throw new UserError('paper-not-found', `No paper in the corpus is close enough to "${paper.titleDisplay}" yet.`);
    }
    return paperListMessage({ title: `Papers like "${paper.titleDisplay}"`, views: related.map((p) => paperView(p, ctx)) });
  },
});
