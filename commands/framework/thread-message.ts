/*
 * A message posted in a thread, as an adapter reports it: counted as a reply of the paper's discussion,
 * and, when it asks the bot something (a mention, or a line starting with `ask`), answered from the paper:
 * its abstract and, when arXiv has it, its full text.
 */
import { textMessage, type OutgoingMessage } from '../../src/chat/message.ts';
import { encodeRef, type ThreadMessage } from '../../src/chat/refs.ts';
import { classifyQuestion } from '../../src/discussions/answer.ts';
import { askPaper, summarizePaper } from '../../src/discussions/ask-paper.ts';
import type { CommandServices } from './command-spec.ts';
import { cleanInput, MAX_INPUT_CHARS } from './dispatcher-input.ts';
import { paperView } from '../presenters/paper-view.ts';
import { answerMessage, summaryMessage } from '../presenters/discussion.ts';
import { paperListMessage } from '../presenters/list.ts';

/** Related papers offered when a thread asks for them. */
export const THREAD_RELATED_COUNT = 3;

/** The bot's name as people mention it in a thread. */
const BOT_MENTION = /^\s*@?paperboy\b[:,]?\s*/i;
/** `ask what dataset?` (or `/papers ask …`) typed in a paper's thread asks the bot, like a mention. */
const ASK_PREFIX = /^\s*\/?(?:papers\s+)?ask\b[:,]?\s*/i;

/** Records the message and returns the bot's answer, or nothing when nobody asked the bot. */
export async function handleThreadMessage(message: ThreadMessage, ctx: CommandServices): Promise<OutgoingMessage | undefined> {
  const thread = encodeRef(message.thread);
  const discussion = await ctx.stores.discussions.byThread(thread);
  if (discussion) await ctx.stores.discussions.recordReply(thread, message.at);
  const asksByWord = discussion !== undefined && ASK_PREFIX.test(message.text) && /\S/.test(message.text.replace(ASK_PREFIX, ''));
  if (!message.addressedToBot && !asksByWord) return undefined;
  if (!discussion) return textMessage('I answer questions about a paper inside its thread. Open one with /papers discuss <paper>, then ask me there.');
  if (message.text.length > MAX_INPUT_CHARS) return textMessage(`That question is too long (${message.text.length.toLocaleString('en')} characters); ask in under ${MAX_INPUT_CHARS.toLocaleString('en')}.`);
  const question = cleanInput(message.text).replace(BOT_MENTION, '').replace(ASK_PREFIX, '');
  const paper = await ctx.papers.get(discussion.paperId);
  if (!paper) return textMessage(`The paper of this thread (${discussion.paperId}) is no longer in the corpus, so I cannot answer from it.`);
  const kind = classifyQuestion(question);
  if (kind === 'empty') return textMessage('Ask me a question in words, e.g. @paperboy what dataset do they use?');
  if (kind === 'related') {
    const related = await ctx.papers.related(paper, THREAD_RELATED_COUNT);
    if (related.length === 0) return textMessage(`No paper in the corpus is close enough to "${paper.titleDisplay}" yet.`);
    return paperListMessage({ title: `Papers like "${paper.titleDisplay}"`, views: related.map((p) => paperView(p, ctx)) });
  }
  const fullText = await ctx.fullText.forPaper(paper);
  const request = {
    paper,
    ...(fullText.status === 'found' ? { text: fullText.text } : {}),
    termWeight: (term: string) => ctx.papers.idfOf(term),
    ...(ctx.writer ? { writer: ctx.writer } : {}),
    channel: encodeRef({ platform: message.thread.platform, channelId: message.thread.channelId }),
  };
  if (kind === 'summary') return summaryMessage(paper, await summarizePaper(request), fullText.status);
  return answerMessage(paper, await askPaper({ ...request, question }), fullText.status);
}
