/*
 * Discussion threads to neutral messages: the seed that opens a paper's thread, the bot's answers in it,
 * and the list of a channel's threads.
 */
import type { Block, Inline, OutgoingMessage } from '../../src/chat/message.ts';
import { truncate } from '../../src/chat/message.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import type { Discussion } from '../../src/store/discussion-store.port.ts';
import { elapsed } from './elapsed.ts';
import { linkSpans, paperUrl, type PaperView } from './paper.ts';

/** The abstract is cut to fit one text block on every platform. */
export const SEED_ABSTRACT_CHARS = 2800;

function titleLink(paper: Paper): Inline {
  const url = paperUrl(paper);
  return url ? { text: paper.titleDisplay, url } : paper.titleDisplay;
}

/** The first message of a paper's thread: TL;DR, abstract, key terms, three related papers, links. */
export function discussionSeed(view: PaperView, related: readonly Paper[]): OutgoingMessage {
  const { paper } = view;
  const blocks: Block[] = [];
  if (view.tldr) blocks.push({ kind: 'text', text: [{ text: 'TL;DR ', style: 'bold' }, view.tldr] });
  blocks.push({ kind: 'text', text: [{ text: 'Abstract ', style: 'bold' }, truncate(paper.abstractDisplay, SEED_ABSTRACT_CHARS)] });
  if (view.keyTerms.length > 0) blocks.push({ kind: 'fields', fields: [{ label: 'Key terms', value: [view.keyTerms.join(', ')] }] });
  if (related.length > 0) {
    blocks.push({ kind: 'text', text: [{ text: 'Related in the corpus', style: 'bold' }] });
    blocks.push({ kind: 'list', items: related.map((p) => [titleLink(p)]) });
  }
  const paperLinks = linkSpans(paper);
  if (paperLinks.length > 0) blocks.push({ kind: 'fields', fields: [{ label: 'Links', value: paperLinks }] });
  blocks.push({ kind: 'context', text: ['Ask me about this paper here: mention @paperboy with a question.'] });
  const fallback = [`Discussion of ${paper.titleDisplay}`, view.tldr ? `TL;DR ${view.tldr}` : '', `Abstract: ${truncate(paper.abstractDisplay, 600)}`]
    .filter(Boolean)
    .join('\n');
  return { fallbackText: fallback, blocks, visibility: 'channel' };
}

/** A reply of the bot in a thread: one short paragraph. */
export function threadNote(text: string): OutgoingMessage {
  return { fallbackText: text, blocks: [{ kind: 'text', text: [text] }], visibility: 'channel' };
}

/** The bot's answer from the paper: the sentences it quotes, said plainly when the abstract does not cover it. */
export function answerMessage(paper: Paper, covered: boolean, quotes: readonly { text: string; source: 'abstract' | 'summary' }[]): OutgoingMessage {
  const lead = covered
    ? `From the ${quotes.some((q) => q.source === 'abstract') ? 'abstract' : 'summary'} of "${paper.titleDisplay}":`
    : `The abstract of "${paper.titleDisplay}" does not say. The closest it comes:`;
  const blocks: Block[] = [{ kind: 'text', text: [lead] }];
  for (const quote of quotes) blocks.push({ kind: 'text', text: [{ text: `“${quote.text}”`, style: 'italic' }] });
  if (!covered) blocks.push({ kind: 'context', text: ['The full paper may say more: see the PDF link in the first message of this thread.'] });
  return { fallbackText: [lead, ...quotes.map((q) => `“${q.text}”`)].join('\n'), blocks, visibility: 'channel' };
}

function ago(from: string, now: Date): string {
  const ms = now.getTime() - Date.parse(from);
  return ms < 60_000 ? 'just now' : `${elapsed(ms)} ago`;
}

/** A channel's discussion threads, newest activity first, with reply counts. */
export function discussionList(entries: readonly { discussion: Discussion; paper?: Paper }[], now: Date): OutgoingMessage {
  const lines = entries.map(({ discussion, paper }) => {
    const replies = `${discussion.replyCount} ${discussion.replyCount === 1 ? 'reply' : 'replies'}`;
    return { paper, text: `${paper?.titleDisplay ?? `${discussion.paperId} (no longer in the corpus)`} · ${replies} · last activity ${ago(discussion.lastActivityAt, now)}` };
  });
  return {
    fallbackText: ['Paper threads in this channel:', ...lines.map((l) => `- ${l.text}`)].join('\n'),
    blocks: [
      { kind: 'text', text: [{ text: 'Paper threads in this channel', style: 'bold' }] },
      { kind: 'list', items: lines.map((l) => [l.text]) },
    ],
    visibility: 'channel',
  };
}
