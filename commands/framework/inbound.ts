import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { ActorRef, ChannelRef, ThreadMessage, ThreadRef } from '../../src/chat/refs.ts';
import type { AnyCommandSpec, CommandResult } from './command-spec.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { DiscussionThreads } from './discussion-threads.ts';
import type { ArgumentSuggester, Suggestion } from './suggest.ts';

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

/** The parts {@link createInbound} puts together. */
export interface InboundParts {
  dispatcher: Dispatcher;
  threads: DiscussionThreads;
  /** Posts the answer to a thread message the platform named, once (src/discussions/thread-answers.ts). */
  answerInThread: (message: ThreadMessage & { messageId: string }, answer: Promise<OutgoingMessage | undefined>) => Promise<void>;
  suggester: ArgumentSuggester;
  registry: readonly AnyCommandSpec[];
}

/**
 * The bot's inbound side: every command and button through the dispatcher, then its thread opened or
 * reopened; a thread message counted and, when it asks the bot, answered (in the thread when the adapter named
 * the message, else returned for the adapter to show: the terminal).
 */
export function createInbound({ dispatcher, threads, answerInThread, suggester, registry }: InboundParts): BotInbound {
  return {
    async command(line, where) {
      const run = () => dispatcher.dispatchLine(line, where);
      return threads.complete(await run(), where, run);
    },
    async press(actionId, where) {
      const run = () => dispatcher.pressButton(actionId, where);
      return threads.complete(await run(), where, run);
    },
    async threadMessage(message) {
      const answer = dispatcher.threadMessage(message);
      if (message.messageId === undefined) return answer;
      await answerInThread({ ...message, messageId: message.messageId }, answer);
      return undefined;
    },
    async suggest(command, argument, partial, channel) {
      const spec = registry.find((s) => s.name === command);
      const wanted = spec && Object.hasOwn(spec.arguments, argument) ? spec.arguments[argument] : undefined;
      return wanted ? suggester.suggest(wanted, partial, channel) : [];
    },
  };
}
