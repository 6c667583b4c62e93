import type { Button } from '../../src/chat/message.ts';
import { representativeSentence } from '../../src/corpus/sentences.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import { explainTrending, trendingInputs, type TrendingInputs } from '../../src/ranking/trending.ts';
import type { CommandContext } from '../framework/command-spec.ts';

/** What building a card needs: the corpus and index, the time, and the button codec. */
export type CardContext = Pick<CommandContext, 'search' | 'clock' | 'actions'>;
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
 * A paper's TL;DR and key terms depend only on the paper (a changed paper is a new object), so they are
 * worked out once per paper object and reused by every card that shows it.
 */
const textFacts = new WeakMap<Paper, { tldr: string | undefined; keyTerms: string[] }>();

function factsOf(paper: Paper, ctx: CardContext): { tldr: string | undefined; keyTerms: string[] } {
  let facts = textFacts.get(paper);
  if (!facts) {
    facts = { tldr: paper.aiSummary ?? representativeSentence(paper.abstractDisplay), keyTerms: ctx.search.keyTerms(paper) };
    textFacts.set(paper, facts);
  }
  return facts;
}

/** Everything a card needs about a paper: TL;DR, key terms, why it ranks, buttons. */
export function paperView(paper: Paper, ctx: CardContext, trending?: TrendingInputs): PaperView {
  const { tldr, keyTerms } = factsOf(paper, ctx);
  const inputs = trending ?? trendingInputs(paper, ctx.clock.now(), ctx.search.corpus.upvotesGained.bind(ctx.search.corpus));
  return {
    paper,
    ...(tldr ? { tldr } : {}),
    keyTerms,
    signals: explainTrending(inputs),
    buttons: paperButtons(paper, ctx),
  };
}
