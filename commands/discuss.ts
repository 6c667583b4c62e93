import { decodeRef, encodeRef, type ThreadRef } from '../src/chat/refs.ts';
import { summarizePaper, summaryTldr } from '../src/discussions/ask-paper.ts';
import { isPendingThread } from '../src/discussions/open-thread.ts';
import { outline } from '../src/fulltext/paper-text.ts';
import { withinDeadline } from '../src/util/deadline.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperView } from './presenters/paper-view.ts';
import { discussionSeed } from './presenters/discussion.ts';
import { textMessage } from '../src/chat/message.ts';
import { fullCard, paperFallback } from './presenters/paper.ts';
import { paperArgument, resolvePaper } from './framework/validators.ts';

/** Related papers in a thread's first message. */
export const SEED_RELATED_COUNT = 3;
/**
 * How long opening a thread waits for the paper's full text (fetched at arXiv's pace) to put its outline in
 * the first message; past it the thread opens anyway and the text keeps loading for the questions.
 */
export const SEED_FULL_TEXT_WAIT_MS = 6000;

/** `discuss`: opens the paper's thread in this channel, or points to the one already open. */
export const discussCommand = defineCommand({
  name: 'discuss',
  summary: 'Open a thread to discuss a paper here (or find the one already open)',
  examples: ['discuss 2501.12948', 'discuss monge gap'],
  arguments: { paper: paperArgument('the paper to discuss: arXiv id, URL or title words') },
  options: {},
  permission: 'anyone',
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'discuss');
    const existing = await ctx.stores.discussions.get(encodeRef(ctx.channel), paper.id);
    // A thread still being opened is asked for again: the opener continues it if the first attempt stopped.
    if (existing && !isPendingThread(existing.thread)) {
      const count = `${existing.replyCount} ${existing.replyCount === 1 ? 'reply' : 'replies'}`;
      return {
        reply: { ...textMessage(`"${paper.titleDisplay}" already has a thread here, opened ${existing.createdAt.slice(0, 10)} (${count}). Continue there.`), visibility: 'user' as const },
        thread: { ref: decodeRef(existing.thread) as ThreadRef, title: paper.titleDisplay },
      };
    }
    const fullText = (await withinDeadline(ctx.fullText.forPaper(paper), SEED_FULL_TEXT_WAIT_MS)) ?? { status: 'pending' as const };
    let view = paperView(paper, ctx);
    if (fullText.status === 'found' && !paper.aiSummary) {
      const summary = await summarizePaper({ paper, text: fullText.text, termWeight: (term) => ctx.papers.idfOf(term), channel: encodeRef(ctx.channel) });
      const tldr = summaryTldr(summary);
      if (tldr) view = { ...view, tldr };
    }
    const seedOutline = fullText.status === 'found' ? outline(fullText.text) : [];
    return {
      reply: { fallbackText: `Discussion: ${paperFallback(paper)}`, blocks: fullCard(view), visibility: 'channel' as const },
      discussion: {
        paperId: paper.id,
        title: paper.titleDisplay,
        seed: [discussionSeed(view, await ctx.papers.related(paper, SEED_RELATED_COUNT), { state: fullText.status, outline: seedOutline })],
      },
    };
  },
});
