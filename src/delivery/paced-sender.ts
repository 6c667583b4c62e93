/*
 * Paces posts to one platform so they stay under its rate limits instead of running into them, and retries
 * what still fails without ever dropping or doubling a message.
 *
 * Design. Each channel has a queue: its sends go out one at a time, in the order they were made, so a
 * retried message is never overtaken. The head of every channel's queue waits in one scheduler per sender,
 * which owns two kinds of token bucket (per channel, and per budget: a workspace, or the platform) and is the only place that
 * takes tokens. It takes them and starts the platform call in the same synchronous step, at the clock's
 * current time, so the limits hold in clock time however waits interleave (with `ManualClock`, whose `sleep`
 * moves time for everybody at once, or with a real clock whose timers fire late). When an `onAttempt` hook
 * has to be awaited between taking the tokens and calling the platform, the buckets forget any refill for
 * that gap, which only ever errs on the slow side. Channels are granted in the order they became ready, so
 * many channels share the global limit fairly and go out in parallel.
 *
 * Budgets. The platform-wide limit is kept per budget: Slack limits each workspace on its own and Discord each bot,
 * so `budgetOf` names the budget of a channel (its workspace; one for the platform by default). Each budget queues
 * its ready sends, and budgets with tokens take turns one send at a time, so one busy workspace cannot starve
 * another; a budget out of tokens waits in a heap until its next token, without touching its queue.
 *
 * No guessing after an ambiguous failure. A 429 or a refused connection says the post was not made, so it is
 * simply sent again. A timeout, a connection reset after sending or a 5xx leaves that open: from then on every
 * attempt of the send carries `mayExistSince`, and the platform looks the post up before making what is
 * missing. The platform clients themselves never retry a post (they are configured not to), and a hung call is
 * ended by the client's request timeout, which aborts the request, so no earlier attempt is still under way
 * when the next one looks.
 */
import type { OutgoingMessage } from '../chat/message.ts';
import type { ChatPlatform } from '../chat/platform.port.ts';
import { encodeRef, type ChannelRef, type PostedRef, type ThreadRef } from '../chat/refs.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { noMetrics, type DeliveryMetrics } from '../metrics/metrics.port.ts';
import { ChannelGoneError, mayHaveLanded, RateLimitedError, TransientPlatformError } from './platform-errors.ts';
import { MinHeap } from '../util/min-heap.ts';

/** A token-bucket limit: `perSecond` tokens refill every second, up to `burst` banked. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Per channel: about one message a second with short bursts (Slack's `chat.postMessage`). */
export const DEFAULT_CHANNEL_LIMIT: Readonly<RateLimit> = Object.freeze({ perSecond: 1, burst: 3 });
/**
 * For each budget (see {@link PacedSenderOptions.budgetOf}): Slack's workspace-wide cap and Discord's 50 requests
 * a second per bot. A token bucket lets up to `burst + perSecond - 1` through in a sliding second; use `burst: 1`
 * to guarantee at most `perSecond` in every sliding second.
 */
export const DEFAULT_GLOBAL_LIMIT: Readonly<RateLimit> = Object.freeze({ perSecond: 50, burst: 50 });
/** Transient failures over which the backoff grows; from then on every wait is the full `maxBackoffMs`. */
export const DEFAULT_MAX_TRANSIENT_ATTEMPTS = 8;
/** The first backoff after a transient failure, before jitter. */
export const DEFAULT_BASE_BACKOFF_MS = 1_000;
/** The longest backoff after transient failures. */
export const DEFAULT_MAX_BACKOFF_MS = 5 * 60_000;
/**
 * The least wait after a failure without an answer (a timeout, a cut connection) before the post is looked up: a
 * request the client gave up on may still be carried out by a platform that received it, and the look-up must come
 * after that. Set it to the platform client's request timeout: the platform gets as long again to finish.
 */
export const DEFAULT_SETTLE_MS = 10_000;

/** One message to deliver. `key` names it in logs (the delivery key) and may not be in flight twice at once. */
export interface SendJob {
  key: string;
  channel: ChannelRef;
  /** Posts as a reply in this thread (of `channel`) instead of in the channel. */
  thread?: ThreadRef;
  message: OutgoingMessage;
  /**
   * An earlier attempt (before a crash) may have made the post since this instant: look it up before
   * posting. Set by the sender itself after an ambiguous failure.
   */
  mayExistSince?: Date;
}

