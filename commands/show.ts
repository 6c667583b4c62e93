import { z } from 'zod';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { fullCard, paperFallback } from './presenters/paper.ts';
import { paperReference, resolvePaper, validate } from './framework/validators.ts';

const usage = 'show <arXiv id | arXiv or Hugging Face URL | title words>';
const schema = z.object({ paper: paperReference('show') });

/** `show`: one paper's full card. */
export const showCommand = defineCommand({
  name: 'show',
  summary: 'Show one paper in full: authors, signals, TL;DR, key terms, links',
  usage,
  examples: ['show 2501.12948', 'show https://huggingface.co/papers/2501.12948', 'show monge gap'],
  arguments: [{ name: 'paper', description: 'arXiv id, arXiv or Hugging Face URL, or title words', kind: 'paper', required: true }],
  options: [],
  permission: 'anyone',
  parse: ({ text }) => validate(schema, { paper: text }, usage),
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'show');
    return { fallbackText: paperFallback(paper), blocks: fullCard(paperView(paper, ctx)), visibility: 'channel' };
  },
});
