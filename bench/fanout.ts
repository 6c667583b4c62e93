/**
 * Digest fan-out benchmark: one daily post to each of N channels through `PacedSender`, against a simulated
 * Slack-like platform that enforces the limits itself (per channel and workspace-wide, answering 429 with
 * Retry-After when they are exceeded) and takes a fixed latency per call. Time is virtual: a discrete-event
 * clock runs timers in time order once every promise callback has run, so concurrent sends overlap in
 * virtual time as they would in real time, and 1,000 channels take well under a second of real time.
 * Reports the virtual time against the theoretical minimum, the 429s drawn and the memory used; asserts
 * nothing about time.
 *
 * With faults, one channel's calls hang until the client's request timeout (the first few attempts) and another
 * channel answers 429 twenty times: the other channels' finish is compared with the bound for them alone, which is
 * what "one channel's trouble delays only that channel" means.
 *
 * With `workspaces`, the channels belong to that many Slack workspaces (ten each for 1,000 channels over 100), each
 * with its own workspace-wide limit as Slack has, and the sender keeps a budget per workspace: the run is compared
 * with the bound of the busiest workspace alone.
 */
import { textMessage, type OutgoingMessage } from '../src/chat/message.ts';
import { NAME_MENTIONS } from '../src/chat/mentions.ts';
import type { Capabilities, ChatPlatform, PostOptions } from '../src/chat/platform.port.ts';
import { splitWorkspaceChannelId, type ChannelRef, type PostedRef, type ThreadRef } from '../src/chat/refs.ts';
import type { Clock } from '../src/clock.ts';
import { PacedSender, type SendResult } from '../src/delivery/paced-sender.ts';
import { RateLimitedError, TransientPlatformError } from '../src/delivery/platform-errors.ts';
import { silentLogger, type Logger } from '../src/logger.ts';
import { MinHeap } from '../src/util/min-heap.ts';

/** The limits of a fan-out run; every field is optional (defaults in {@link DEFAULT_FANOUT}). */
export interface FanoutOptions {
  /** Channels, each receiving one message. */
  channels?: number;
  perChannelPerSecond?: number;
  /** Messages a channel may receive at once before the per-second pace applies. */
  burst?: number;
  workspacePerSecond?: number;
  workspaceBurst?: number;
  /** Round-trip time of one call, split evenly between request and response. */
  latencyMs?: number;
  /**
   * The platform-wide pace the sender is configured with, when it should differ from the simulator's
   * workspace cap (to see how a sender that misjudges the limit fares). Default: the cap itself.
   */
  senderGlobal?: { perSecond: number; burst: number };
  /** Faults of single channels (none by default). */
  faults?: FanoutFaults;
  /** Slack workspaces the channels are spread over (1 by default), each limited on its own. */
  workspaces?: number;
  /** With `workspaces`: the sender keeps one budget for all of them (how it was before per-workspace budgets). */
  sharedBudget?: boolean;
  logger?: Logger;
}

/** Channels in trouble during a fan-out. */
export interface FanoutFaults {
  /** This channel's first `hangs` calls hang until the client's request timeout; they have no effect. */
  hung?: { channelIndex: number; hangs: number };
  /** This channel's first `times` calls are answered 429 with Retry-After `retryAfterSeconds`. */
  rateLimited?: { channelIndex: number; times: number; retryAfterSeconds: number };
  /** The client's request timeout (default 10 s, the bot's). */
  requestTimeoutMs?: number;
}

/** Defaults: 1,000 channels, Slack-like 1 msg/s per channel with a burst of 3, a workspace cap of 50/s, 50 ms calls. */
export const DEFAULT_FANOUT = Object.freeze({
  channels: 1000,
  perChannelPerSecond: 1,
  burst: 3,
  workspacePerSecond: 50,
  workspaceBurst: 50,
  latencyMs: 50,
});

