/**
 * Digest fan-out benchmark: one daily post to each of N channels through `PacedSender`, against a simulated
 * Slack-like platform that enforces the limits itself (per channel and workspace-wide, answering 429 with
 * Retry-After when they are exceeded) and takes a fixed latency per call. Time is virtual: a discrete-event
 * clock runs timers in time order once every promise callback has run, so concurrent sends overlap in
 * virtual time as they would in real time, and 1,000 channels take well under a second of real time.
 * Reports the virtual time against the theoretical minimum, the 429s drawn and the memory used; asserts
 * nothing about time.
 */
import { textMessage, type OutgoingMessage } from '../src/chat/message.ts';
import type { Capabilities, ChatPlatform } from '../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../src/chat/refs.ts';
import type { Clock } from '../src/clock.ts';
import { PacedSender, type SendResult } from '../src/delivery/paced-sender.ts';
import { RateLimitedError } from '../src/delivery/platform-errors.ts';
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
  logger?: Logger;
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
  readonly capabilities: Capabilities = { threads: true, ephemeral: true, buttons: true, editing: true };
  /** Posts accepted, in arrival order. */
  readonly accepted: AcceptedPost[] = [];
  /** 429s answered. */
  rateLimited429s = 0;
  private readonly channelMeters = new Map<string, RateMeter>();
  private readonly workspaceMeter: RateMeter;

  constructor(
    private readonly clock: Clock,
    private readonly limits: { perChannelPerSecond: number; burst: number; workspacePerSecond: number; workspaceBurst: number; latencyMs: number },
  ) {
    this.workspaceMeter = new RateMeter(limits.workspacePerSecond, limits.workspaceBurst);
  }

  async post(channel: ChannelRef, message: OutgoingMessage): Promise<PostedRef> {
    const half = this.limits.latencyMs / 2;
    await this.clock.sleep(half);
    const at = this.clock.now().getTime();
    let meter = this.channelMeters.get(channel.channelId);
    if (!meter) {
      meter = new RateMeter(this.limits.perChannelPerSecond, this.limits.burst);
      this.channelMeters.set(channel.channelId, meter);
    }
    const channelExcess = meter.excessMs(at);
    const workspaceExcess = this.workspaceMeter.excessMs(at);
    if (channelExcess > 0 || workspaceExcess > 0) {
      this.rateLimited429s += 1;
      await this.clock.sleep(half);
      const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(channelExcess, workspaceExcess) / 1000));
      throw new RateLimitedError(retryAfterSeconds * 1000, { global: workspaceExcess > channelExcess });
    }
    meter.record(at);
    this.workspaceMeter.record(at);
    this.accepted.push({ channelId: channel.channelId, at, text: message.fallbackText });
    await this.clock.sleep(half);
    return { platform: this.name, channelId: channel.channelId, messageId: `${Math.floor(at / 1000)}.${String(this.accepted.length).padStart(6, '0')}` };
  }

  reply(thread: ThreadRef, message: OutgoingMessage): Promise<PostedRef> {
    return this.post(thread, message);
  }
  /** Threads are not part of a fan-out; a thread is named after its message. */
  async startThread(posted: PostedRef): Promise<ThreadRef> {
    return { platform: posted.platform, channelId: posted.channelId, threadId: posted.messageId };
  }

}

/**
 * The least time N single messages can take: the workspace lets `workspaceBurst` through at once and then
 * `workspacePerSecond`, so the last request reaches the server `(N - burst) / rate` seconds in at the
 * earliest, and its answer comes one latency after it was sent. (One message per channel never meets the
 * per-channel limit.)
 */
export function fanoutLowerBoundMs(options: FanoutOptions = {}): number {
  const o = { ...DEFAULT_FANOUT, ...options };
  return (Math.max(0, o.channels - o.workspaceBurst) * 1000) / o.workspacePerSecond + o.latencyMs;
}

/** Runs the fan-out and keeps the simulated platform and outcomes for inspection. */
export async function simulateFanout(options: FanoutOptions = {}): Promise<FanoutRun> {
  const o = { ...DEFAULT_FANOUT, ...options };
  const clock = new VirtualClock();
  const platform = new SimulatedSlackPlatform(clock, o);
  const sender = new PacedSender({
    platform,
    clock,
    logger: options.logger ?? silentLogger,
    perChannel: { perSecond: o.perChannelPerSecond, burst: o.burst },
    global: options.senderGlobal ?? { perSecond: o.workspacePerSecond, burst: o.workspaceBurst },
  });
  const channelIds = Array.from({ length: o.channels }, (_, i) => `C${String(i).padStart(7, '0')}`);
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
    }),
  );
  sample();
  await clock.run(work, () => {
    if (clock.fired % 256 === 0) sample();
  });
  sample();
  const totalMs = clock.now().getTime() - start;
  const lowerBoundMs = fanoutLowerBoundMs(o);
  return {
    result: {
      channels: o.channels,
      totalMs,
      lowerBoundMs,
      ratio: totalMs / lowerBoundMs,
      rateLimited429s: platform.rateLimited429s,
      rssMb: rss / 2 ** 20,
      heapMb: heap / 2 ** 20,
      wallMs: performance.now() - wallStart,
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
        r.channels.toLocaleString('en'),
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
