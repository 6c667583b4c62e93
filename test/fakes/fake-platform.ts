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
    this.posts.push({ channelId: channel.channelId, message, at: this.clock.now() });
    return { ...channel, messageId: String(++this.counter) };
  }

  async reply(thread: ThreadRef, message: OutgoingMessage): Promise<PostedRef> {
    this.throwScripted(thread.channelId);
    this.posts.push({ channelId: thread.channelId, threadId: thread.threadId, message, at: this.clock.now() });
    return { platform: thread.platform, channelId: thread.channelId, messageId: String(++this.counter) };
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
