import { describe, expect, it } from 'vitest';
import { formatFanout, measureFanout, simulateFanout, VirtualClock } from '../../bench/fanout.ts';
import { maxInWindow } from '../helpers/windows.ts';


describe('digest fan-out benchmark', () => {
  it('delivers exactly one message to each of 200 channels within the simulated limits', async () => {
    const limits = { channels: 200, perChannelPerSecond: 1, burst: 3, workspacePerSecond: 20, workspaceBurst: 20 };
    const { result, platform, outcomes, channelIds } = await simulateFanout(limits);

    expect(channelIds).toHaveLength(200);
    expect([...outcomes.values()].every((outcome) => outcome.status === 'sent')).toBe(true);
    const perChannel = new Map<string, number>();
    for (const post of platform.accepted) perChannel.set(post.channelId, (perChannel.get(post.channelId) ?? 0) + 1);
    expect(perChannel.size).toBe(200);
    expect([...perChannel.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(platform.accepted.map((post) => post.channelId))).toEqual(new Set(channelIds));

    // The sender never ran into the simulator's limits, and what the simulator accepted stays within them.
    expect(result.rateLimited429s).toBe(0);
    expect(maxInWindow(platform.accepted.map((post) => post.at))).toBeLessThanOrEqual(limits.workspaceBurst + limits.workspacePerSecond - 1);
    expect(formatFanout(result)).toContain('| 200 |');
  });

  it('still delivers exactly once when the sender overestimates the cap: the simulator answers 429s and holds its limits', async () => {
    const limits = { channels: 200, perChannelPerSecond: 1, burst: 3, workspacePerSecond: 20, workspaceBurst: 20 };
    const { result, platform, outcomes } = await simulateFanout({ ...limits, senderGlobal: { perSecond: 40, burst: 40 } });

    expect(result.rateLimited429s).toBeGreaterThan(0);
    expect([...outcomes.values()].every((outcome) => outcome.status === 'sent')).toBe(true);
    expect(platform.accepted).toHaveLength(200);
    expect(new Set(platform.accepted.map((post) => post.channelId)).size).toBe(200);
    expect(maxInWindow(platform.accepted.map((post) => post.at))).toBeLessThanOrEqual(limits.workspaceBurst + limits.workspacePerSecond - 1);
  });

  it('keeps one hung channel and one answering 429 twenty times to themselves: everyone gets the post once, the others first', async () => {
    const limits = { channels: 200, perChannelPerSecond: 1, burst: 3, workspacePerSecond: 20, workspaceBurst: 20 };
    const { result, platform, outcomes, channelIds } = await simulateFanout({
      ...limits,
      faults: { hung: { channelIndex: 0, hangs: 2 }, rateLimited: { channelIndex: 1, times: 20, retryAfterSeconds: 1 } },
    });
    expect([...outcomes.values()].every((outcome) => outcome.status === 'sent')).toBe(true);
    expect(platform.accepted).toHaveLength(200);
    expect(new Set(platform.accepted.map((post) => post.channelId))).toEqual(new Set(channelIds));
    expect(result.rateLimited429s).toBe(20);
    // The others are done before either channel in trouble, which took its own time.
    expect(result.others!.channels).toBe(198);
    expect(result.others!.totalMs).toBeLessThan(result.faulty!.rateLimitedMs!);
    expect(result.others!.totalMs).toBeLessThan(result.faulty!.hungMs!);
    expect(result.faulty!.hungMs!).toBeGreaterThanOrEqual(2 * 10_000);
  });

  it('sends to 100 workspaces × 10 channels within 1.2× of one workspace\'s bound: each workspace has its own budget', async () => {
    const tight = { channels: 1000, workspaces: 100, workspacePerSecond: 5, workspaceBurst: 5 };
    const { result, platform, outcomes } = await simulateFanout(tight);
    expect([...outcomes.values()].every((outcome) => outcome.status === 'sent')).toBe(true);
    expect(new Set(platform.accepted.map((post) => post.channelId)).size).toBe(1000);
    expect(result.rateLimited429s).toBe(0);
    expect(result.lowerBoundMs).toBe(1050); // (10 − 5) posts at 5/s, plus one call
    expect(result.ratio).toBeLessThanOrEqual(1.2);
    for (let w = 0; w < 100; w++) {
      const times = platform.accepted.filter((post) => post.channelId.startsWith(`T${String(w).padStart(5, '0')}/`)).map((post) => post.at);
      expect(maxInWindow(times)).toBeLessThanOrEqual(5 + 5 - 1);
    }
    // One budget for all would hold every workspace to one workspace's pace.
    const shared = await measureFanout({ ...tight, sharedBudget: true });
    expect(shared.ratio).toBeGreaterThan(50);
    expect(formatFanout(result)).toContain('| 100 workspaces × 10 |');
  });

  it('runs parallel sleeps side by side in virtual time', async () => {
    const clock = new VirtualClock();
    const start = clock.now().getTime();
    const ends: number[] = [];
    await clock.run(
      Promise.all([100, 50, 100].map(async (ms) => {
        await clock.sleep(ms);
        await clock.sleep(10);
        ends.push(clock.now().getTime() - start);
      })),
    );
    expect(ends).toEqual([60, 110, 110]);
  });
});
