import { describe, expect, it } from 'vitest';
import { createRng } from '../../bench/rng.ts';
import { textMessage, type OutgoingMessage } from '../../src/chat/message.ts';
import { NAME_MENTIONS } from '../../src/chat/mentions.ts';
import type { Capabilities, ChatPlatform, PostOptions } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';
import { ManualClock } from '../../src/clock.ts';
import { PacedSender, type PacedSenderOptions, type SendResult } from '../../src/delivery/paced-sender.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { maxInWindow } from '../helpers/windows.ts';

/** One call the fake platform received. */
interface Call {
  channelId: string;
  threadId?: string;
  text: string;
  /** Clock milliseconds since the test started. */
  at: number;
  /** The error thrown, if the call failed. */
  error?: Error;
  /** The `mayExistSince` the sender passed, as clock milliseconds since the test started. */
  lookupSince?: number;
  /** Whether this call made a post (a look-up that found one made none). */
  made: boolean;
}

/** A failure after which the post turns out to have been made: the platform stored it, then the answer was lost. */
class LandedThenFailed extends TransientPlatformError {}

type Plan = (call: { channelId: string; text: string; attemptOfText: number }) => Error | undefined;

/** A platform that records every call with its clock time and fails when its plan says so. */
class FakePlatform implements ChatPlatform {
  readonly name = 'fake';
  readonly capabilities: Capabilities = { threads: true, mentions: NAME_MENTIONS };
  readonly calls: Call[] = [];
  private readonly attempts = new Map<string, number>();
  private posted = 0;

  constructor(
    private readonly clock: ManualClock,
    private readonly start: number,
    public plan: Plan = () => undefined,
  ) {}

  async post(channel: ChannelRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
    return this.record(channel, undefined, message, options);
  }
  async reply(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
    return this.record(thread, thread.threadId, message, options);
  }
  private record(channel: ChannelRef, threadId: string | undefined, message: OutgoingMessage, options: PostOptions = {}): PostedRef {
    const text = message.fallbackText;
    const attemptOfText = (this.attempts.get(text) ?? 0) + 1;
    this.attempts.set(text, attemptOfText);
    const call: Call = { channelId: channel.channelId, text, at: this.clock.now().getTime() - this.start, made: false };
    if (threadId !== undefined) call.threadId = threadId;
    this.calls.push(call);
    if (options.mayExistSince) {
      const since = options.mayExistSince.getTime() - this.start;
      call.lookupSince = since;
      // The look-up: a post of this text made since then is returned instead of a new one.
      if (this.calls.some((c) => c.made && c.text === text && c.at >= since)) return { platform: this.name, channelId: channel.channelId, messageId: 'found' };
    }
    const error = this.plan({ channelId: channel.channelId, text, attemptOfText });
    if (error) call.error = error;
    call.made = !error || error instanceof LandedThenFailed;
    if (error) throw error;
    this.posted += 1;
    return { platform: this.name, channelId: channel.channelId, messageId: `m${this.posted}` };
  }
  async startThread(posted: PostedRef): Promise<ThreadRef> {
    return { platform: posted.platform, channelId: posted.channelId, threadId: posted.messageId };
  }
  /** The posts made (including those whose answer was lost). */
  get posts(): Call[] {
    return this.calls.filter((call) => call.made);
  }
  postsTo(channelId: string): Call[] {
    return this.posts.filter((call) => call.channelId === channelId);
  }
}

function setup(options: Partial<PacedSenderOptions> = {}, plan?: Plan) {
  const clock = new ManualClock();
  const start = clock.now().getTime();
  const platform = new FakePlatform(clock, start, plan);
  const logger = new MemoryLogger();
  // No settle time unless a test asks for it, so backoffs show as they are.
  const sender = new PacedSender({ platform, clock, logger, random: () => 0.5, settleMs: 0, ...options });
  const elapsed = (): number => clock.now().getTime() - start;
  const send = (channelId: string, text: string, hooks?: Parameters<PacedSender['send']>[1]): Promise<SendResult> =>
    sender.send({ key: `k:${text}`, channel: { platform: 'fake', channelId }, message: textMessage(text) }, hooks);
  return { clock, platform, logger, sender, elapsed, send };
}