/** What a fan-out run measured. Times are virtual milliseconds; memory is the process peak during the run. */
export interface FanoutResult {
  channels: number;
  /** From the first send to the last confirmed post. */
  totalMs: number;
  /** The least `totalMs` the limits allow (see {@link fanoutLowerBoundMs}). */
  lowerBoundMs: number;
  ratio: number;
  /** 429 answers the simulated platform gave. */
  rateLimited429s: number;
  rssMb: number;
  heapMb: number;
  /** Real time the simulation took. */
  wallMs: number;
  /** With faults: when the last of the channels without a fault had its post, and the bound for them alone. */
  others?: { channels: number; totalMs: number; lowerBoundMs: number; ratio: number };
  /** With faults: when the hung channel and the rate-limited one had their post. */
  faulty?: { hungMs?: number; rateLimitedMs?: number };
  /** Workspaces the channels belong to (1 unless spread). */
  workspaces: number;
}

/** A {@link FanoutResult} plus what a test needs to check correctness. */
export interface FanoutRun {
  result: FanoutResult;
  platform: SimulatedSlackPlatform;
  /** Each send's outcome, by channel id. */
  outcomes: Map<string, SendResult>;
  /** The channel ids posted to. */
  channelIds: string[];
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A discrete-event clock: `sleep` registers a timer and time only moves when nothing else can run, to the
 * earliest timer. Timers fire one at a time in (time, registration) order with all promise callbacks run in
 * between, as Node's timers do, so parallel work overlaps in virtual time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly timers = new MinHeap<Timer>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;
  /** Timers fired so far. */
  fired = 0;

  constructor(start: Date | string = '2025-01-24T09:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.current + Math.max(0, ms), seq: this.seq++, resolve }));
  }

  /**
   * Drives time until `work` settles and returns its value; `onStep` runs after each timer. Throws when
   * `work` is still pending with no timer left (a deadlock).
   */
  async run<T>(work: Promise<T>, onStep?: () => void): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return watched;
      const timer = this.timers.pop();
      if (!timer) throw new Error('virtual clock: work is pending but no timer is set');
      this.current = Math.max(this.current, timer.at);
      this.fired += 1;
      timer.resolve();
      onStep?.();
    }
  }
}

/**
 * A Generic Cell Rate Algorithm meter (the server's side of a token bucket): a request at `t` conforms
 * unless it comes before the theoretical arrival time less the burst tolerance.
 */
class RateMeter {
  private theoreticalArrival = -Infinity;
  private readonly interval: number;
  private readonly tolerance: number;

  constructor(perSecond: number, burst: number) {
    this.interval = 1000 / perSecond;
    this.tolerance = (burst - 1) * this.interval;
  }
  /** Milliseconds until a request would conform; 0 when it does now. */
  excessMs(t: number): number {
    const early = this.theoreticalArrival - this.tolerance - t;
    return early > 1e-6 ? early : 0;
  }
  record(t: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, t) + this.interval;
  }
}

/** One post the simulated platform accepted. */
export interface AcceptedPost {
  channelId: string;
  /** Virtual time the request reached the server. */
  at: number;
  text: string;
  /** The delivery key it was posted with. */
  key?: string;
  messageId: string;
}

/**
 * A Slack-like `chat.postMessage` that enforces its own limits: about `perChannelPerSecond` per channel with
 * a short burst, and a workspace-wide cap. A request over a limit is refused with a 429 whose Retry-After is
 * in whole seconds, as Slack sends it, surfaced as the {@link RateLimitedError} an adapter would throw
 * (`global` when the workspace cap was the one hit). Each call takes `latencyMs`: half to reach the server,
 * where limits are checked, and half to come back.
 */
