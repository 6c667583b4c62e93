import type { Clock } from '../../src/clock.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { Capabilities, ChatPlatform } from '../../src/chat/platform.port.ts';
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
}

/**
 * A ChatPlatform that records what it is sent, as neutral messages, with the clock time. `failNext`
 * scripts errors (a 429 storm, a 5xx, a vanished channel) thrown by the next calls for a channel.
 */
export class FakePlatform implements ChatPlatform {
  readonly capabilities: Capabilities = { threads: true, ephemeral: true, buttons: true, editing: true };
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

  async post(channel: ChannelRef, message: OutgoingMessage): Promise<PostedRef> {
    this.throwScripted(channel.channelId);
    const id = String(++this.counter);
    this.posts.push({ channelId: channel.channelId, message, at: this.clock.now(), id, edits: 0 });
    return { ...channel, messageId: id };
  }

  async reply(thread: ThreadRef, message: OutgoingMessage): Promise<PostedRef> {
    this.throwScripted(thread.channelId);
    const id = String(++this.counter);
    this.posts.push({ channelId: thread.channelId, threadId: thread.threadId, message, at: this.clock.now(), id, edits: 0 });
    return { platform: thread.platform, channelId: thread.channelId, messageId: id };
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
