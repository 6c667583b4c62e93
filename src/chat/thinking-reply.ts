/*
 * Answering in a thread without leaving people staring at nothing: an answer ready within about two seconds
 * is posted as is; a slower one (the paper's full text being fetched, a language model writing) is preceded
 * by a "thinking" message that the answer then replaces.
 */
import { withinDeadline } from '../util/deadline.ts';
import type { OutgoingMessage } from './message.ts';
import type { ChatPlatform } from './platform.port.ts';
import type { PostedRef, ThreadRef } from './refs.ts';

/** How long an answer may take before a "thinking" message is posted. */
export const THINKING_AFTER_MS = 2000;

/**
 * Posts `answer` in `thread` when it is ready. If it is not ready within `thinkingAfterMs` (real time, as the
 * people waiting), posts `thinking` first and replaces it with the answer (`update`); where the platform
 * cannot edit, or the edit fails, the answer is posted after it. Resolves with the answer's message (the
 * updated one when it replaced the thinking message); nothing is posted when there is no answer.
 */
export async function replyWhenReady(
  platform: ChatPlatform,
  thread: ThreadRef,
  answer: Promise<OutgoingMessage | undefined>,
  options: { thinking: OutgoingMessage; thinkingAfterMs?: number },
): Promise<PostedRef | undefined> {
  const quick = await withinDeadline(answer.then((message) => ({ message })), options.thinkingAfterMs ?? THINKING_AFTER_MS);
  if (quick) return quick.message ? platform.reply(thread, quick.message) : undefined;
  const placeholder = await platform.reply(thread, options.thinking);
  const message = await answer;
  if (!message) return placeholder;
  if (platform.update && platform.capabilities.editing) {
    try {
      await platform.update(placeholder, message);
      return placeholder;
    } catch {
      // The thinking message is gone or cannot be edited: the answer still gets through as a new message.
    }
  }
  return platform.reply(thread, message);
}