function maxPerChannelInWindow(calls: readonly Call[], windowMs = 1000): number {
  const byChannel = new Map<string, number[]>();
  for (const call of calls) byChannel.set(call.channelId, [...(byChannel.get(call.channelId) ?? []), call.at]);
  return Math.max(0, ...[...byChannel.values()].map((times) => maxInWindow(times, windowMs)));
}

describe('PacedSender pacing', () => {
  it('spaces 10 messages to one channel per the channel limit: a burst of 3, then one a second', async () => {
    const { platform, send, clock } = setup();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send('C1', `m${i}`)));
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(platform.posts.map((p) => p.text)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(platform.posts.map((p) => p.at)).toEqual([0, 0, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    expect(clock.sleeps).toEqual(Array(7).fill(1000));
  });

  it('sends 3 channels × 5 messages in parallel, in the time of one channel, each channel in order', async () => {
    const { platform, send, elapsed } = setup();
    const sends = [];
    for (let i = 0; i < 5; i++) for (const channel of ['A', 'B', 'C']) sends.push(send(channel, `${channel}${i}`));
    await Promise.all(sends);
    expect(elapsed()).toBe(2000);
    for (const channel of ['A', 'B', 'C']) {
      const posts = platform.postsTo(channel);
      expect(posts.map((p) => p.text)).toEqual([0, 1, 2, 3, 4].map((i) => `${channel}${i}`));
      expect(posts.map((p) => p.at)).toEqual([0, 0, 0, 1000, 2000]);
    }
  });

  it('keeps a budget per workspace: a busy workspace neither slows nor pauses another', async () => {
    const workspace = (channel: ChannelRef): string => channel.channelId.split('/')[0]!;
    const { platform, send, elapsed } = setup({ global: { perSecond: 5, burst: 5 }, budgetOf: workspace }, ({ channelId, attemptOfText }) =>
      channelId === 'TBUSY/C0' && attemptOfText === 1 ? new RateLimitedError(4000, { global: true }) : undefined);
    const sends = [];
    for (let c = 0; c < 20; c++) for (let i = 0; i < 3; i++) sends.push(send(`TBUSY/C${c}`, `busy C${c}-${i}`));
    // Queued behind 60 posts of the busy workspace (whose budget is spent): sent at once all the same.
    const queuedAt = elapsed();
    for (let c = 0; c < 5; c++) sends.push(send(`TQUIET/C${c}`, `quiet C${c}`));
    await Promise.all(sends);
    expect(platform.posts).toHaveLength(65);
    expect(platform.posts.filter((p) => p.channelId.startsWith('TQUIET/')).map((p) => p.at)).toEqual(Array(5).fill(queuedAt));
    // The busy workspace's global 429 (answered at 0) paused it alone, for its Retry-After: after the next token
    // (200 ms, granted before the answer was read) nothing went until 4 s.
    const busy = platform.calls.filter((c) => c.channelId.startsWith('TBUSY/'));
    expect(busy.find((c) => c.error instanceof RateLimitedError)?.at).toBe(0);
    expect(busy.filter((c) => c.at > 200 && c.at < 4000)).toEqual([]);
    expect(maxInWindow(busy.map((c) => c.at))).toBeLessThanOrEqual(5 + 5 - 1);
  });

  it('keeps the global cap in every 1-second window, and gets close to the bound', async () => {
    const { platform, send, elapsed } = setup({ global: { perSecond: 5, burst: 5 } });
    const sends = [];
    for (let c = 0; c < 30; c++) for (let i = 0; i < 2; i++) sends.push(send(`C${c}`, `C${c}-${i}`));
    await Promise.all(sends);
    expect(platform.posts).toHaveLength(60);
    // A token bucket of rate r and burst b lets at most b + r - 1 through in any half-open second.
    expect(maxInWindow(platform.calls.map((c) => c.at))).toBeLessThanOrEqual(5 + 5 - 1);
    expect(maxPerChannelInWindow(platform.calls)).toBeLessThanOrEqual(3);
    // 5 at once, then 5 a second: the 60th may go at (60 - 5) / 5 s.
    expect(elapsed()).toBe(11_000);
  });

  it('with two replicas alive, takes half of the global limit, so together they stay under it', async () => {
    const { platform, sender, send, elapsed } = setup({ global: { perSecond: 10, burst: 10 } });
    sender.shareGlobalLimit(2);
    const sends = [];
    for (let c = 0; c < 30; c++) for (let i = 0; i < 2; i++) sends.push(send(`C${c}`, `C${c}-${i}`));
    await Promise.all(sends);
    expect(platform.posts).toHaveLength(60);
    // This replica's share is 5 a second with a burst of 5: 5 at once, then 5 a second (alone it would take 5 s).
    expect(maxInWindow(platform.calls.map((c) => c.at))).toBeLessThanOrEqual(5 + 5 - 1);
    expect(elapsed()).toBe(11_000);
  });

  it('with a global burst of 1, never lets more than perSecond through in any sliding second', async () => {
    const { platform, send } = setup({ global: { perSecond: 4, burst: 1 } });
    await Promise.all(Array.from({ length: 40 }, (_, i) => send(`C${i % 13}`, `m${i}`)));
    expect(platform.posts).toHaveLength(40);
    expect(maxInWindow(platform.calls.map((c) => c.at))).toBe(4);
  });

  it('holds the limits even when an async onAttempt hook lets the clock move', async () => {
    const { platform, send, clock } = setup({ global: { perSecond: 6, burst: 6 } });
    const hooks = { onAttempt: async () => clock.sleep(37) };
    const sends = [];
    for (let i = 0; i < 8; i++) for (let c = 0; c < 6; c++) sends.push(send(`C${c}`, `C${c}-${i}`, hooks));
    await Promise.all(sends);
    expect(platform.posts).toHaveLength(48);
    expect(maxInWindow(platform.calls.map((c) => c.at))).toBeLessThanOrEqual(6 + 6 - 1);
    expect(maxPerChannelInWindow(platform.calls)).toBeLessThanOrEqual(3);
  });

  it('paces thread replies with their channel and sends them through reply()', async () => {
    const { platform, sender } = setup();
    const channel = { platform: 'fake', channelId: 'C1' };
    const thread = { ...channel, threadId: 'T1' };
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        sender.send({ key: `t${i}`, channel, ...(i % 2 ? { thread } : {}), message: textMessage(`m${i}`) }),
      ),
    );
    expect(platform.posts.map((p) => [p.text, p.threadId, p.at])).toEqual([
      ['m0', undefined, 0],
      ['m1', 'T1', 0],
      ['m2', undefined, 0],
      ['m3', 'T1', 1000],
      ['m4', undefined, 2000],
    ]);
  });
});