/**
 * Callbacks around each attempt, for recording progress (a delivery's `sending` and `retrying` states).
 * Both may be async; a hook that throws abandons the send (its promise rejects with that error).
 */
export interface SendHooks {
  /**
   * Just before attempt `attempt` (1-based) is made, after pacing: the platform is called as soon as this
   * settles. Keep it short: other sends of the platform wait for it.
   */
  onAttempt?(attempt: number): Promise<void> | void;
  /** Attempt `attempt` failed with `error`; the next one follows after `waitMs` (or later, if paced). */
  onRetry?(attempt: number, error: unknown, waitMs: number): Promise<void> | void;
}

/** How a send ended: posted, or the channel can no longer be posted to (`reason` from {@link ChannelGoneError}). */
export type SendResult = { status: 'sent'; posted: PostedRef } | { status: 'channel-gone'; reason: string };

/** What a {@link PacedSender} needs and its limits; every limit has a named default. */
export interface PacedSenderOptions {
  platform: ChatPlatform;
  clock: Clock;
  logger: Logger;
  /** Default {@link DEFAULT_CHANNEL_LIMIT}. */
  perChannel?: RateLimit;
  /** Default {@link DEFAULT_GLOBAL_LIMIT}; the limit of each budget. */
  global?: RateLimit;
  /**
   * The budget a channel's posts draw on for the `global` limit, by name: Slack's workspace (each has its own
   * limits). Default: one budget for the whole platform (Discord's limit is per bot).
   */
  budgetOf?: (channel: ChannelRef) => string;
  /**
   * Default {@link DEFAULT_MAX_TRANSIENT_ATTEMPTS}. Transient failures never make a send give up (the
   * contract is no loss); after this many on one message, every further wait is `maxBackoffMs` and each
   * failure is logged as an error instead of a warning.
   */
  maxTransientAttempts?: number;
  /** Default {@link DEFAULT_BASE_BACKOFF_MS}. */
  baseBackoffMs?: number;
  /** Default {@link DEFAULT_MAX_BACKOFF_MS}. */
  maxBackoffMs?: number;
  /** Default {@link DEFAULT_SETTLE_MS}; the platform client's request timeout is a good value. */
  settleMs?: number;
  /** A float in [0, 1) for backoff jitter; default `Math.random`. */
  random?: () => number;
  /** Counts what became of each attempt, and the 429s. */
  metrics?: DeliveryMetrics;
}

const EPSILON = 1e-9;

/** Tokens refill continuously; times are clock milliseconds. */
class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now;
  }
  /** From `now` on, refills at the new limit; tokens banked beyond its burst are dropped. */
  setLimit(limit: RateLimit, now: number): void {
    this.refill(now);
    this.limit = limit;
    this.tokens = Math.min(this.tokens, limit.burst);
  }
  private refill(now: number): void {
    if (now <= this.updatedAt) return;
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.updatedAt) * this.limit.perSecond) / 1000);
    this.updatedAt = now;
  }
  /** Whole milliseconds until a token is available (0: now). */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1 - EPSILON) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.limit.perSecond - EPSILON));
  }
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }
  /** Counts the tokens taken so far as taken at `now`: drops the refill since the last update. */
  settle(now: number): void {
    if (now > this.updatedAt) this.updatedAt = now;
  }
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst - EPSILON;
  }
}

/** A platform-wide limit of one workspace (or of the whole platform): its bucket and its sends ready to go. */
interface Budget {
  key: string;
  bucket: TokenBucket;
  /** No post on this budget before this time (a global 429's Retry-After). */
  pausedUntil: number;
  /** Sends their channels allow now, in the order they became ready. */
  ready: Fifo<Pending>;
  /** In the ready round or the waiting heap (it has ready sends). */
  queued: boolean;
  /** When a token (or the pause's end) lets it go again (set while in the waiting heap). */
  wakeAt: number;
}

interface Channel {
  id: string;
  budget: Budget;
  bucket: TokenBucket;
  /** No post on this channel before this time (a 429's Retry-After). */
  pausedUntil: number;
  /** Sends waiting behind the active one, in order. */
  queue: Pending[];
  active: Pending | undefined;
}

