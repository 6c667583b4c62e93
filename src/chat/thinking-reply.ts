/*
 * Answering in a thread without leaving people staring at nothing: an answer ready within about two seconds
 * is posted as is; a slower one (the paper's full text being fetched, a language model writing) is preceded
 * by a "thinking" message that the answer then replaces.
 */
import { withinDeadline } from '../util/deadline.ts';
import type { OutgoingMessage } from './message.ts';
import type { PostedRef } from './refs.ts';

/** How an answer reaches its thread (the bot: through the delivery records, once per part). */
export interface ThreadPoster {
  /** Posts a message in the thread: the `thinking` message, or the `answer`. Undefined when nothing was posted. */
  post(message: OutgoingMessage, part: 'thinking' | 'answer'): Promise<PostedRef | undefined>;
  /** Replaces a posted message, where the platform can edit; throws when it cannot. */
  edit?(posted: PostedRef, message: OutgoingMessage): Promise<void>;
}

/** How long an answer may take before a "thinking" message is posted. */
export const THINKING_AFTER_MS = 2000;

/**
 * Posts `answer` when it is ready. If it is not ready within `thinkingAfterMs` (real time, as the people
 * waiting), posts `thinking` first and replaces it with the answer (`edit`); where the platform cannot edit, or
 * the edit fails, the answer is posted after it. Resolves with the answer's message (the edited one when it
 * replaced the thinking message); nothing is posted when there is no answer.
 */
export async function replyWhenReady(
  poster: ThreadPoster,
  answer: Promise<OutgoingMessage | undefined>,
  options: { thinking: OutgoingMessage; thinkingAfterMs?: number },
): Promise<PostedRef | undefined> {
  const quick = await withinDeadline(answer.then((message) => ({ message })), options.thinkingAfterMs ?? THINKING_AFTER_MS);
  if (quick) return quick.message ? poster.post(quick.message, 'answer') : undefined;
  const placeholder = await poster.post(options.thinking, 'thinking');
  const message = await answer;
  if (!message) return placeholder;
  if (placeholder && poster.edit) {
    try {
      await poster.edit(placeholder, message);
      return placeholder;
    } catch {
      // The thinking message is gone or cannot be edited: the answer still gets through as a new message.
    }
  }
  return poster.post(message, 'answer');
}