describe('PacedSender failures', () => {
  it('waits out a 429 storm and posts exactly once, logging each 429', async () => {
    const { platform, send, clock, logger } = setup({}, ({ attemptOfText }) =>
      attemptOfText <= 5 ? new RateLimitedError(2000) : undefined,
    );
    const retries: [number, number][] = [];
    const attempts: number[] = [];
    const result = await send('C1', 'hello', {
      onAttempt: (attempt) => void attempts.push(attempt),
      onRetry: (attempt, _error, waitMs) => void retries.push([attempt, waitMs]),
    });
    expect(result.status).toBe('sent');
    expect(platform.posts).toHaveLength(1);
    expect(platform.calls.map((c) => c.at)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(clock.sleeps).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(retries).toEqual([[1, 2000], [2, 2000], [3, 2000], [4, 2000], [5, 2000]]);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(5);
    expect(logger.records.some((r) => r.level === 'error')).toBe(false);
  });

  it('holds back the other sends of a rate-limited channel, but not other channels', async () => {
    const { platform, send } = setup({}, ({ text, attemptOfText }) =>
      text === 'a0' && attemptOfText === 1 ? new RateLimitedError(5000) : undefined,
    );
    let other: Promise<SendResult> | undefined;
    const a0 = send('A', 'a0', {
      // Made once the sender knows about A's 429: another channel must not wait for it.
      onRetry: () => {
        other = send('B', 'b0');
      },
    });
    const a1 = send('A', 'a1');
    await Promise.all([a0, a1]);
    await other;
    expect(platform.postsTo('A').map((p) => [p.text, p.at])).toEqual([['a0', 5000], ['a1', 5000]]);
    expect(platform.postsTo('B').map((p) => [p.text, p.at])).toEqual([['b0', 0]]);
  });

  it('pauses every channel on a global 429', async () => {
    const { platform, send } = setup({}, ({ channelId, attemptOfText }) =>
      channelId === 'A' && attemptOfText === 1 ? new RateLimitedError(3000, { global: true }) : undefined,
    );
    let late: Promise<SendResult> | undefined;
    const first = send('A', 'a0', {
      // Called once the sender knows about the 429: a send to another channel made now must wait too.
      onRetry: () => {
        late = send('C', 'c0');
      },
    });
    const others = [send('B', 'b0'), send('B', 'b1'), send('B', 'b2'), send('B', 'b3')];
    await Promise.all([first, ...others]);
    await late;
    const failedAt = platform.calls.findIndex((c) => c.error);
    expect(platform.calls[failedAt]?.at).toBe(0);
    // Nothing at all goes out after the 429 was seen until Retry-After has passed.
    expect(platform.calls.filter((c) => c.at > 0 && c.at < 3000)).toEqual([]);
    expect(platform.postsTo('A').map((p) => p.at)).toEqual([3000]);
    expect(platform.postsTo('C').map((p) => p.at)).toEqual([3000]);
    expect(platform.postsTo('B').filter((p) => p.at >= 3000).length).toBeGreaterThanOrEqual(2);
    expect(platform.posts).toHaveLength(6);
  });

  it('retries 5xx with growing backoff and posts once', async () => {
    const { platform, send, clock, logger } = setup({}, ({ attemptOfText }) =>
      attemptOfText <= 3 ? new TransientPlatformError('502 Bad Gateway', { status: 502 }) : undefined,
    );
    const waits: number[] = [];
    const result = await send('C1', 'hello', { onRetry: (_attempt, _error, waitMs) => void waits.push(waitMs) });
    expect(result.status).toBe('sent');
    expect(platform.posts).toHaveLength(1);
    // Half fixed, half jitter (random 0.5): 3/4 of 1 s, 2 s, 4 s.
    expect(waits).toEqual([750, 1500, 3000]);
    expect(clock.sleeps).toEqual(waits);
    expect(platform.calls.map((c) => c.at)).toEqual([0, 750, 2250, 5250]);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(3);
  });

  it('treats unknown errors as transient and honours a Retry-After on a 503', async () => {
    const { platform, send, clock } = setup({}, ({ attemptOfText }) =>
      attemptOfText === 1 ? new Error('socket hang up') : attemptOfText === 2 ? new TransientPlatformError('503', { retryAfterMs: 9000 }) : undefined,
    );
    expect((await send('C1', 'x')).status).toBe('sent');
    expect(platform.posts).toHaveLength(1);
    expect(clock.sleeps).toEqual([750, 9000]);
  });

  it('never gives up on transient failures: after maxTransientAttempts it keeps retrying at the longest backoff', async () => {
    const { platform, send, logger } = setup(
      { maxTransientAttempts: 3, baseBackoffMs: 100, maxBackoffMs: 10_000, random: () => 0 },
      ({ attemptOfText }) => (attemptOfText <= 6 ? new TransientPlatformError('500') : undefined),
    );
    const waits: number[] = [];
    expect((await send('C1', 'x', { onRetry: (_a, _e, waitMs) => void waits.push(waitMs) })).status).toBe('sent');
    expect(platform.posts).toHaveLength(1);
    expect(waits).toEqual([50, 100, 5000, 5000, 5000, 5000]);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(2);
    expect(logger.records.filter((r) => r.level === 'error')).toHaveLength(4);
  });

  it('returns channel-gone at once without retrying, and other channels are unaffected', async () => {
    const { platform, send, clock } = setup({}, ({ channelId }) =>
      channelId === 'GONE' ? new ChannelGoneError('channel_not_found') : undefined,
    );
    const retries: number[] = [];
    const gone = send('GONE', 'g0', { onRetry: (attempt) => void retries.push(attempt) });
    const ok = [0, 1, 2, 3].map((i) => send('OK', `ok${i}`));
    expect(await gone).toEqual({ status: 'channel-gone', reason: 'channel_not_found' });
    expect((await Promise.all(ok)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(retries).toEqual([]);
    expect(platform.calls.filter((c) => c.channelId === 'GONE')).toHaveLength(1);
    expect(platform.postsTo('OK').map((p) => p.at)).toEqual([0, 0, 0, 1000]);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('rejects a send of a key already in flight, and a channel of another platform', async () => {
    const { sender, send } = setup();
    const first = send('C1', 'same');
    await expect(send('C1', 'same')).rejects.toThrow(/already being sent/);
    await expect(sender.send({ key: 'x', channel: { platform: 'slack', channelId: 'C1' }, message: textMessage('x') })).rejects.toThrow(/cannot send/);
    expect((await first).status).toBe('sent');
    expect(sender.pendingCount).toBe(0);
  });

  it('abandons a send whose onAttempt hook throws, without posting, and keeps the channel going', async () => {
    const { platform, send } = setup();
    const failing = send('C1', 'bad', {
      onAttempt: async () => {
        throw new Error('database is locked');
      },
    });
    const next = send('C1', 'good');
    await expect(failing).rejects.toThrow('database is locked');
    expect((await next).status).toBe('sent');
    expect(platform.posts.map((p) => p.text)).toEqual(['good']);
  });

  it('after a failure that may have landed, looks the post up (from that attempt on) instead of guessing', async () => {
    const { platform, send } = setup({}, ({ text, attemptOfText }) =>
      text === 'lost-answer' && attemptOfText === 1 ? new LandedThenFailed('socket hang up after sending') : text === 'timeout' && attemptOfText <= 2 ? new TransientPlatformError('timed out') : undefined,
    );
    expect((await send('A', 'lost-answer')).status).toBe('sent');
    expect((await send('B', 'timeout')).status).toBe('sent');
    // The post whose answer was lost is found by the look-up and not made again.
    expect(platform.posts.map((p) => p.text)).toEqual(['lost-answer', 'timeout']);
    expect(platform.calls.filter((c) => c.text === 'lost-answer').map((c) => [c.at, c.lookupSince])).toEqual([[0, undefined], [750, 0]]);
    // Every attempt after the first ambiguous one looks from that first attempt.
    expect(platform.calls.filter((c) => c.text === 'timeout').map((c) => [c.at, c.lookupSince])).toEqual([[750, undefined], [1500, 750], [3000, 750]]);
  });

  it('after a failure with no answer (timeout, cut connection) waits the settle time before looking up; not after an answer', async () => {
    const { platform, send } = setup({ settleMs: 2000 }, ({ text, attemptOfText }) => {
      if (attemptOfText > 1) return undefined;
      if (text === 'timeout') return new TransientPlatformError('timed out');
      if (text === '503') return new TransientPlatformError('503', { status: 503 });
      return new TransientPlatformError('refused', { mayHaveLanded: false });
    });
    for (const text of ['timeout', '503', 'refused']) await send(text, text);
    const gap = (text: string) => {
      const [first, second] = platform.calls.filter((c) => c.text === text).map((c) => c.at);
      return second! - first!;
    };
    expect([gap('timeout'), gap('503'), gap('refused')]).toEqual([2000, 750, 750]);
  });

  it('does not look up after a 429 or a refused connection: those posts were certainly not made', async () => {
    const { platform, send } = setup({}, ({ attemptOfText }) =>
      attemptOfText === 1 ? new RateLimitedError(1000) : attemptOfText === 2 ? new TransientPlatformError('ECONNREFUSED', { mayHaveLanded: false }) : undefined,
    );
    expect((await send('C1', 'x')).status).toBe('sent');
    expect(platform.calls.map((c) => c.lookupSince)).toEqual([undefined, undefined, undefined]);
    expect(platform.posts).toHaveLength(1);
  });

  it('looks first on the first attempt of a send that may have been made before a crash', async () => {
    const { platform, sender, clock } = setup();
    const since = new Date(clock.now().getTime() - 60_000);
    await sender.send({ key: 'resumed', channel: { platform: 'fake', channelId: 'C1' }, message: textMessage('resumed'), mayExistSince: since });
    expect(platform.calls.map((c) => c.lookupSince)).toEqual([-60_000]);
  });

  it('never posts twice nor loses a message across 200 random sends with random failures', async () => {
    const rng = createRng(20250124);
    const channels = Array.from({ length: 12 }, (_, i) => `C${i}`);
    const plan: Plan = ({ channelId }) => {
      if (channelId === 'GONE') return new ChannelGoneError('is_archived');
      const roll = rng.next();
      if (roll < 0.12) return new RateLimitedError(rng.between(200, 3000));
      if (roll < 0.15) return new RateLimitedError(rng.between(200, 2000), { global: true });
      if (roll < 0.27) return new TransientPlatformError('500', { status: 500 });
      if (roll < 0.3) return new Error('ECONNRESET');
      if (roll < 0.36) return new LandedThenFailed('reset after Slack accepted it');
      return undefined;
    };
    const global = { perSecond: 8, burst: 8 };
    const { platform, sender } = setup({ global, random: () => rng.next(), maxBackoffMs: 20_000 }, plan);
    const sent: { key: string; channelId: string }[] = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      const channelId = rng.chance(0.05) ? 'GONE' : rng.pick(channels);
      const key = `k${i}`;
      sent.push({ key, channelId });
      sends.push(
        sender
          .send({ key, channel: { platform: 'fake', channelId }, message: textMessage(key) })
          .then((result) => expect(result.status).toBe(channelId === 'GONE' ? 'channel-gone' : 'sent')),
      );
    }
    await Promise.all(sends);

    const postedKeys = platform.posts.map((p) => p.text);
    expect(new Set(postedKeys).size).toBe(postedKeys.length);
    expect(new Set(postedKeys)).toEqual(new Set(sent.filter((s) => s.channelId !== 'GONE').map((s) => s.key)));
    for (const channelId of channels) {
      expect(platform.postsTo(channelId).map((p) => p.text)).toEqual(sent.filter((s) => s.channelId === channelId).map((s) => s.key));
    }
    expect(platform.calls.filter((c) => c.channelId === 'GONE')).toHaveLength(sent.filter((s) => s.channelId === 'GONE').length);
    expect(platform.calls.some((c) => c.error instanceof RateLimitedError)).toBe(true);
    expect(platform.calls.some((c) => c.error instanceof TransientPlatformError)).toBe(true);
    expect(platform.calls.some((c) => c.error instanceof LandedThenFailed)).toBe(true);
    // Every attempt, failed or not, kept to the limits.
    expect(maxInWindow(platform.calls.map((c) => c.at))).toBeLessThanOrEqual(global.burst + global.perSecond - 1);
    expect(maxPerChannelInWindow(platform.calls)).toBeLessThanOrEqual(3);
    expect(sender.pendingCount).toBe(0);
  });
});
