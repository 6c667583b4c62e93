import type { Button } from '../../src/chat/message.ts';
import { representativeSentence } from '../../src/corpus/sentences.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import { explainTrending, type TrendingInputs } from '../../src/ranking/trending.ts';
import type { CommandContext } from '../framework/command-spec.ts';

/** What building a card needs: the corpus and index, the time, and the button codec. */
export type CardContext = Pick<CommandContext, 'papers' | 'clock' | 'actions'>;
import type { PaperView } from './paper.ts';

/** The buttons every paper card carries: Discuss, Related, Save, Cite. */
export function paperButtons(paper: Paper, ctx: CardContext): Button[] {
  return [
    { actionId: ctx.actions.encode({ command: 'discuss', args: paper.id }), label: 'Discuss' },
    { actionId: ctx.actions.encode({ command: 'related', args: paper.id }), label: 'Related' },
    { actionId: ctx.actions.encode({ command: 'save', args: paper.id }), label: 'Save' },
    { actionId: ctx.actions.encode({ command: 'cite', args: paper.id }), label: 'Cite' },
  ];
}

/**
 * A paper's TL;DR depends only on its text, so it is worked out once per paper object (the library keeps
 * recently shown papers) and reused by every card that shows it. Key terms depend on the corpus's word
 * statistics too: the library caches them until its index changes.
 */
const tldrs = new WeakMap<Paper, string | undefined>();

function tldrOf(paper: Paper): string | undefined {
  if (!tldrs.has(paper)) tldrs.set(paper, paper.aiSummary ?? representativeSentence(paper.abstractDisplay));
  return tldrs.get(paper);
}

/** Everything a card needs about a paper: TL;DR, key terms, why it ranks, buttons. */
export function paperView(paper: Paper, ctx: CardContext, trending?: TrendingInputs): PaperView {
  const tldr = tldrOf(paper);
  const keyTerms = ctx.papers.keyTerms(paper);
  const inputs = trending ?? ctx.papers.trendingInputs(paper);
  return {
    paper,
    ...(tldr ? { tldr } : {}),
    keyTerms,
    signals: explainTrending(inputs),
    buttons: paperButtons(paper, ctx),
  };
}
