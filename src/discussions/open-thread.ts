/*
 * Opening a paper's discussion thread exactly once per (channel, paper), whatever fails on the way: the claim in
 * the database comes first, then the card, the thread and its first posts, each a delivery under a key of the
 * claim, so a second attempt (a retry, the person's second `discuss`, another process after a crash) continues
 * where the first stopped and never posts a second card.
 */
import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../chat/message.ts';
import type { ChatPlatform } from '../chat/platform.port.ts';
import { decodeRef, encodeRef, type ActorRef, type ChannelRef, type ThreadRef } from '../chat/refs.ts';
import type { DeliveryRequest, EnsuredPost } from '../delivery/delivery-service.ts';
import type { DiscussionStore } from '../store/discussion-store.port.ts';

/** What opening a paper's thread needs. */
export interface OpenThreadRequest {
  /** Opens the thread on the posted card. */
  platform: Pick<ChatPlatform, 'startThread'>;
  /** Makes a post exist once (the delivery service's `ensure`). */
  ensure: (request: DeliveryRequest) => Promise<EnsuredPost>;
  store: DiscussionStore;
  channel: ChannelRef;
  opener: ActorRef;
  paperId: string;
  title: string;
  card: OutgoingMessage;
  seed: readonly OutgoingMessage[];
  at: Date;
}

/** How opening went. */
export type OpenThreadResult =
  /** The thread is open: opened (or finished opening) by this call (`created`), or earlier. */
  | { thread: ThreadRef; created: boolean }
  /** Another request is opening it right now. */
  | { pending: true }
  /** The bot may not post (or open threads) in this channel. */
  | { refused: string }
  /** No adapter of the channel's platform runs in this process. */
  | { unavailable: true };

/** A discussion being opened has this thread until its first posts are made: `pending:<claim id>`. */
const PENDING_THREAD = 'pending:';

/** Whether a discussion's thread is still being opened. */
export function isPendingThread(thread: string): boolean {
  return thread.startsWith(PENDING_THREAD);
}

/**
 * A claim another process made is continued only once it is this old: before, that process may still be
 * opening the thread (a post takes seconds, even through a 429).
 */
export const STALE_CLAIM_MS = 2 * 60_000;

/**
 * Claims the (channel, paper) discussion first, so two people pressing Discuss at once cannot open two threads;
 * then makes the card, opens a thread from it and makes the seed there, and only then records the real thread.
 * A discussion still pending is continued with the keys of its claim: posts already made are found, not made
 * again. Only a refusal before anything was posted gives the claim up.
 */
export class DiscussionOpener {
  /** Discussions this process is opening right now, by channel and paper. */
  private readonly opening = new Set<string>();
  /** Claims this process has worked on: it may continue them at once, knowing nobody else is. */
  private readonly claimedHere = new Set<string>();

  async open(request: OpenThreadRequest): Promise<OpenThreadResult> {
    const { channel, store } = request;
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
    if (!isPendingThread(discussion.thread)) return { thread: decodeRef(discussion.thread) as ThreadRef, created: false };
    const claim = discussion.thread.slice(PENDING_THREAD.length);
    const id = `${channelKey}|${request.paperId}`;
    const age = request.at.getTime() - Date.parse(discussion.createdAt);
    if (this.opening.has(id) || (!created && !this.claimedHere.has(claim) && age < STALE_CLAIM_MS)) return { pending: true };
    this.opening.add(id);
    this.claimedHere.add(claim);
    try {
      const result = await continueOpening(request, channelKey, claim);
      if ('thread' in result) this.claimedHere.delete(claim);
      return result;
    } finally {
      this.opening.delete(id);
    }
  }
}

async function continueOpening(request: OpenThreadRequest, channelKey: string, claim: string): Promise<OpenThreadResult> {
  const { store, paperId } = request;
  const key = `discussion:${channelKey}:${paperId}:${claim}`;
  const card = await request.ensure({ key: `${key}:card`, channel: channelKey, kind: 'discussion', paperIds: [], message: request.card });
  if (card.status !== 'sent') {
    if (card.status === 'channel-gone') {
      // Nothing was posted: let a later attempt start afresh.
      await store.remove(channelKey, paperId);
      return { refused: card.reason };
    }
    return card.status === 'in-progress' ? { pending: true } : { unavailable: true };
  }
  const thread = await request.platform.startThread(card.posted, request.title);
  for (const [index, message] of request.seed.entries()) {
    const seed = await request.ensure({ key: `${key}:seed:${index}`, channel: channelKey, thread, kind: 'discussion', paperIds: [], message });
    if (seed.status === 'channel-gone') return { refused: seed.reason };
    if (seed.status === 'in-progress') return { pending: true };
    if (seed.status === 'no-platform') return { unavailable: true };
  }
  await store.setThread(channelKey, paperId, encodeRef(thread));
  return { thread, created: true };
}
