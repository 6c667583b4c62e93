/*
 * What a command's result asks beyond its reply: opening a paper's discussion thread on the platform the
 * command came from (`discuss`, the Discuss button), or making an existing one usable again where threads can
 * close. The policy and its words live here; the composition root only wires it.
 */
import { textMessage } from '../../src/chat/message.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import { encodeRef, type ThreadRef } from '../../src/chat/refs.ts';
import type { Clock } from '../../src/clock.ts';
import { ChannelGoneError } from '../../src/delivery/platform-errors.ts';
import { DiscussionOpener, type OpenThreadRequest, type OpenThreadResult } from '../../src/discussions/open-thread.ts';
import type { Logger } from '../../src/logger.ts';
import type { DiscussionStore } from '../../src/store/discussion-store.port.ts';
import type { CommandResult } from './command-spec.ts';
import type { InboundContext } from './inbound.ts';

/** What opening threads needs. */
export interface DiscussionThreadsDeps {
  /** The platform a command came from (by `ChannelRef.platform`), to open the thread on the posted card. */
  platformFor: (platform: string) => ChatPlatform | undefined;
  /** Makes a post exist once (the delivery service's `ensure`): the card and the thread's first messages. */
  ensure: OpenThreadRequest['ensure'];
  discussions: DiscussionStore;
  clock: Clock;
  log: Logger;
}

/** Completes results that open or point to a discussion thread. */
export interface DiscussionThreads {
  /**
   * The result as the person sees it once its thread is open (or found, or reopened). `again` runs the same
   * command anew: used when the thread a result points to was deleted, after the discussion is forgotten, so
   * the command opens a fresh one.
   */
  complete(result: CommandResult, where: InboundContext, again: () => Promise<CommandResult>): Promise<CommandResult>;
}

const note = (text: string, outcome: CommandResult['outcome'] = 'ok', thread?: CommandResult['thread']): CommandResult => ({
  reply: textMessage(text, 'user'),
  outcome,
  ...(thread ? { thread } : {}),
});

const noThreads = (): CommandResult => note('Discussion threads need a chat platform: use the interactive terminal (npm start), Slack or Discord.', 'user-error');

/**
 * The discussion-thread policy: one thread per (channel, paper), its card and first messages posted once
 * through the delivery records; a refused channel, a failure or a deleted thread said plainly.
 */
export function createDiscussionThreads(deps: DiscussionThreadsDeps): DiscussionThreads {
  const { log } = deps;
  const opener = new DiscussionOpener();

  async function open(result: CommandResult, where: InboundContext): Promise<CommandResult> {
    const platform = deps.platformFor(where.channel.platform);
    if (!platform?.capabilities.threads || !result.discussion) return noThreads();
    const { paperId, title, seed } = result.discussion;
    let opened: OpenThreadResult;
    try {
      opened = await opener.open({
        platform, ensure: deps.ensure, store: deps.discussions, channel: where.channel, opener: where.actor, paperId, title, card: result.reply, seed, at: deps.clock.now(),
      });
    } catch (error) {
      if (!(error instanceof ChannelGoneError)) {
        // The discussion stays claimed with what was posted: the next attempt continues it, never a second card.
        log.error({ paperId, channel: where.channel.channelId, error: String(error) }, 'could not open a discussion thread');
        return note('Sorry, the thread could not be opened just now. Try /papers discuss again in a moment: it continues where this stopped.', 'failed');
      }
      opened = { refused: error.reason };
    }
    if ('refused' in opened) {
      // Not a passing failure: the bot may not post or open threads here, and retrying will not change that.
      log.warn({ paperId, channel: where.channel.channelId, reason: opened.refused }, 'not allowed to open a discussion thread here');
      return note(`I cannot post or open a thread in this channel (${opened.refused}). Ask an admin to let Paperboy send messages and create threads here.`, 'user-error');
    }
    if ('unavailable' in opened) return noThreads();
    if ('pending' in opened) return note(`The thread for "${title}" is being opened right now; it will appear in a moment.`);
    return note(`${opened.created ? 'Opened a thread' : 'There is already a thread'} for "${title}". Ask there: mention @paperboy with a question.`, 'ok', { ref: opened.thread, title });
  }

  /**
   * An existing discussion's thread where threads can close (Discord): unarchived if archived, and said so;
   * if it was deleted or locked, the discussion is forgotten and the command run again opens a new thread.
   */
  async function reopen(result: CommandResult, thread: ThreadRef, where: InboundContext, again: () => Promise<CommandResult>): Promise<CommandResult> {
    const platform = deps.platformFor(where.channel.platform);
    if (!platform?.reopenThread) return result;
    let state: Awaited<ReturnType<NonNullable<ChatPlatform['reopenThread']>>>;
    try {
      state = await platform.reopenThread(thread);
    } catch (error) {
      log.warn({ thread: encodeRef(thread), error: String(error) }, 'could not check whether a discussion thread is open');
      return result;
    }
    if (state === 'open') return result;
    const title = result.thread?.title ?? 'this paper';
    if (state === 'unarchived') return { ...result, reply: textMessage(`The thread for "${title}" had been archived; I reopened it. Continue there.`, 'user') };
    const discussion = await deps.discussions.byThread(encodeRef(thread));
    if (!discussion) return result;
    await deps.discussions.remove(discussion.channel, discussion.paperId);
    const reopened = await complete(await again(), where, again);
    if (reopened.outcome !== 'ok' || !reopened.thread) return reopened;
    return { ...reopened, reply: textMessage(`The earlier thread for "${title}" was deleted or locked, so I opened a new one.`, 'user') };
  }

  async function complete(result: CommandResult, where: InboundContext, again: () => Promise<CommandResult>): Promise<CommandResult> {
    if (result.discussion) return open(result, where);
    if (result.thread) return reopen(result, result.thread.ref, where, again);
    return result;
  }

  return { complete };
}
