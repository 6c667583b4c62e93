import type { Clock } from '../../src/clock.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import { NAME_MENTIONS } from '../../src/chat/mentions.ts';
import type { Capabilities, ChatPlatform, PostOptions } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';

/** One message the fake platform accepted. */
export interface FakePost {
  channelId: string;
  threadId?: string;
  message: OutgoingMessage;
  at: Date;
  /** The message's id (as `PostedRef.messageId`). */
  id: string;
  /** How many times `update` replaced it. */
  edits: number;
  /** The idempotency key the post was made with (the delivery key), if any. */
  key?: string;
}

/**
 * A ChatPlatform that records what it is sent, as neutral messages, with the clock time. `failNext`
 * scripts errors (a 429 storm, a 5xx, a vanished channel) thrown by the next calls for a channel. A post made
 * with `mayExistSince` is looked up first among the posts of its key, like the real platforms do.
 */
export class FakePlatform implements ChatPlatform {
  readonly capabilities: Capabilities = { threads: true, mentions: NAME_MENTIONS };
  readonly posts: FakePost[] = [];
  /** Threads opened, by the message they hang from. */
  readonly threads: { from: string; title: string }[] = [];
  private readonly failures = new Map<string, Error[]>();
  private counter = 0;

  constructor(
    private readonly clock: Clock,
    readonly name = 'test',
  ) {}

  /** The next `errors.length` calls for this channel throw these, in order. */
  failNext(channelId: string, ...errors: Error[]): void {
    this.failures.set(channelId, [...(this.failures.get(channelId) ?? []), ...errors]);
  }

  /** The posts a channel received, in order. */
  postsTo(channelId: string): FakePost[] {
    return this.posts.filter((post) => post.channelId === channelId);
  }

  async post(channel: ChannelRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
    return this.make(channel, undefined, message, options);
  }

  async reply(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
    return this.make(thread, thread.threadId, message, options);
  }

  /** Records a post as if an earlier process had made it just before dying (for crash tests). */
  seed(post: Omit<FakePost, 'id' | 'edits'>): FakePost {
    const made = { ...post, id: String(++this.counter), edits: 0 };
    this.posts.push(made);
    return made;
  }

  private make(channel: ChannelRef, threadId: string | undefined, message: OutgoingMessage, options: PostOptions = {}): PostedRef {
    const ref = { platform: channel.platform, channelId: channel.channelId };
    if (options.mayExistSince && options.idempotencyKey !== undefined) {
      const since = options.mayExistSince.getTime();
      const earlier = this.posts.find((p) => p.key === options.idempotencyKey && p.at.getTime() >= since);
      if (earlier) return { ...ref, messageId: earlier.id };
    }
    this.throwScripted(channel.channelId);
    const post: FakePost = { channelId: channel.channelId, message, at: this.clock.now(), id: String(++this.counter), edits: 0 };
    if (threadId !== undefined) post.threadId = threadId;
    if (options.idempotencyKey !== undefined) post.key = options.idempotencyKey;
    this.posts.push(post);
    return { ...ref, messageId: post.id };
  }

  /** Replaces a posted message (scripted failures apply as for posts). */
  async update(posted: PostedRef, message: OutgoingMessage): Promise<void> {
    this.throwScripted(posted.channelId);
    const post = this.posts.find((p) => p.id === posted.messageId);
    if (!post) throw new Error(`no message ${posted.messageId}`);
    post.message = message;
    post.edits++;
  }

  async startThread(posted: PostedRef, title: string): Promise<ThreadRef> {
    this.threads.push({ from: posted.messageId, title });
    return { platform: posted.platform, channelId: posted.channelId, threadId: `t${posted.messageId}` };
  }

  private throwScripted(channelId: string): void {
    const queue = this.failures.get(channelId);
    const error = queue?.shift();
    if (error) throw error;
  }
}
