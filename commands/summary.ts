import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { summarizePaper } from '../src/discussions/ask-paper.ts';
import { defineCommand } from './framework/command-spec.ts';
import { summaryMessage } from './presenters/discussion.ts';
import { MAX_QUERY_CHARS, resolvePaper, validate } from './framework/validators.ts';

const usage = 'summary <paper>  (in a paper\'s thread: summary)';
const schema = z.object({
  paper: z.string().trim().max(MAX_QUERY_CHARS, `Name the paper in under ${MAX_QUERY_CHARS} characters: an arXiv id, a URL or a few title words.`),
});

/**
 * `summary`: a paper's TL;DR from its full text when arXiv has it (what it does, its main result, its main
 * limitation, each quoted with where it is), written by the language model when one is configured. In a
 * paper's thread the paper may be left out.
 */
export const summaryCommand = defineCommand({
  name: 'summary',
  summary: "A paper's TL;DR from its full text: what it does, its main result and limitation",
  usage,
  examples: ['summary 2501.12948', 'summary monge gap'],
  arguments: [{ name: 'paper', description: 'arXiv id, URL or title words (optional inside a paper\'s thread)', kind: 'paper' }],
  options: [],
  permission: 'anyone',
  parse: ({ text }) => validate(schema, { paper: text }, usage),
  run: async ({ paper: reference }, ctx) => {
    const discussion = ctx.thread ? await ctx.stores.discussions.byThread(encodeRef(ctx.thread)) : undefined;
    if (reference === '' && !discussion) {
      throw new UserError('invalid-argument', 'Name the paper to summarize, e.g. /papers summary 2501.12948 (or ask for a summary inside its thread).', [`Usage: /papers ${usage}`]);
    }
    const paper = reference === '' ? await ctx.papers.get(discussion!.paperId) : await resolvePaper(ctx.papers, reference, 'summary');
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
