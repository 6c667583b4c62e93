import { UserError } from '../src/chat/errors.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { summarizePaper } from '../src/discussions/ask-paper.ts';
import { defineCommand } from './framework/command-spec.ts';
import { summaryMessage } from './presenters/discussion.ts';
import { paperArgument, resolvePaper } from './framework/validators.ts';

/**
 * `summary`: a paper's TL;DR from its full text when arXiv has it (what it does, its main result, its main
 * limitation, each quoted with where it is), written by the language model when one is configured. In a
 * paper's thread the paper may be left out.
 */
export const summaryCommand = defineCommand({
  name: 'summary',
  summary: "A paper's TL;DR from its full text: what it does, its main result and limitation",
  usageNote: "in a paper's thread the paper may be left out",
  examples: ['summary 2501.12948', 'summary monge gap'],
  arguments: { paper: { ...paperArgument("the paper: arXiv id, URL or title words (optional inside a paper's thread)"), required: false } },
  options: {},
  permission: 'anyone',
  run: async ({ paper: reference }, ctx) => {
    const discussion = ctx.thread ? await ctx.stores.discussions.byThread(encodeRef(ctx.thread)) : undefined;
    if (reference === undefined && !discussion) {
      throw new UserError('missing-argument', 'Name the paper to summarize, e.g. /papers summary 2501.12948 (or ask for a summary inside its thread).');
    }
    const paper = reference === undefined ? await ctx.papers.get(discussion!.paperId) : await resolvePaper(ctx.papers, reference, 'summary');
    if (!paper) throw new UserError('paper-not-found', `The paper of this thread (${discussion!.paperId}) is no longer in the corpus.`);
    const fullText = await ctx.fullText.forPaper(paper);
    const summary = await summarizePaper({
      paper,
      ...(fullText.status === 'found' ? { text: fullText.text } : {}),
      termWeight: (term) => ctx.papers.idfOf(term),
      ...(ctx.writer ? { writer: ctx.writer } : {}),
      channel: encodeRef(ctx.channel),
    });
    return summaryMessage(paper, summary, fullText.status);
  },
});
