import { encodeRef } from '../src/chat/refs.ts';
import { summarizePaper, summaryTldr } from '../src/discussions/ask-paper.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { fullCard, paperFallback } from './presenters/paper.ts';
import { paperArgument, resolvePaper } from './framework/validators.ts';

/** `show`: one paper's full card. */
export const showCommand = defineCommand({
  name: 'show',
  summary: 'Show one paper in full: authors, signals, TL;DR, key terms, links',
  examples: ['show 2501.12948', 'show https://huggingface.co/papers/2501.12948', 'show monge gap'],
  arguments: { paper: paperArgument('the paper: arXiv id, arXiv or Hugging Face URL, or title words') },
  options: {},
  permission: 'anyone',
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'show');
    let view = paperView(paper, ctx);
    // A full text already read (a thread, a question, a summary) gives the TL;DR; a card never waits for arXiv.
    const cached = paper.aiSummary ? undefined : await ctx.fullText.cached(paper);
    if (cached?.status === 'found') {
      const summary = await summarizePaper({ paper, text: cached.text, termWeight: (term) => ctx.papers.idfOf(term), channel: encodeRef(ctx.channel) });
      const tldr = summaryTldr(summary);
      if (tldr) view = { ...view, tldr };
    }
    return { fallbackText: paperFallback(paper), blocks: fullCard(view), visibility: 'channel' };
  },
});
