import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../chat/message.ts';
import type { ChatPlatform } from '../chat/platform.port.ts';
import { decodeRef, encodeRef, type ActorRef, type ChannelRef, type ThreadRef } from '../chat/refs.ts';
import type { DiscussionStore } from '../store/discussion-store.port.ts';

/** What opening a paper's thread needs. */
export interface OpenThreadRequest {
  platform: ChatPlatform;
  store: DiscussionStore;
  channel: ChannelRef;
  opener: ActorRef;
  paperId: string;
  title: string;
  card: OutgoingMessage;
  seed: readonly OutgoingMessage[];
  at: Date;
}

/** A discussion being opened has this thread until its card is posted. */
const PENDING_THREAD = 'pending:';

/** Whether a discussion's thread is still being opened (its card not yet posted). */
export function isPendingThread(thread: string): boolean {
  return thread.startsWith(PENDING_THREAD);
}

/**
 * Claims the (channel, paper) discussion first, so two people pressing Discuss at once cannot open two
 * threads; then posts the paper's card in the channel, opens a thread from it, posts the seed there, and
 * records the real thread. If another request holds the claim, its thread is returned (`created: false`),
 * or `pending` while it is still being opened. If posting fails, the claim is released and the error thrown.
 */
export async function openDiscussionThread(request: OpenThreadRequest): Promise<{ thread: ThreadRef; created: boolean } | { pending: true }> {
  const { platform, channel, store } = request;
  const channelKey = encodeRef(channel);
  const { discussion, created } = await store.open({
    channel: channelKey,
    paperId: request.paperId,
    thread: `${PENDING_THREAD}${randomUUID()}`,
    openedBy: `${request.opener.platform}:${request.opener.userId}`,
    createdAt: request.at.toISOString(),
    replyCount: 0,
    lastActivityAt: request.at.toISOString(),
  });
  if (!created) {
    return isPendingThread(discussion.thread) ? { pending: true } : { thread: decodeRef(discussion.thread) as ThreadRef, created: false };
  }
  try {
    const posted = await platform.post(channel, request.card);
    const thread = await platform.startThread(posted, request.title);
    for (const message of request.seed) await platform.reply(thread, message);
    await store.setThread(channelKey, request.paperId, encodeRef(thread));
    return { thread, created: true };
  } catch (error) {
    await store.remove(channelKey, request.paperId);
    throw error;
  }
}
