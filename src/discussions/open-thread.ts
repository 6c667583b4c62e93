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

/**
 * Posts the paper's card in the channel, opens a thread from it, posts the seed there and records the
 * discussion (one per channel and paper). If another request recorded one first, that one is returned.
 */
export async function openDiscussionThread(request: OpenThreadRequest): Promise<{ thread: ThreadRef; created: boolean }> {
  const { platform, channel } = request;
  const posted = await platform.post(channel, request.card);
  const thread = await platform.startThread(posted, request.title);
  for (const message of request.seed) await platform.reply(thread, message);
  const { discussion, created } = await request.store.open({
    channel: encodeRef(channel),
    paperId: request.paperId,
    thread: encodeRef(thread),
    openedBy: `${request.opener.platform}:${request.opener.userId}`,
    createdAt: request.at.toISOString(),
    replyCount: 0,
    lastActivityAt: request.at.toISOString(),
  });
  return { thread: created ? thread : (decodeRef(discussion.thread) as ThreadRef), created };
}
