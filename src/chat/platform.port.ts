import type { MentionRules } from './mentions.ts';
import type { OutgoingMessage } from './message.ts';
import type { ChannelRef, PostedRef, ThreadRef } from './refs.ts';

/** What a platform can do, where platforms differ in ways commands must know. */
export interface Capabilities {
  /** Whether it has threads (a paper's discussion opens one). */
  threads: boolean;
  /** The user and role ids a post can mention (a subscription's `mention:` is checked against them). */
  mentions: MentionRules;
}

/** How a post is made. */
export interface PostOptions {
  /**
   * Names this post across retries of the same delivery: the platform marks the post with it where it can
   * (Slack message metadata, Discord's message nonce), so the post can be recognised later.
   */
  idempotencyKey?: string;
  /**
   * An earlier attempt of this `idempotencyKey` may have made (part of) the post since this instant (it
   * timed out, or the connection broke after sending). The platform first looks among its recent messages
   * there for the parts already made, then posts only the missing ones, and returns the first part's ref
   * either way. A look-up that fails throws like a post that fails.
   */
  mayExistSince?: Date;
}

/**
 * The outbound port every adapter implements, and the only way the core and commands reach a platform.
 * Deliberately small: add a member only when a command needs it on two platforms.
 */
export interface ChatPlatform {
  /** Matches `ChannelRef.platform`. */
  readonly name: string;
  readonly capabilities: Capabilities;
  /** Posts a message in a channel. */
  post(channel: ChannelRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef>;
  /** Posts a message in a thread. */
  reply(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef>;
  /** Replaces a message the bot posted, where the platform allows editing. */
  update?(posted: PostedRef, message: OutgoingMessage): Promise<void>;
  /**
   * Opens a thread on a message the bot posted and returns where its replies go (Slack: the message's
   * timestamp; Discord: a new thread channel; the terminal: the message number).
   */
  startThread(posted: PostedRef, title: string): Promise<ThreadRef>;
  /**
   * Where threads can close (Discord archives idle ones): makes a thread usable again. `unarchived` when it
   * had to be reopened; `gone` when it was deleted or locked and a new one is needed.
   */
  reopenThread?(thread: ThreadRef): Promise<'open' | 'unarchived' | 'gone'>;
}
