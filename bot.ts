/**
 * The bot's parts wired together, without I/O of its own: the command dispatcher, the scheduler (daily
 * posts, subscriptions, source refresh) and exactly-once delivery. `main.ts` builds it with real
 * adapters, stores and clock; tests and the benchmark build it with fakes and a manual clock.
 */
import { ActionCodec } from './commands/framework/actions.ts';
import type { AnyCommandSpec, BotStatus } from './commands/framework/command-spec.ts';
import { createDiscussionThreads } from './commands/framework/discussion-threads.ts';
import { Dispatcher } from './commands/framework/dispatcher.ts';
import { createInbound, type BotInbound } from './commands/framework/inbound.ts';
import { thinkingMessage } from './commands/presenters/discussion.ts';
import { commandRegistry } from './commands/registry.ts';
import { ArgumentSuggester } from './commands/framework/suggest.ts';
import { createPostPresenter } from './commands/presenters/posts.ts';
import type { ChatPlatform } from './src/chat/platform.port.ts';
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
import { WorkspaceInstalls } from './src/workspaces/workspace-installs.ts';
import { ReplicaPresence } from './src/replicas/replica-presence.ts';

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
  /**
   * This process as one of several replicas on one database (PostgreSQL): it beats, owns the deliveries it
   * claims, takes over those of replicas whose heartbeat stopped, and refreshes a source only under its lease.
   * `onBeat` hears how many replicas are alive after each beat (to share the platforms' rate limits).
   */
  replica?: { id: string; leaseMs: number; onBeat?: (alive: number) => void };
}

/** A wired bot. */
export interface Bot extends BotInbound {
  jobs: JobLoop;
  dailyPosts: DailyPosts;
  subscriptionPosts: SubscriptionPosts;
  refresh: SourceRefresh;
  sync: PaperSync;
  delivery: DeliveryService;
  /** Workspaces installed through OAuth (Slack's many-workspace mode); its purge runs on the schedule. */
  installs: WorkspaceInstalls;
  /** This process among the replicas, when configured as one. */
  replicas?: ReplicaPresence;
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
  const replicas = options.replica && new ReplicaPresence({
    id: options.replica.id, leaseMs: options.replica.leaseMs, clock, log: log.child({ part: 'replicas' }), heartbeats: stores.heartbeats, leases: stores.leases,
    afterBeat: async () => {
      options.replica?.onBeat?.(replicas!.aliveCount);
      await delivery.takeOverStopped();
    },
  });
  const delivery = new DeliveryService({
    clock, log: log.child({ part: 'delivery' }), deliveries: stores.deliveries, channels: stores.channels, senderFor: options.senderFor,
    ...(replicas ? { replica: replicas } : {}),
  });
  const dailyPosts = new DailyPosts({
    clock, log: log.child({ part: 'daily' }), papers: library, channels: stores.channels, deliveries: stores.deliveries,
    sources: stores.sources, delivery, present, ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    ...(options.replica ? { replicaId: options.replica.id } : {}),
  });
  const subscriptionPosts = new SubscriptionPosts({
    clock, log: log.child({ part: 'subscriptions' }), papers: library, indexedUpTo: () => library.seq, paperStore: stores.papers,
    subscriptions: stores.subscriptions, deliveries: stores.deliveries, delivery, present,
    ...(replicas ? { replicas: { leases: stores.leases, replica: replicas } } : {}),
  });
  const sync = new PaperSync({
    library, matchSubscriptions: () => subscriptionPosts.matchNew(), log: log.child({ part: 'papers' }),
    intervalMs: options.followIntervalMs ?? 0, ...(options.indexPath ? { indexPath: options.indexPath } : {}),
  });
  const refresh = new SourceRefresh({
    clock, log: log.child({ part: 'sources' }), sources: options.sources ?? [], state: stores.sources, snapshots: stores.snapshots,
    papers: stores.papers, onPapersChanged: () => sync.sync(), ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(replicas ? { replicas: { leases: stores.leases, replica: replicas } } : {}),
  });
  const installs = new WorkspaceInstalls({ stores, clock, log: log.child({ part: 'workspaces' }) });
  const jobList: ScheduledJob[] = [dailyPosts, sync, installs, ...(options.sources && options.sources.length > 0 ? [refresh] : [])];
  const jobs = new JobLoop(clock, log.child({ part: 'scheduler' }), jobList);
  const fullText = options.fullText ?? new FullTextLibrary({ store: stores.fullTexts, clock, log: log.child({ part: 'full-text' }) });
  const dispatcher = new Dispatcher({
    papers: library, clock, log: log.child({ part: 'commands' }), actions, defaultTimeZone: options.defaultTimeZone,
    status: { ...options.status, ...(replicas ? { replicas: () => replicas.report() } : {}) },
    stores, fullText, capabilitiesOf: (platform) => options.platformFor?.(platform)?.capabilities, ...(options.writer ? { writer: options.writer } : {}),
    schedule: {
      previewDaily: (channel, daily) => dailyPosts.preview(channel, daily),
      nextRuns: () => jobs.nextRuns(),
    },
  }, registry, options.metrics);
  let stopping = false;
  const threads = createDiscussionThreads({
    platformFor: (platform) => options.platformFor?.(platform), ensure: (request) => delivery.ensure(request), discussions: stores.discussions,
    clock, log: log.child({ part: 'discussions' }),
  });
  const answerInThread = createThreadAnswers({
    delivery, platformFor: (platform) => options.platformFor?.(platform), log, thinking: thinkingMessage(),
    ...(options.thinkingAfterMs !== undefined ? { thinkingAfterMs: options.thinkingAfterMs } : {}),
  });

  return {
    jobs, dailyPosts, subscriptionPosts, refresh, sync, delivery, installs, ...(replicas ? { replicas } : {}),
    ...createInbound({ dispatcher, threads, answerInThread, suggester, registry }),
    async start() {
      // Who is alive decides which unfinished posts are this replica's to finish.
      if (replicas) {
        await replicas.beat();
        replicas.start();
      }
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
      await replicas?.stop();
      await sync.flush();
    },
  };
}
