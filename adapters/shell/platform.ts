/* The terminal as a ChatPlatform: messages the bot posts on its own (scheduled posts) print as they come. */
import { NAME_MENTIONS } from '../../src/chat/mentions.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { Capabilities, ChatPlatform } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';

/** Prints a posted message; the REPL supplies this so posts interleave cleanly with the prompt. */
export type ShellPrinter = (message: OutgoingMessage, where: string) => void;

/** The terminal's ChatPlatform. */
export function createShellPlatform(print: ShellPrinter): ChatPlatform {
  let counter = 0;
  // Nobody is pinged in a terminal: a name stands for the person.
  const capabilities: Capabilities = { threads: true, mentions: NAME_MENTIONS };
  return {
    name: 'shell',
    capabilities,
    async post(channel: ChannelRef, message: OutgoingMessage): Promise<PostedRef> {
      print(message, `#${channel.channelId}`);
      return { ...channel, messageId: String(++counter) };
    },
    async reply(thread: ThreadRef, message: OutgoingMessage): Promise<PostedRef> {
      print(message, `#${thread.channelId} › thread ${thread.threadId}`);
      return { platform: thread.platform, channelId: thread.channelId, messageId: String(++counter) };
    },
    async startThread(posted: PostedRef): Promise<ThreadRef> {
      // A terminal thread is named after the message it hangs from.
      return { platform: posted.platform, channelId: posted.channelId, threadId: posted.messageId };
    },
  };
}