interface Pending {
  seq: number;
  job: SendJob;
  hooks: SendHooks;
  channel: Channel;
  attempt: number;
  transientFailures: number;
  /** No attempt before this time (a backoff). */
  notBefore: number;
  /** When it may be granted, as far as its channel is concerned (set while in the delayed heap). */
  readyAt: number;
  /** Since when an earlier attempt may have made the post (absent: none may have). */
  mayExistSince: Date | undefined;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}


/** A first-in first-out queue with amortised O(1) shift. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

const describeError = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Sends messages to one platform as fast as its limits allow and no faster: channels in parallel, each
 * channel in order, every post paced by a per-channel and a platform-wide token bucket before it is made.
 * A 429 ({@link RateLimitedError}) pauses the channel, or its whole budget (workspace or platform) when global, for its
 * Retry-After and is retried without limit; a transient failure is retried with capped exponential backoff
 * and jitter, also without limit; a {@link ChannelGoneError} ends the send at once as `channel-gone`.
 * All time comes from the injected clock, and all waiting goes through its `sleep`.
 */
export class PacedSender {
  private readonly platform: ChatPlatform;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly perChannel: RateLimit;
  private readonly perBudget: RateLimit;
  /** Replicas sharing each budget (see {@link PacedSender.shareGlobalLimit}). */
  private replicas = 1;
  private readonly budgetOf: (channel: ChannelRef) => string;
  private readonly maxTransientAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly settleMs: number;
  private readonly random: () => number;
  private readonly metrics: DeliveryMetrics;

  private readonly channels = new Map<string, Channel>();
  private sweepAt = 1024;
  private readonly inFlight = new Set<string>();
  private readonly budgets = new Map<string, Budget>();
  /** Budgets with ready sends that may have a token: each gets one send per turn. */
  private readonly readyBudgets = new Fifo<Budget>();
  /** Budgets with ready sends waiting for a token or a pause's end, by `wakeAt`. */
  private readonly waitingBudgets = new MinHeap<Budget>((a, b) => a.wakeAt < b.wakeAt);
  /** Budgets that granted sends since their refill was last settled. */
  private readonly unsettled = new Set<Budget>();
  /** Pending sends not yet allowed by their channel, by (readyAt, seq). */
  private readonly delayed = new MinHeap<Pending>((a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq));
  /** Granted sends whose platform call has not been made yet (their `onAttempt` is running). */
  private starting = 0;
  private pumping = false;
  /** Target times of the wake-up sleeps under way. */
  private readonly wakes = new Set<number>();
  private seq = 0;

