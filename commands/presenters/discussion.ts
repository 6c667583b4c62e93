/*
 * Discussion threads to neutral messages: the seed that opens a paper's thread, the bot's answers in it,
 * and the list of a channel's threads.
 */
import { textMessage, type Block, type Inline, type OutgoingMessage } from '../../src/chat/message.ts';
import { truncate } from '../../src/chat/text.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import type { Discussion } from '../../src/store/discussion-store.port.ts';
import type { PaperAnswer, Quote } from '../../src/discussions/answer.ts';
import type { AskedPaper, PaperSummary } from '../../src/discussions/ask-paper.ts';
import type { FullTextOutcome } from '../../src/fulltext/full-text-library.ts';
import type { WriterOutcome } from '../../src/llm/paper-writer.ts';
import { elapsed } from './elapsed.ts';
import { linkSpans, paperUrl, type PaperView } from './paper.ts';

/** The abstract is cut to fit one text block on every platform. */
export const SEED_ABSTRACT_CHARS = 2800;

function titleLink(paper: Paper): Inline {
  const url = paperUrl(paper);
  return url ? { text: paper.titleDisplay, url } : paper.titleDisplay;
}

/** Where a paper's full text stands, as a thread tells it. */
export type FullTextState = FullTextOutcome['status'] | 'pending';

/** Top-level sections shown in a thread's first message. */
export const SEED_OUTLINE_SECTIONS = 12;

/** One line on what the bot reads of the paper. */
function readingNote(paper: Paper, state: FullTextState, sections: number): string {
  switch (state) {
    case 'found':
      return `I read the full text from arXiv (${sections} sections): ask me anything it covers.`;
    case 'pending':
      return "I am reading the full text from arXiv; until it is in, I answer from the abstract.";
    case 'missing':
      return 'arXiv has no HTML version of this paper, so I answer from its abstract.';
    case 'unusable':
      return "arXiv's HTML version of this paper could not be read, so I answer from its abstract.";
    case 'failed':
      return 'The full text could not be fetched from arXiv just now, so I answer from the abstract for now.';
    case 'unavailable':
      return paper.arxivId ? 'I answer from its abstract.' : 'This paper has no arXiv id, so I answer from its abstract.';
  }
}

/**
 * The first message of a paper's thread: TL;DR, abstract, the full text's outline (when read), key terms,
 * three related papers, links, and what the bot reads.
 */
export function discussionSeed(view: PaperView, related: readonly Paper[], fullText: { state: FullTextState; outline: readonly string[] }): OutgoingMessage {
  const { paper } = view;
  const blocks: Block[] = [];
  if (view.tldr) blocks.push({ kind: 'text', text: [{ text: 'TL;DR ', style: 'bold' }, view.tldr] });
  blocks.push({ kind: 'text', text: [{ text: 'Abstract ', style: 'bold' }, truncate(paper.abstractDisplay, SEED_ABSTRACT_CHARS)] });
  const outline = fullText.outline.slice(0, SEED_OUTLINE_SECTIONS);
  if (outline.length > 0) {
    const more = fullText.outline.length - outline.length;
    blocks.push({ kind: 'fields', fields: [{ label: 'Sections', value: [outline.join(' · ') + (more > 0 ? ` · and ${more} more` : '')] }] });
  }
  if (view.keyTerms.length > 0) blocks.push({ kind: 'fields', fields: [{ label: 'Key terms', value: [view.keyTerms.join(', ')] }] });
  if (related.length > 0) {
    blocks.push({ kind: 'text', text: [{ text: 'Related in the corpus', style: 'bold' }] });
    blocks.push({ kind: 'list', items: related.map((p) => [titleLink(p)]) });
  }
  const paperLinks = linkSpans(paper);
  if (paperLinks.length > 0) blocks.push({ kind: 'fields', fields: [{ label: 'Links', value: paperLinks }] });
  const reading = readingNote(paper, fullText.state, fullText.outline.length);
  blocks.push({ kind: 'context', text: [`Ask me about this paper here: mention @paperboy with a question, or ask for a summary. ${reading}`] });
  const fallback = [
    `Discussion of ${paper.titleDisplay}`,
    view.tldr ? `TL;DR ${view.tldr}` : '',
    `Abstract: ${truncate(paper.abstractDisplay, 600)}`,
    outline.length > 0 ? `Sections: ${outline.join(' · ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { fallbackText: fallback, blocks, visibility: 'channel' };
}

/** Posted at once when an answer takes a while; the answer then replaces it. */
export function thinkingMessage(): OutgoingMessage {
  return textMessage('Reading the paper… I will put the answer here in a moment.');
}

/** Where a quote is: `§4.2 Implementation details`, `Abstract`, `AI summary`. */
function quoteLabel(quote: Quote): string {
  if (quote.source === 'abstract') return 'Abstract';
  if (quote.source === 'summary') return 'AI summary';
  const section = quote.passage?.section;
  const kind = quote.passage?.kind === 'footnote' ? 'footnote' : quote.passage?.kind === 'caption' ? 'caption' : undefined;
  return [section ?? 'Full text', kind].filter(Boolean).join(', ');
}

/**
 * A quote as a block and a fallback line: `§4.2 Implementation details: “…”`; without its label when the
 * lead already says where every quote is from (`From the abstract of …`).
 */
function quoteBlock(quote: Quote, labelled: boolean): { block: Block; line: string } {
  const quoted = `“${quote.text}”`;
  if (!labelled) return { block: { kind: 'text', text: [{ text: quoted, style: 'italic' }] }, line: quoted };
  const label = quoteLabel(quote);
  return {
    block: { kind: 'text', text: [{ text: `${label}: `, style: 'bold' }, { text: quoted, style: 'italic' }] },
    line: `${label}: ${quoted}`,
  };
}

/** Why the model's words are missing from a reply. */
function modelNote(written: WriterOutcome | undefined): string | undefined {
  if (!written) return undefined;
  switch (written.status) {
    case 'written':
    case 'no-passages':
      return undefined;
    case 'timeout':
      return 'The language model did not answer in time, so these are the passages themselves.';
    case 'error':
      return 'The language model could not be reached, so these are the passages themselves.';
    case 'refused':
      return 'The language model declined to answer, so these are the passages themselves.';
    case 'capped':
      return `This channel has used today's language-model allowance (${written.limit.toLocaleString('en')} tokens), so these are the passages themselves.`;
  }
}