export class SimulatedSlackPlatform implements ChatPlatform {
  readonly name = 'slack';
  readonly capabilities: Capabilities = { threads: true, mentions: NAME_MENTIONS };
  /** Posts accepted, in arrival order. */
  readonly accepted: AcceptedPost[] = [];
  /** 429s answered. */
  rateLimited429s = 0;
  private readonly channelMeters = new Map<string, RateMeter>();
  /** Each workspace's limit (the part of a channel id before `/`; one for bare ids). */
  private readonly workspaceMeters = new Map<string, RateMeter>();
  /** Calls made so far, by channel (for the scripted faults). */
  private readonly callsByChannel = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { perChannelPerSecond: number; burst: number; workspacePerSecond: number; workspaceBurst: number; latencyMs: number },
    private readonly faults: { hung?: { channelId: string; hangs: number }; rateLimited?: { channelId: string; times: number; retryAfterSeconds: number }; requestTimeoutMs: number } = { requestTimeoutMs: 10_000 },
  ) {}

  async post(channel: ChannelRef, message: OutgoingMessage, options: PostOptions = {}): Promise<PostedRef> {
    const half = this.limits.latencyMs / 2;
    const call = (this.callsByChannel.get(channel.channelId) ?? 0) + 1;
    this.callsByChannel.set(channel.channelId, call);
    const { hung, rateLimited } = this.faults;
    if (hung?.channelId === channel.channelId && call <= hung.hangs) {
      // No answer: the client gives up at its timeout (the call had no effect).
      await this.clock.sleep(this.faults.requestTimeoutMs);
      throw new TransientPlatformError('the request timed out');
    }
    // A look-up (history is another method, not under chat.postMessage's limits): a post made earlier is returned.
    if (options.mayExistSince && options.idempotencyKey !== undefined) {
      await this.clock.sleep(this.limits.latencyMs);
      const made = this.accepted.find((post) => post.key === options.idempotencyKey);
      if (made) return { platform: this.name, channelId: channel.channelId, messageId: made.messageId };
    }
    await this.clock.sleep(half);
    const at = this.clock.now().getTime();
    if (rateLimited?.channelId === channel.channelId && call <= rateLimited.times) {
      this.rateLimited429s += 1;
      await this.clock.sleep(half);
      throw new RateLimitedError(rateLimited.retryAfterSeconds * 1000);
    }
    let meter = this.channelMeters.get(channel.channelId);
    if (!meter) {
      meter = new RateMeter(this.limits.perChannelPerSecond, this.limits.burst);
      this.channelMeters.set(channel.channelId, meter);
    }
    const workspace = workspaceOf(channel);
    let workspaceMeter = this.workspaceMeters.get(workspace);
    if (!workspaceMeter) {
      workspaceMeter = new RateMeter(this.limits.workspacePerSecond, this.limits.workspaceBurst);
      this.workspaceMeters.set(workspace, workspaceMeter);
    }
    const channelExcess = meter.excessMs(at);
    const workspaceExcess = workspaceMeter.excessMs(at);
    if (channelExcess > 0 || workspaceExcess > 0) {
      this.rateLimited429s += 1;
      await this.clock.sleep(half);
      const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(channelExcess, workspaceExcess) / 1000));
      throw new RateLimitedError(retryAfterSeconds * 1000, { global: workspaceExcess > channelExcess });
    }
    meter.record(at);
    workspaceMeter.record(at);
    const messageId = `${Math.floor(at / 1000)}.${String(this.accepted.length + 1).padStart(6, '0')}`;
    this.accepted.push({ channelId: channel.channelId, at, text: message.fallbackText, messageId, ...(options.idempotencyKey !== undefined ? { key: options.idempotencyKey } : {}) });
    await this.clock.sleep(half);
    return { platform: this.name, channelId: channel.channelId, messageId };
  }

  reply(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
    return this.post(thread, message, options);
  }
  /** Threads are not part of a fan-out; a thread is named after its message. */
  async startThread(posted: PostedRef): Promise<ThreadRef> {
    return { platform: posted.platform, channelId: posted.channelId, threadId: posted.messageId };
  }

}

/** The workspace of a simulated channel (`T…/C…`), or one for all bare ids. */
const workspaceOf = (channel: { channelId: string }): string => splitWorkspaceChannelId(channel.channelId).workspace ?? '';

/**
 * The least time N single messages can take: the workspace lets `workspaceBurst` through at once and then
 * `workspacePerSecond`, so the last request reaches the server `(N - burst) / rate` seconds in at the
 * earliest, and its answer comes one latency after it was sent. (One message per channel never meets the
 * per-channel limit.) Spread over workspaces, each limited on its own, N is the busiest workspace's share.
 */
