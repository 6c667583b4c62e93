/**
 * The bot's parts wired together, without I/O of its own: the command dispatcher, the scheduler (daily
 * posts, subscriptions, source refresh) and exactly-once delivery. `main.ts` builds it with real
 * adapters, stores and clock; tests and the benchmark build it with fakes and a manual clock.
 */
import { ActionCodec } from './commands/framework/actions.ts';
import type { BotStatus, CommandResult, AnyCommandSpec } from './commands/framework/command-spec.ts';
import { Dispatcher } from './commands/framework/dispatcher.ts';
import type { BotInbound, InboundContext } from './commands/framework/inbound.ts';
import { thinkingMessage } from './commands/presenters/discussion.ts';
import { commandRegistry } from './commands/registry.ts';
import { ArgumentSuggester } from './commands/framework/suggest.ts';
import { createPostPresenter } from './commands/presenters/posts.ts';
import { textMessage, type OutgoingMessage } from './src/chat/message.ts';
import type { ChatPlatform } from './src/chat/platform.port.ts';
import { encodeRef, type ThreadMessage, type ThreadRef } from './src/chat/refs.ts';
import { ChannelGoneError } from './src/delivery/platform-errors.ts';
import { DiscussionOpener } from './src/discussions/open-thread.ts';
import { createThreadAnswers } from './src/discussions/thread-answers.ts';
import { FullTextLibrary } from './src/fulltext/full-text-library.ts';
import type { PaperWriter } from './src/llm/paper-writer.ts';
import type { Clock } from './src/clock.ts';
import type { PaperLibrary } from './src/library/paper-library.ts';
import type { Logger } from './src/logger.ts';
import type { BotMetrics } from './src/metrics/metrics.port.ts';
import { DailyPosts } from './src/scheduler/daily-posts.ts';
import { DeliveryService, type ChannelSender } from './src/delivery/delivery-service.ts';
import { JobLoop, type ScheduledJob } from './src/scheduler/job-loop.ts';
import { PaperSync } from './src/scheduler/paper-sync.ts';
import { SourceRefresh, type PaperSource } from './src/scheduler/source-refresh.ts';
import { SubscriptionPosts } from './src/scheduler/subscription-posts.ts';
import type { Stores } from './src/store/store.ts';

/** What the bot is made of. */
export interface BotOptions {
  clock: Clock;
  log: Logger;
  /** The papers: the index of this process over the database's papers. */
  library: PaperLibrary;
  stores: Stores;
  /** The sender of each running platform (by `ChannelRef.platform`): paced, for scheduled posts. */
  senderFor: (platform: string) => ChannelSender | undefined;
  /** Each running platform itself, for opening threads and editing a "thinking" message (posts go through `senderFor`). */
  platformFor?: (platform: string) => ChatPlatform | undefined;
  /** How long an answer in a thread may take before a "thinking" message is posted (default `THINKING_AFTER_MS`). */
  thinkingAfterMs?: number;
  status: BotStatus;
  defaultTimeZone: string;
  sources?: readonly PaperSource[];
  /** Where the search index is saved (after enough changes, and at stop); not saved when absent. */
  indexPath?: string;
  /**
   * How often to look for papers other processes wrote (an import beside the bot, another replica), in
   * ms; 0 or absent: only after this process's own refreshes.
   */
  followIntervalMs?: number;
  graceMs?: number;
  /** The commands; all registered ones unless a test narrows them. */
  registry?: readonly AnyCommandSpec[];
  /** Papers' full texts; without it only texts already in the database are used (nothing is fetched). */
  fullText?: FullTextLibrary;
  /** The language model that writes answers, when configured. */
  writer?: PaperWriter;
  /** Where commands and source refreshes are counted (nowhere by default). */
  metrics?: BotMetrics;
}

/** A wired bot. */
export interface Bot extends BotInbound {
  dispatcher: Dispatcher;
  jobs: JobLoop;
  dailyPosts: DailyPosts;
  subscriptionPosts: SubscriptionPosts;
  refresh: SourceRefresh;
  sync: PaperSync;
  delivery: DeliveryService;
  /**
   * Resumes unsent posts, matches papers that arrived while the bot was down to subscriptions, makes
   * missed daily posts (within grace), and starts the loop, whose first runs fetch any source never
   * fetched before; nothing here waits on the network.
   */
  start(): Promise<void>;
  /** Stops the loop after the run in progress and saves the index if it changed. */
  stop(): Promise<void>;
}