/** What was searched when the paper does not say: `Neither the abstract nor the full text of …`. */
function doesNotSay(paper: Paper, answer: PaperAnswer, state: FullTextState): string {
  const title = `"${paper.titleDisplay}"`;
  if (answer.searched === 'full-text') return `Neither the abstract nor the full text of ${title} says.`;
  switch (state) {
    case 'missing':
      return `The abstract of ${title} does not say, and arXiv has no HTML version of the paper to search further.`;
    case 'unusable':
      return `The abstract of ${title} does not say, and arXiv's HTML version of the paper could not be read.`;
    case 'failed':
      return `The abstract of ${title} does not say; the full text could not be fetched from arXiv just now, so I searched only the abstract.`;
    case 'pending':
      return `The abstract of ${title} does not say; I am still reading the full text from arXiv, so I searched only the abstract.`;
    default:
      return paper.arxivId
        ? `The abstract of ${title} does not say (I have only its abstract).`
        : `The abstract of ${title} does not say; this paper has no arXiv id, so its abstract is all I have.`;
  }
}

/**
 * The bot's answer: the model's answer when it wrote one, then the quoted passages with where they are;
 * said plainly when neither the abstract nor (when read) the full text covers the question.
 */
export function answerMessage(paper: Paper, asked: AskedPaper, state: FullTextState): OutgoingMessage {
  const { answer, written } = asked;
  const blocks: Block[] = [];
  const lines: string[] = [];
  if (written?.status === 'written') {
    const lead = `About "${paper.titleDisplay}" (written by ${written.model} from the passages below):`;
    blocks.push({ kind: 'text', text: [lead] }, { kind: 'text', text: [written.text] });
    lines.push(lead, written.text);
  } else {
    const fromBody = answer.quotes.some((q) => q.source === 'body');
    const fromAbstract = answer.quotes.some((q) => q.source === 'abstract');
    const lead = answer.covered
      ? `From the ${fromBody ? 'full text' : fromAbstract ? 'abstract' : 'summary'} of "${paper.titleDisplay}":`
      : `${doesNotSay(paper, answer, state)} The closest it comes:`;
    blocks.push({ kind: 'text', text: [lead] });
    lines.push(lead);
  }
  const labelled = written?.status === 'written' || new Set(answer.quotes.map((q) => q.source)).size > 1 || answer.quotes.some((q) => q.source === 'body');
  for (const quote of answer.quotes) {
    const { block, line } = quoteBlock(quote, labelled);
    blocks.push(block);
    lines.push(line);
  }
  const note = modelNote(written);
  if (note) blocks.push({ kind: 'context', text: [note] });
  if (!answer.covered && written?.status !== 'written' && paper.links.pdf) {
    blocks.push({ kind: 'context', text: ['The PDF may say more: ', { text: 'PDF', url: paper.links.pdf }] });
  }
  return { fallbackText: lines.join('\n'), blocks, visibility: 'channel' };
}

/** A paper's TL;DR: what it does, its main result and limitation (quoted, with where), and the model's summary when written. */
export function summaryMessage(paper: Paper, summary: PaperSummary, state: FullTextState): OutgoingMessage {
  const heading = `TL;DR of "${paper.titleDisplay}"`;
  const blocks: Block[] = [{ kind: 'heading', text: heading, ...(paperUrl(paper) ? { url: paperUrl(paper)! } : {}) }];
  const lines = [heading];
  if (summary.written?.status === 'written') {
    const by = `Written by ${summary.written.model} from the passages below:`;
    blocks.push({ kind: 'context', text: [by] }, { kind: 'text', text: [summary.written.text] });
    lines.push(by, summary.written.text);
  }
  for (const point of summary.points) {
    const label = `${point.label} (${quoteLabel(point.quote)}): `;
    blocks.push({ kind: 'text', text: [{ text: label, style: 'bold' }, point.quote.text] });
    lines.push(`${label}${point.quote.text}`);
  }
  const source =
    summary.searched === 'full-text'
      ? 'From the full text on arXiv.'
      : state === 'missing'
        ? 'From the abstract: arXiv has no HTML version of this paper.'
        : state === 'failed'
          ? 'From the abstract: the full text could not be fetched from arXiv just now.'
          : 'From the abstract.';
  const note = modelNote(summary.written);
  blocks.push({ kind: 'context', text: [[source, note].filter(Boolean).join(' ')] });
  return { fallbackText: lines.join('\n'), blocks, visibility: 'channel' };
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