export function fanoutLowerBoundMs(options: FanoutOptions = {}): number {
  const o = { ...DEFAULT_FANOUT, ...options };
  const perWorkspace = Math.ceil(o.channels / (options.workspaces ?? 1));
  return (Math.max(0, perWorkspace - o.workspaceBurst) * 1000) / o.workspacePerSecond + o.latencyMs;
}

/** Runs the fan-out and keeps the simulated platform and outcomes for inspection. */
export async function simulateFanout(options: FanoutOptions = {}): Promise<FanoutRun> {
  const o = { ...DEFAULT_FANOUT, ...options };
  const clock = new VirtualClock();
  const workspaces = options.workspaces ?? 1;
  // Spread over workspaces: in the order the scheduler lists them (by channel ref), a workspace's channels together.
  const channelIds = Array.from({ length: o.channels }, (_, i) => `C${String(i).padStart(7, '0')}`)
    .map((id, i) => (workspaces > 1 ? `T${String(i % workspaces).padStart(5, '0')}/${id}` : id))
    .sort();
  const faults = options.faults ?? {};
  const requestTimeoutMs = faults.requestTimeoutMs ?? 10_000;
  const platform = new SimulatedSlackPlatform(clock, o, {
    requestTimeoutMs,
    ...(faults.hung ? { hung: { channelId: channelIds[faults.hung.channelIndex]!, hangs: faults.hung.hangs } } : {}),
    ...(faults.rateLimited ? { rateLimited: { channelId: channelIds[faults.rateLimited.channelIndex]!, times: faults.rateLimited.times, retryAfterSeconds: faults.rateLimited.retryAfterSeconds } } : {}),
  });
  const sender = new PacedSender({
    platform,
    clock,
    logger: options.logger ?? silentLogger,
    perChannel: { perSecond: o.perChannelPerSecond, burst: o.burst },
    global: options.senderGlobal ?? { perSecond: o.workspacePerSecond, burst: o.workspaceBurst },
    // As the bot configures it: a look-up after a timeout waits as long as the timeout.
    settleMs: requestTimeoutMs,
    ...(options.sharedBudget ? {} : { budgetOf: workspaceOf }),
  });
  const finishedAt = new Map<string, number>();
  // Stands in for the delivery store, so the hooks run as they would in the bot.
  const status = new Map<string, string>();
  const outcomes = new Map<string, SendResult>();

  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    const memory = process.memoryUsage();
    rss = Math.max(rss, memory.rss);
    heap = Math.max(heap, memory.heapUsed);
  };
  const wallStart = performance.now();
  const start = clock.now().getTime();
  const work = Promise.all(
    channelIds.map(async (channelId) => {
      const key = `daily:slack:${channelId}:2025-01-24`;
      status.set(key, 'claimed');
      const result = await sender.send(
        { key, channel: { platform: 'slack', channelId }, message: textMessage(`Trending papers for ${channelId}`) },
        {
          onAttempt: async () => void status.set(key, 'sending'),
          onRetry: async () => void status.set(key, 'retrying'),
        },
      );
      status.set(key, result.status);
      outcomes.set(channelId, result);
      finishedAt.set(channelId, clock.now().getTime());
    }),
  );
  sample();
  await clock.run(work, () => {
    if (clock.fired % 256 === 0) sample();
  });
  sample();
  const totalMs = clock.now().getTime() - start;
  const lowerBoundMs = fanoutLowerBoundMs(o);
  const faultyIndexes = new Set([faults.hung?.channelIndex, faults.rateLimited?.channelIndex].filter((i): i is number => i !== undefined));
  let others: FanoutResult['others'];
  let faulty: FanoutResult['faulty'];
  if (faultyIndexes.size > 0) {
    const healthy = channelIds.filter((_id, i) => !faultyIndexes.has(i));
    const othersMs = Math.max(...healthy.map((id) => finishedAt.get(id)! - start));
    const othersBound = fanoutLowerBoundMs({ ...o, channels: healthy.length });
    others = { channels: healthy.length, totalMs: othersMs, lowerBoundMs: othersBound, ratio: othersMs / othersBound };
    const at = (index: number | undefined) => (index === undefined ? undefined : finishedAt.get(channelIds[index]!)! - start);
    const hungMs = at(faults.hung?.channelIndex);
    const rateLimitedMs = at(faults.rateLimited?.channelIndex);
    faulty = { ...(hungMs !== undefined ? { hungMs } : {}), ...(rateLimitedMs !== undefined ? { rateLimitedMs } : {}) };
  }
  return {
    result: {
      channels: o.channels,
      workspaces,
      totalMs,
      lowerBoundMs,
      ratio: totalMs / lowerBoundMs,
      rateLimited429s: platform.rateLimited429s,
      rssMb: rss / 2 ** 20,
      heapMb: heap / 2 ** 20,
      wallMs: performance.now() - wallStart,
      ...(others ? { others } : {}),
      ...(faulty ? { faulty } : {}),
    },
    platform,
    outcomes,
    channelIds,
  };
}