/** Wires the bot. Nothing runs until `start`. */
export function createBot(options: BotOptions): Bot {
  const { clock, log, library, stores } = options;
  const actions = new ActionCodec();
  const registry = options.registry ?? commandRegistry;
  const suggester = new ArgumentSuggester(library, stores.subscriptions);
  const present = createPostPresenter({ papers: library, clock, actions });
  const delivery = new DeliveryService({ clock, log: log.child({ part: 'delivery' }), deliveries: stores.deliveries, channels: stores.channels, senderFor: options.senderFor });
  const dailyPosts = new DailyPosts({
    clock, log: log.child({ part: 'daily' }), papers: library, channels: stores.channels, deliveries: stores.deliveries,
    sources: stores.sources, delivery, present, ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
  });
  const subscriptionPosts = new SubscriptionPosts({
    clock, log: log.child({ part: 'subscriptions' }), papers: library, indexedUpTo: () => library.seq, paperStore: stores.papers,
    subscriptions: stores.subscriptions, deliveries: stores.deliveries, delivery, present,
  });
  const sync = new PaperSync({
    library, matchSubscriptions: () => subscriptionPosts.matchNew(), log: log.child({ part: 'papers' }),
    intervalMs: options.followIntervalMs ?? 0, ...(options.indexPath ? { indexPath: options.indexPath } : {}),
  });
  const refresh = new SourceRefresh({
    clock, log: log.child({ part: 'sources' }), sources: options.sources ?? [], state: stores.sources, snapshots: stores.snapshots,
    papers: stores.papers, onPapersChanged: () => sync.sync(), ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const jobList: ScheduledJob[] = [dailyPosts, sync, ...(options.sources && options.sources.length > 0 ? [refresh] : [])];
  const jobs = new JobLoop(clock, log.child({ part: 'scheduler' }), jobList);
  const fullText = options.fullText ?? new FullTextLibrary({ store: stores.fullTexts, clock, log: log.child({ part: 'full-text' }) });
  const dispatcher = new Dispatcher({
    papers: library, clock, log: log.child({ part: 'commands' }), actions, status: options.status, defaultTimeZone: options.defaultTimeZone,
    stores, fullText, capabilitiesOf: (platform) => options.platformFor?.(platform)?.capabilities, ...(options.writer ? { writer: options.writer } : {}),
    schedule: {
      previewDaily: (channel, daily) => dailyPosts.preview(channel, daily),
      nextRuns: () => jobs.nextRuns(),
    },
  }, registry, options.metrics);
  const opener = new DiscussionOpener();
  let stopping = false;
  const noThreads = (): CommandResult => ({
    reply: { ...textMessage('Discussion threads need a chat platform: use the interactive terminal (npm start), Slack or Discord.'), visibility: 'user' },
    outcome: 'user-error',
  });

  const answerInThread = createThreadAnswers({
    delivery, platformFor: (platform) => options.platformFor?.(platform), log, thinking: thinkingMessage(),
    ...(options.thinkingAfterMs !== undefined ? { thinkingAfterMs: options.thinkingAfterMs } : {}),
  });

  /**
   * A message in a thread: counted, and a question to the bot answered. When the adapter names the message, the
   * answer is posted here, once (see thread-answers.ts); otherwise it is returned for the adapter to show (the terminal).
   */
  async function threadMessage(message: ThreadMessage): Promise<OutgoingMessage | undefined> {
    const answer = dispatcher.threadMessage(message);
    if (message.messageId === undefined) return answer;
    await answerInThread({ ...message, messageId: message.messageId }, answer);
    return undefined;
  }

  /** Carries out what a result asks beyond its reply: opening a discussion thread. */
  async function complete(result: CommandResult, where: InboundContext): Promise<CommandResult> {
    if (!result.discussion) return result.thread ? reopenExisting(result, result.thread.ref, where) : result;
    const platform = options.platformFor?.(where.channel.platform);
    if (!platform) return noThreads();
    const { paperId, title, seed } = result.discussion;
    let opened: Awaited<ReturnType<DiscussionOpener['open']>>;
    try {
      opened = await opener.open({
        platform, ensure: (request) => delivery.ensure(request), store: stores.discussions,
        channel: where.channel, opener: where.actor, paperId, title, card: result.reply, seed, at: clock.now(),
      });
    } catch (error) {
      if (!(error instanceof ChannelGoneError)) {
        // The discussion stays claimed with what was posted: the next attempt continues it, never a second card.
        log.error({ paperId, channel: where.channel.channelId, error: String(error) }, 'could not open a discussion thread');
        return { reply: { ...textMessage('Sorry, the thread could not be opened just now. Try /papers discuss again in a moment: it continues where this stopped.'), visibility: 'user' }, outcome: 'failed' };
      }
      opened = { refused: error.reason };
    }
    if ('refused' in opened) {
      // Not a passing failure: the bot may not post or open threads here, and retrying will not change that.
      log.warn({ paperId, channel: where.channel.channelId, reason: opened.refused }, 'not allowed to open a discussion thread here');
      const text = `I cannot post or open a thread in this channel (${opened.refused}). Ask an admin to let Paperboy send messages and create threads here.`;
      return { reply: { ...textMessage(text), visibility: 'user' }, outcome: 'user-error' };
    }
    if ('unavailable' in opened) return noThreads();
    if ('pending' in opened) {
      return { reply: { ...textMessage(`The thread for "${title}" is being opened right now; it will appear in a moment.`), visibility: 'user' }, outcome: 'ok' };
    }
    return {
      reply: { ...textMessage(`${opened.created ? 'Opened a thread' : 'There is already a thread'} for "${title}". Ask there: mention @paperboy with a question.`), visibility: 'user' },
      outcome: 'ok',
      thread: { ref: opened.thread, title },
    };
  }

  /**
   * An existing discussion's thread where threads can close (Discord): unarchived if archived, and said so;
   * if it was deleted or locked, the discussion is forgotten and a new thread opened in its place.
   */
  async function reopenExisting(result: CommandResult, thread: ThreadRef, where: InboundContext): Promise<CommandResult> {
    const platform = options.platformFor?.(where.channel.platform);
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
    if (state === 'unarchived') {
      return { ...result, reply: { ...textMessage(`The thread for "${title}" had been archived; I reopened it. Continue there.`), visibility: 'user' } };
    }
    const discussion = await stores.discussions.byThread(encodeRef(thread));
    if (!discussion) return result;
    await stores.discussions.remove(discussion.channel, discussion.paperId);
    const reopened = await complete(await dispatcher.dispatch({ ...where, command: 'discuss', args: discussion.paperId }), where);
    if (reopened.outcome !== 'ok' || !reopened.thread) return reopened;
    return { ...reopened, reply: { ...textMessage(`The earlier thread for "${title}" was deleted or locked, so I opened a new one.`), visibility: 'user' } };
  }

  return {
    dispatcher, jobs, dailyPosts, subscriptionPosts, refresh, sync, delivery,
    command: async (line, where) => complete(await dispatcher.dispatchLine(line, where), where),
    press: async (actionId, where) => complete(await dispatcher.pressButton(actionId, where), where),
    threadMessage,
    async suggest(command, argument, partial, channel) {
      const spec = registry.find((s) => s.name === command);
      const wanted = spec && Object.hasOwn(spec.arguments, argument) ? spec.arguments[argument] : undefined;
      return wanted ? suggester.suggest(wanted, partial, channel) : [];
    },
    async start() {
      await delivery.resumeUnfinished();
      // Papers imported while the bot was down reach subscriptions now.
      await sync.sync();
      await dailyPosts.catchUp();
      // A stop that came while resuming wins: the schedule does not start after it.
      if (!stopping) jobs.start();
    },
    async stop() {
      stopping = true;
      await jobs.stop();
      await sync.flush();
    },
  };
}
