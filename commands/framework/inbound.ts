import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { ActorRef, ChannelRef, ThreadMessage, ThreadRef } from '../../src/chat/refs.ts';
import type { CommandResult } from './command-spec.ts';
import type { Suggestion } from './suggest.ts';

/** Who acts, where, and when: what every inbound event carries. */
export interface InboundContext {
  actor: ActorRef;
  channel: ChannelRef;
  /** The thread the command was typed in, when the platform says (Discord; the terminal's thread mode). */
  thread?: ThreadRef;
  receivedAt: Date;
  /** When `actor.canManageChannel` is false: asks the platform, only for a command that needs a channel manager. */
  confirmManager?: () => Promise<boolean>;
}

/**
 * Everything an adapter hands the bot: typed commands, pressed buttons and thread messages. The result
 * is complete: a discussion the command opened is already posted through the platform, and its thread
 * is named in `thread`.
 */
export interface BotInbound {
  /** `/papers search diffusion`, `search diffusion`. */
  command(line: string, where: InboundContext): Promise<CommandResult>;
  /** A pressed button's action id. */
  press(actionId: string, where: InboundContext): Promise<CommandResult>;
  /**
   * A message in a thread. If the bot was asked something, its answer is posted in the thread when the message
   * names its `messageId`; otherwise the answer is returned for the adapter to show.
   */
  threadMessage(message: ThreadMessage): Promise<OutgoingMessage | undefined>;
  /** Values to offer while `argument` of `command` is typed in `channel` (autocomplete); none for an unknown one. */
  suggest(command: string, argument: string, partial: string, channel: ChannelRef): Promise<Suggestion[]>;
}
