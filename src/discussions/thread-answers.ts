/*
 * Answers in a thread, posted once: each is a delivery keyed by the message it answers (a redelivered event is
 * not answered twice, a 429 waits, a crash is resumed), after a "thinking" message, then edited into the answer,
 * when the answer takes a while.
 */
import type { OutgoingMessage } from '../chat/message.ts';
import type { ChatPlatform } from '../chat/platform.port.ts';
import { encodeRef, type ThreadMessage } from '../chat/refs.ts';
import { replyWhenReady } from '../chat/thinking-reply.ts';
import type { DeliveryService } from '../delivery/delivery-service.ts';
import type { Logger } from '../logger.ts';

/** What answering in threads needs. */
export interface ThreadAnswerDeps {
  delivery: Pick<DeliveryService, 'ensure'>;
  /** The platform, to edit the thinking message into the answer where it can edit. */
  platformFor: (platform: string) => ChatPlatform | undefined;
  log: Logger;
  /** Posted when the answer takes longer than `thinkingAfterMs`. */
  thinking: OutgoingMessage;
  thinkingAfterMs?: number;
}

/** Posts the answer to `message` (a message with its platform id) in its thread, once; nothing when there is none. */
export function createThreadAnswers(deps: ThreadAnswerDeps): (message: ThreadMessage & { messageId: string }, answer: Promise<OutgoingMessage | undefined>) => Promise<void> {
  return async (message, answer) => {
    const key = `reply:${encodeRef(message.thread)}:${message.messageId}`;
    const channel = encodeRef({ platform: message.thread.platform, channelId: message.thread.channelId });
    const platform = deps.platformFor(message.thread.platform);
    // A platform that can edit has update (the port's optional member is the capability).
    const edit = platform?.update ? platform.update.bind(platform) : undefined;
    await replyWhenReady({
      async post(reply, part) {
        const made = await deps.delivery.ensure({ key: part === 'answer' ? key : `${key}:${part}`, channel, thread: message.thread, kind: 'reply', paperIds: [], message: reply });
        if (made.status === 'sent') return made.posted;
        deps.log.warn({ thread: encodeRef(message.thread), part, outcome: made.status }, 'could not answer in a thread');
        return undefined;
      },
      ...(edit ? { edit } : {}),
    }, answer, { thinking: deps.thinking, ...(deps.thinkingAfterMs !== undefined ? { thinkingAfterMs: deps.thinkingAfterMs } : {}) });
  };
}