  constructor(options: PacedSenderOptions) {
    this.platform = options.platform;
    this.clock = options.clock;
    this.logger = options.logger;
    this.perChannel = checkLimit(options.perChannel ?? DEFAULT_CHANNEL_LIMIT, 'perChannel');
    this.perBudget = checkLimit(options.global ?? DEFAULT_GLOBAL_LIMIT, 'global');
    this.budgetOf = options.budgetOf ?? (() => '');
    this.maxTransientAttempts = Math.max(1, options.maxTransientAttempts ?? DEFAULT_MAX_TRANSIENT_ATTEMPTS);
    this.baseBackoffMs = Math.max(0, options.baseBackoffMs ?? DEFAULT_BASE_BACKOFF_MS);
    this.maxBackoffMs = Math.max(this.baseBackoffMs, options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
    this.settleMs = Math.max(0, options.settleMs ?? DEFAULT_SETTLE_MS);
    this.random = options.random ?? Math.random;
    this.metrics = options.metrics ?? noMetrics;
  }

  /**
   * Delivers one message, resolving once the platform accepted it (`sent`) or the channel turned out to be
   * gone (`channel-gone`). Rate limits and transient failures are waited out, never returned. Rejects only
   * for a misuse (a job of another platform, a key already in flight) or when a hook throws; the message is
   * then not posted by this call.
   */
  send(job: SendJob, hooks: SendHooks = {}): Promise<SendResult> {
    if (job.channel.platform !== this.platform.name) {
      return Promise.reject(new Error(`PacedSender for ${this.platform.name} cannot send to ${encodeRef(job.channel)}`));
    }
    if (job.thread && (job.thread.platform !== job.channel.platform || job.thread.channelId !== job.channel.channelId)) {
      return Promise.reject(new Error(`thread ${encodeRef(job.thread)} is not in channel ${encodeRef(job.channel)}`));
    }
    if (this.inFlight.has(job.key)) return Promise.reject(new Error(`delivery ${job.key} is already being sent`));
    this.inFlight.add(job.key);
    return new Promise<SendResult>((resolve, reject) => {
      const channel = this.channelFor(job.channel);
      const pending: Pending = {
        seq: this.seq++,
        job,
        hooks,
        channel,
        attempt: 0,
        transientFailures: 0,
        notBefore: -Infinity,
        readyAt: -Infinity,
        mayExistSince: job.mayExistSince,
        resolve,
        reject,
      };
      if (channel.active) {
        channel.queue.push(pending);
      } else {
        channel.active = pending;
        this.enqueue(pending);
        this.pump();
      }
    });
  }

  /**
   * Replicas posting to one workspace share its limit: from now on this sender takes 1/`replicas` of each
   * budget's rate and burst (at least one message of burst), so together they stay under the limit.
   */
  shareGlobalLimit(replicas: number): void {
    const share = Math.max(1, Math.floor(replicas));
    if (share === this.replicas) return;
    this.replicas = share;
    for (const budget of this.budgets.values()) budget.bucket.setLimit(this.budgetLimit(), this.now());
    this.pump();
  }

  /** Each budget's limit: the configured one, or this replica's share of it. */
  private budgetLimit(): RateLimit {
    return { perSecond: this.perBudget.perSecond / this.replicas, burst: Math.max(1, this.perBudget.burst / this.replicas) };
  }

  /** The number of sends accepted and not yet finished. */
  get pendingCount(): number {
    return this.inFlight.size;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private channelFor(ref: ChannelRef): Channel {
    const id = encodeRef({ platform: ref.platform, channelId: ref.channelId });
    let channel = this.channels.get(id);
    if (!channel) {
      if (this.channels.size >= this.sweepAt) this.sweepIdleChannels();
      channel = { id, budget: this.budgetFor(ref), bucket: new TokenBucket(this.perChannel, this.now()), pausedUntil: -Infinity, queue: [], active: undefined };
      this.channels.set(id, channel);
    }
    return channel;
  }

  private budgetFor(ref: ChannelRef): Budget {
    const key = this.budgetOf(ref);
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = { key, bucket: new TokenBucket(this.budgetLimit(), this.now()), pausedUntil: -Infinity, ready: new Fifo(), queued: false, wakeAt: 0 };
      this.budgets.set(key, budget);
    }
    return budget;
  }

  /** Forgets idle channels whose bucket is full again (they would start the same way from scratch). */
  private sweepIdleChannels(): void {
    const now = this.now();
    for (const [id, channel] of this.channels) {
      if (!channel.active && channel.queue.length === 0 && channel.pausedUntil <= now && channel.bucket.isFull(now)) this.channels.delete(id);
    }
    const used = new Set([...this.channels.values()].map((channel) => channel.budget));
    for (const [key, budget] of this.budgets) if (!used.has(budget) && !budget.queued) this.budgets.delete(key);
    this.sweepAt = Math.max(1024, this.channels.size * 2);
  }

  /** How long `pending` must still wait because of its own channel (bucket, 429 pause, backoff). */
  private channelWait(pending: Pending, now: number): number {
    return Math.max(0, pending.channel.bucket.waitMs(now), pending.channel.pausedUntil - now, pending.notBefore - now);
  }

  private enqueue(pending: Pending): void {
    const now = this.now();
    const wait = this.channelWait(pending, now);
    if (wait <= 0) {
      this.makeReady(pending);
    } else {
      pending.readyAt = now + wait;
      this.delayed.push(pending);
    }
  }

  /**
   * Grants every send that may go now and starts it; then arranges to be called again when the next one
   * may. Synchronous, and the only place tokens are taken.
   */
  private pump(): void {
    if (this.pumping || this.starting > 0) return;
    this.pumping = true;
    try {
      for (;;) {
        const now = this.now();
        const batch = this.grant(now);
        if (batch.length === 0) {
          this.scheduleWake(now);
          return;
        }
        this.starting += batch.length;
        for (const pending of batch) this.start(pending);
        // An async onAttempt hook is still running: its completion pumps again.
        if (this.starting > 0) return;
        this.settleBudgets();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Queues a send its channel allows now on its budget, and puts the budget in the round if it was idle. */
  private makeReady(pending: Pending): void {
    const budget = pending.channel.budget;
    budget.ready.push(pending);
    if (budget.queued) return;
    budget.queued = true;
    this.readyBudgets.push(budget);
  }

  /**
   * Takes turns among the budgets with ready sends: each with a token grants its oldest ready send, then goes to
   * the back; one out of tokens (or paused) waits in the heap until it has one again.
   */
  private grant(now: number): Pending[] {
    while (this.delayed.size > 0 && this.delayed.peek()!.readyAt <= now) this.makeReady(this.delayed.pop()!);
    while (this.waitingBudgets.size > 0 && this.waitingBudgets.peek()!.wakeAt <= now) this.readyBudgets.push(this.waitingBudgets.pop()!);
    const batch: Pending[] = [];
    for (let budget = this.readyBudgets.shift(); budget; budget = this.readyBudgets.shift()) {
      const wait = Math.max(budget.bucket.waitMs(now), budget.pausedUntil - now);
      if (wait > 0) {
        budget.wakeAt = now + wait;
        this.waitingBudgets.push(budget);
        continue;
      }
      for (let pending = budget.ready.shift(); pending; pending = budget.ready.shift()) {
        const channelWait = this.channelWait(pending, now);
        if (channelWait > 0) {
          pending.readyAt = now + channelWait;
          this.delayed.push(pending);
          continue;
        }
        budget.bucket.take(now);
        pending.channel.bucket.take(now);
        this.unsettled.add(budget);
        batch.push(pending);
        break;
      }
      if (budget.ready.length > 0) this.readyBudgets.push(budget);
      else budget.queued = false;
    }
    return batch;
  }

  /** Counts the tokens taken so far as taken now (see {@link TokenBucket.settle}). */
  private settleBudgets(): void {
    const now = this.now();
    for (const budget of this.unsettled) budget.bucket.settle(now);
    this.unsettled.clear();
  }

  private scheduleWake(now: number): void {
    let next = Infinity;
    const soonest = this.delayed.peek();
    if (soonest) next = soonest.readyAt;
    const budget = this.waitingBudgets.peek();
    if (budget) next = Math.min(next, budget.wakeAt);
    if (next === Infinity) return;
    next = Math.max(next, now + 1);
    for (const target of this.wakes) if (target <= next) return;
    this.wakes.add(next);
    this.clock.sleep(next - now).then(
      () => {
        this.wakes.delete(next);
        this.pump();
      },
      (error: unknown) => {
        this.wakes.delete(next);
        this.logger.error({ platform: this.platform.name, error: describeError(error) }, 'paced sender: clock sleep failed');
        this.pump();
      },
    );
  }

  /** Runs the `onAttempt` hook, then makes the platform call. */
  private start(pending: Pending): void {
    pending.attempt += 1;
    let hook: unknown;
    try {
      hook = pending.hooks.onAttempt?.(pending.attempt);
    } catch (error) {
      this.startDone();
      this.abandon(pending, error);
      return;
    }
    if (!isPromiseLike(hook)) {
      this.call(pending);
      return;
    }
    hook.then(
      () => this.call(pending),
      (error: unknown) => {
        this.startDone();
        this.abandon(pending, error);
      },
    );
  }

  private call(pending: Pending): void {
    const { job } = pending;
    pending.channel.bucket.settle(this.now());
    // An attempt that fails ambiguously may have made the post from the moment it was sent.
    const attemptStartedAt = this.clock.now();
    let result: Promise<PostedRef>;
    try {
      const options = { idempotencyKey: job.key, ...(pending.mayExistSince ? { mayExistSince: pending.mayExistSince } : {}) };
      result = job.thread ? this.platform.reply(job.thread, job.message, options) : this.platform.post(job.channel, job.message, options);
    } catch (error) {
      result = Promise.reject(error);
    }
    this.startDone();
    result.then(
      (posted) => this.finish(pending, { status: 'sent', posted }),
      (error: unknown) => {
        if (mayHaveLanded(error)) pending.mayExistSince ??= attemptStartedAt;
        this.failed(pending, error);
      },
    );
  }

  private startDone(): void {
    this.starting -= 1;
    if (this.starting === 0 && !this.pumping) {
      this.settleBudgets();
      this.pump();
    }
  }

  private failed(pending: Pending, error: unknown): void {
    const { job } = pending;
    const fields = { key: job.key, channel: pending.channel.id, attempt: pending.attempt };
    if (error instanceof ChannelGoneError) {
      this.logger.warn({ ...fields, reason: error.reason }, 'channel gone; message not sent');
      this.finish(pending, { status: 'channel-gone', reason: error.reason });
      return;
    }
    const now = this.now();
    let waitMs: number;
    if (error instanceof RateLimitedError) {
      waitMs = Math.ceil(error.retryAfterMs);
      this.metrics.rateLimited(this.platform.name);
      if (error.global) pending.channel.budget.pausedUntil = Math.max(pending.channel.budget.pausedUntil, now + waitMs);
      else pending.channel.pausedUntil = Math.max(pending.channel.pausedUntil, now + waitMs);
      this.logger.warn({ ...fields, retryAfterMs: waitMs, global: error.global }, error.global ? 'rate limited (global); pausing the workspace or platform' : 'rate limited; pausing the channel');
    } else {
      pending.transientFailures += 1;
      this.metrics.delivery(this.platform.name, 'retrying');
      waitMs = this.backoff(pending.transientFailures);
      if (error instanceof TransientPlatformError && error.retryAfterMs !== undefined) waitMs = Math.max(waitMs, Math.ceil(error.retryAfterMs));
      const landed = mayHaveLanded(error);
      // No answer at all: the platform may still be working on the request; an answer (a 5xx) means it is done.
      const answered = error instanceof TransientPlatformError && error.status !== undefined;
      if (landed && !answered) waitMs = Math.max(waitMs, this.settleMs);
      pending.notBefore = now + waitMs;
      const persistent = pending.transientFailures >= this.maxTransientAttempts;
      const log = { ...fields, failures: pending.transientFailures, waitMs, mayHaveLanded: landed, error: describeError(error) };
      if (persistent) this.logger.error(log, 'post keeps failing; retrying at the longest backoff');
      else this.logger.warn(log, landed ? 'post failed and may have been made; looking it up before retrying' : 'post failed; retrying after backoff');
    }
    let hook: unknown;
    try {
      hook = pending.hooks.onRetry?.(pending.attempt, error, waitMs);
    } catch (hookError) {
      this.abandon(pending, hookError);
      return;
    }
    const retry = (): void => {
      this.enqueue(pending);
      this.pump();
    };
    if (isPromiseLike(hook)) hook.then(retry, (hookError: unknown) => this.abandon(pending, hookError));
    else retry();
  }

  /**
   * The wait after the `failures`-th transient failure: doubling from `baseBackoffMs`, capped at
   * `maxBackoffMs` and at the cap from `maxTransientAttempts` on; half of it fixed, half jitter, so waits
   * never shrink from one failure to the next.
   */
  private backoff(failures: number): number {
    const ceiling =
      failures >= this.maxTransientAttempts ? this.maxBackoffMs : Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (failures - 1));
    const jitter = Math.min(1, Math.max(0, this.random()));
    return Math.ceil(ceiling / 2 + (jitter * ceiling) / 2);
  }

  private abandon(pending: Pending, error: unknown): void {
    this.logger.error({ key: pending.job.key, channel: pending.channel.id, attempt: pending.attempt, error: describeError(error) }, 'send abandoned: a hook failed');
    this.metrics.delivery(this.platform.name, 'abandoned');
    this.release(pending);
    pending.reject(error);
  }

  private finish(pending: Pending, result: SendResult): void {
    this.metrics.delivery(this.platform.name, result.status);
    this.release(pending);
    pending.resolve(result);
  }

  /** Frees the channel for its next send. */
  private release(pending: Pending): void {
    this.inFlight.delete(pending.job.key);
    const channel = pending.channel;
    const next = channel.queue.shift();
    channel.active = next;
    if (next) {
      this.enqueue(next);
      this.pump();
    }
  }
}

function checkLimit(limit: RateLimit, name: string): RateLimit {
  if (!(limit.perSecond > 0) || !(limit.burst >= 1) || !Number.isFinite(limit.perSecond) || !Number.isFinite(limit.burst)) {
    throw new RangeError(`${name} limit needs perSecond > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
  }
  return { perSecond: limit.perSecond, burst: limit.burst };
}