/** Measures a daily post to `channels` channels (1,000 by default) through `PacedSender`. */
export async function measureFanout(options: FanoutOptions = {}): Promise<FanoutResult> {
  return (await simulateFanout(options)).result;
}

/** A small Markdown table of fan-out results, one row each. */
export function formatFanout(result: FanoutResult | readonly FanoutResult[]): string {
  const rows = Array.isArray(result) ? (result as readonly FanoutResult[]) : [result as FanoutResult];
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(['channels', 'total (virtual)', 'lower bound', 'ratio', '429s', 'peak RSS', 'peak heap', 'real time']),
    line(Array(8).fill('---')),
    ...rows.map((r) =>
      line([
        r.workspaces > 1 ? `${r.workspaces} workspaces × ${r.channels / r.workspaces}` : r.channels.toLocaleString('en'),
        seconds(r.totalMs),
        seconds(r.lowerBoundMs),
        `${r.ratio.toFixed(3)}×`,
        r.rateLimited429s.toLocaleString('en'),
        `${r.rssMb.toFixed(0)} MB`,
        `${r.heapMb.toFixed(0)} MB`,
        `${r.wallMs.toFixed(0)} ms`,
      ]),
    ),
  ].join('\n');
}

/**
 * The #12 target: a daily post to 1,000 channels with one channel hung (its first three calls hang until the 10 s
 * request timeout) and one answering 429 twenty times (Retry-After 1 s). Simulated time.
 */
export function measureFanoutWithFaults(options: FanoutOptions = {}): Promise<FanoutResult> {
  return measureFanout({
    channels: 1000,
    faults: { hung: { channelIndex: 0, hangs: 3 }, rateLimited: { channelIndex: 1, times: 20, retryAfterSeconds: 1 } },
    ...options,
  });
}

/**
 * The #15 target: a daily post to 100 workspaces × 10 channels within 1.2× of the per-workspace bound. Three runs:
 * the default Slack-like limits, a tight workspace cap (5/s, burst 5) where the workspace limit is what binds, and
 * that cap with one budget shared by all workspaces, for contrast. Simulated time.
 */
export async function measureFanoutOverWorkspaces(): Promise<FanoutResult[]> {
  const spread = { channels: 1000, workspaces: 100 };
  const tight = { ...spread, workspacePerSecond: 5, workspaceBurst: 5 };
  return [await measureFanout(spread), await measureFanout(tight), await measureFanout({ ...tight, sharedBudget: true })];
}

/** The faulty fan-out's numbers, in words. */
export function formatFanoutFaults(result: FanoutResult): string {
  if (!result.others) return '';
  const seconds = (ms: number | undefined): string => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);
  const o = result.others;
  return [
    `| channels | the other ${o.channels.toLocaleString('en')}: last post (virtual) | their lower bound | ratio | hung channel's post | 20×429 channel's post | 429s |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${result.channels.toLocaleString('en')} | ${seconds(o.totalMs)} | ${seconds(o.lowerBoundMs)} | ${o.ratio.toFixed(3)}× | ${seconds(result.faulty?.hungMs)} | ${seconds(result.faulty?.rateLimitedMs)} | ${result.rateLimited429s} |`,
  ].join('\n');
}
