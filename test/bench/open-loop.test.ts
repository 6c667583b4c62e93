import { describe, expect, it } from 'vitest';
import { offerOpenLoop, saturationPoint, type RateStep } from '../../bench/open-loop.ts';
import { percentiles } from '../../bench/stats.ts';

describe('the open-loop load generator', () => {
  it('sends at the rate whatever the answers do, and times each request from when it was due', async () => {
    // A manual clock: waits move it, and the first send holds the generator up for 30 ms.
    let now = 1000;
    const timer = { now: () => now, sleep: async (ms: number) => { now += ms; } };
    const sentAt: number[] = [];
    const step = await offerOpenLoop(100, 100, async (i) => {
      sentAt.push(now);
      if (i === 0) now += 30;
      return { ackAt: now, answerAt: now };
    }, timer);
    expect(step).toMatchObject({ rate: 100, sent: 10, answered: 10, errors: [] });
    // Request 1 was due 10 ms in and sent 30 ms in; requests 2 and 3 were late too, 4 on time again.
    expect(step.maxSendLagMs).toBe(20);
    expect(step.answer.max).toBe(30);
    // Ten sends on the schedule, not one at a time after each answer: the last is sent 90 ms after the first.
    expect(sentAt.at(-1)! - sentAt[0]!).toBe(90);
  });

  it('counts a request that is never answered instead of waiting for it forever', async () => {
    const step = await offerOpenLoop(50, 40, (i) => (i === 0 ? Promise.reject(new Error('refused')) : Promise.resolve({ ackAt: performance.now(), answerAt: performance.now() })));
    expect(step).toMatchObject({ sent: 2, answered: 1, errors: ['refused'] });
  });
});

describe('the saturation point', () => {
  const step = (rate: number, p99: number, answered = 100): RateStep => ({
    rate, durationMs: 1000, sent: 100, answered, ack: percentiles([p99]), answer: percentiles([p99]),
    throughput: rate, maxSendLagMs: 0, generatorCpuMs: 0, wallMs: 1000, errors: [],
  });

  it('is the highest rate answered in full with p99 under 100 ms', () => {
    expect(saturationPoint([step(50, 8), step(100, 12), step(200, 99), step(400, 640)])).toBe(200);
    expect(saturationPoint([step(50, 8), step(100, 12), step(200, 30, 99), step(400, 640)])).toBe(100);
    expect(saturationPoint([step(50, 150)])).toBe(0);
  });
});
