import { describe, expect, it } from 'vitest';
import { describeNextRun, nextDailyRun, previousDailyRun } from '../../src/scheduler/daily-schedule.ts';
import type { DailyRun, DailyTiming } from '../../src/scheduler/daily-schedule.ts';
import { addLocalDays, localParts, weekdayOf } from '../../src/scheduler/local-time.ts';

const daily = (timeZone: string, time: string, weekdaysOnly = false): DailyTiming => ({ timeZone, time, weekdaysOnly });
const at = (text: string): Date => new Date(text);
const plain = (run: DailyRun): { at: string; localDate: string } => ({ at: run.at.toISOString(), localDate: run.localDate });

/** `count` successive runs from `start`, each found strictly after the previous one. */
function walkForward(settings: DailyTiming, start: Date, count: number): DailyRun[] {
  const runs: DailyRun[] = [];
  let cursor = start;
  for (let i = 0; i < count; i++) {
    const run = nextDailyRun(settings, cursor);
    runs.push(run);
    cursor = run.at;
  }
  return runs;
}

/** `count` runs back from `start`: each the last at or before a millisecond before the previous one. */
function walkBackward(settings: DailyTiming, start: Date, count: number): DailyRun[] {
  const runs: DailyRun[] = [];
  let cursor = start;
  for (let i = 0; i < count; i++) {
    const run = previousDailyRun(settings, cursor);
    runs.push(run);
    cursor = new Date(run.at.getTime() - 1);
  }
  return runs.reverse();
}

/** The local date a schedule posts next after `date`. */
function nextPostingDate(settings: DailyTiming, date: string): string {
  let next = addLocalDays(date, 1);
  while (settings.weekdaysOnly && weekdayOf(next) > 5) next = addLocalDays(next, 1);
  return next;
}

/**
 * Checks a run of consecutive runs: strictly increasing, one per posting local date with none skipped or
 * repeated, each at the configured wall time on its own date (or, in a DST gap, at the first instant
 * after it). Returns how many runs fell in a gap.
 */
function checkRuns(settings: DailyTiming, runs: DailyRun[]): number {
  let gaps = 0;
  runs.forEach((run, i) => {
    const local = localParts(run.at, settings.timeZone);
    expect(local.date).toBe(run.localDate);
    if (settings.weekdaysOnly) expect(local.weekday).toBeLessThanOrEqual(5);
    if (local.time !== settings.time) {
      const minuteBefore = localParts(new Date(run.at.getTime() - 60_000), settings.timeZone);
      expect([minuteBefore.time < settings.time, local.time > settings.time], `${run.localDate} ${local.time}`).toEqual([true, true]);
      gaps++;
    }
    const previous = runs[i - 1];
    if (previous) {
      expect(run.at.getTime()).toBeGreaterThan(previous.at.getTime());
      expect(run.localDate).toBe(nextPostingDate(settings, previous.localDate));
    }
  });
  return gaps;
}

describe('nextDailyRun', () => {
  it('returns the local time today when it is still ahead, else tomorrow', () => {
    const s = daily('Europe/Berlin', '09:00');
    expect(plain(nextDailyRun(s, at('2025-01-28T07:59:00Z')))).toEqual({ at: '2025-01-28T08:00:00.000Z', localDate: '2025-01-28' });
    expect(plain(nextDailyRun(s, at('2025-01-28T08:01:00Z')))).toEqual({ at: '2025-01-29T08:00:00.000Z', localDate: '2025-01-29' });
  });

  it('is strictly after: a run exactly at `after` is not returned again', () => {
    const s = daily('Europe/Berlin', '09:00');
    expect(plain(nextDailyRun(s, at('2025-01-28T08:00:00Z')))).toEqual({ at: '2025-01-29T08:00:00.000Z', localDate: '2025-01-29' });
    expect(plain(nextDailyRun(s, at('2025-01-28T07:59:59.999Z')))).toEqual({ at: '2025-01-28T08:00:00.000Z', localDate: '2025-01-28' });
  });

  it('uses the local date, not the UTC date', () => {
    // 23:30 UTC on the 27th is 00:30 on the 28th in Berlin; 01:00 UTC on the 28th is 20:00 on the 27th in New York.
    expect(nextDailyRun(daily('Europe/Berlin', '09:00'), at('2025-01-27T23:30:00Z')).localDate).toBe('2025-01-28');
    expect(nextDailyRun(daily('America/New_York', '21:00'), at('2025-01-28T01:00:00Z')).localDate).toBe('2025-01-27');
  });

  describe('weekdays only', () => {
    const s = daily('Europe/Berlin', '09:00', true);

    it('goes from Friday 17:00 to Monday', () => {
      expect(plain(nextDailyRun(s, at('2025-01-24T16:00:00Z')))).toEqual({ at: '2025-01-27T08:00:00.000Z', localDate: '2025-01-27' });
    });

    it('goes from Saturday and Sunday to Monday, and posts on Friday before 09:00', () => {
      expect(nextDailyRun(s, at('2025-01-25T08:00:00Z')).localDate).toBe('2025-01-27');
      expect(nextDailyRun(s, at('2025-01-26T20:00:00Z')).localDate).toBe('2025-01-27');
      expect(nextDailyRun(s, at('2025-01-24T07:00:00Z')).localDate).toBe('2025-01-24');
    });

    it('judges the weekend by the local calendar in a date-line zone (Pacific/Kiritimati, +14)', () => {
      // Friday 10:00 local is Thursday 20:00 UTC; the next run, Monday 09:00 local, is Sunday 19:00 UTC.
      const kiritimati = daily('Pacific/Kiritimati', '09:00', true);
      expect(plain(nextDailyRun(kiritimati, at('2025-01-30T20:00:00Z')))).toEqual({ at: '2025-02-02T19:00:00.000Z', localDate: '2025-02-03' });
    });
  });

  describe('Europe/Berlin spring-forward, 2025-03-30', () => {
    it('posts a 02:30 schedule once that day, at 03:00 CEST', () => {
      const s = daily('Europe/Berlin', '02:30');
      expect(walkForward(s, at('2025-03-29T00:00:00Z'), 3).map(plain)).toEqual([
        { at: '2025-03-29T01:30:00.000Z', localDate: '2025-03-29' },
        { at: '2025-03-30T01:00:00.000Z', localDate: '2025-03-30' },
        { at: '2025-03-31T00:30:00.000Z', localDate: '2025-03-31' },
      ]);
    });

    it('posts a 09:00 schedule at 09:00 CEST', () => {
      expect(plain(nextDailyRun(daily('Europe/Berlin', '09:00'), at('2025-03-29T08:00:00Z')))).toEqual({
        at: '2025-03-30T07:00:00.000Z',
        localDate: '2025-03-30',
      });
    });
  });

  describe('Europe/Berlin fall-back, 2025-10-26', () => {
    const s = daily('Europe/Berlin', '02:30');

    it('posts a 02:30 schedule once, at the first 02:30 (CEST)', () => {
      expect(walkForward(s, at('2025-10-25T12:00:00Z'), 2).map(plain)).toEqual([
        { at: '2025-10-26T00:30:00.000Z', localDate: '2025-10-26' },
        { at: '2025-10-27T01:30:00.000Z', localDate: '2025-10-27' },
      ]);
    });

    it('does not post again at the second 02:30 (CET)', () => {
      // Between the two 02:30s: the next run is the following day's.
      expect(nextDailyRun(s, at('2025-10-26T01:00:00Z')).localDate).toBe('2025-10-27');
    });

    it('posts a 09:00 schedule at 09:00 CET', () => {
      expect(plain(nextDailyRun(daily('Europe/Berlin', '09:00'), at('2025-10-25T12:00:00Z')))).toEqual({
        at: '2025-10-26T08:00:00.000Z',
        localDate: '2025-10-26',
      });
    });
  });

  describe('America/New_York spring-forward, 2025-03-09', () => {
    it('posts a 02:30 schedule once that day, at 03:00 EDT', () => {
      expect(walkForward(daily('America/New_York', '02:30'), at('2025-03-08T12:00:00Z'), 2).map(plain)).toEqual([
        { at: '2025-03-09T07:00:00.000Z', localDate: '2025-03-09' },
        { at: '2025-03-10T06:30:00.000Z', localDate: '2025-03-10' },
      ]);
    });

    it('posts 01:30 and 09:00 schedules at their wall times', () => {
      expect(nextDailyRun(daily('America/New_York', '01:30'), at('2025-03-08T12:00:00Z')).at.toISOString()).toBe('2025-03-09T06:30:00.000Z');
      expect(nextDailyRun(daily('America/New_York', '09:00'), at('2025-03-08T15:00:00Z')).at.toISOString()).toBe('2025-03-09T13:00:00.000Z');
    });
  });

  describe('America/New_York fall-back, 2025-11-02', () => {
    const s = daily('America/New_York', '01:30');

    it('posts a 01:30 schedule once, at the first 01:30 (EDT)', () => {
      expect(walkForward(s, at('2025-11-01T12:00:00Z'), 2).map(plain)).toEqual([
        { at: '2025-11-02T05:30:00.000Z', localDate: '2025-11-02' },
        { at: '2025-11-03T06:30:00.000Z', localDate: '2025-11-03' },
      ]);
      expect(nextDailyRun(s, at('2025-11-02T06:00:00Z')).localDate).toBe('2025-11-03');
    });

    it('posts 02:30 and 09:00 schedules at their wall times (EST)', () => {
      expect(nextDailyRun(daily('America/New_York', '02:30'), at('2025-11-01T12:00:00Z')).at.toISOString()).toBe('2025-11-02T07:30:00.000Z');
      expect(nextDailyRun(daily('America/New_York', '09:00'), at('2025-11-01T14:00:00Z')).at.toISOString()).toBe('2025-11-02T14:00:00.000Z');
    });
  });

  it('works with a half-hour offset (Asia/Kolkata)', () => {
    expect(plain(nextDailyRun(daily('Asia/Kolkata', '09:00'), at('2025-01-28T03:30:00Z')))).toEqual({ at: '2025-01-29T03:30:00.000Z', localDate: '2025-01-29' });
    expect(plain(nextDailyRun(daily('Asia/Kolkata', '00:15'), at('2025-01-28T12:00:00Z')))).toEqual({ at: '2025-01-28T18:45:00.000Z', localDate: '2025-01-29' });
  });

  it('works in date-line zones (Pacific/Auckland, Pacific/Kiritimati)', () => {
    expect(plain(nextDailyRun(daily('Pacific/Auckland', '09:00'), at('2025-01-27T12:00:00Z')))).toEqual({ at: '2025-01-27T20:00:00.000Z', localDate: '2025-01-28' });
    expect(plain(nextDailyRun(daily('Pacific/Kiritimati', '09:00'), at('2025-01-27T18:00:00Z')))).toEqual({ at: '2025-01-27T19:00:00.000Z', localDate: '2025-01-28' });
  });

  it('posts once for a local date the zone skipped entirely (Pacific/Apia, 2011-12-30), then carries on', () => {
    const runs = walkForward(daily('Pacific/Apia', '09:00'), at('2011-12-28T20:00:00Z'), 4);
    expect(runs.map((run) => run.localDate)).toEqual(['2011-12-29', '2011-12-30', '2011-12-31', '2012-01-01']);
    expect(localParts(runs[1]!.at, 'Pacific/Apia')).toMatchObject({ date: '2011-12-31', time: '00:00' });
    expect(runs[2]!.at.getTime()).toBeGreaterThan(runs[1]!.at.getTime());
  });

  it('throws for an unknown zone or a malformed time', () => {
    expect(() => nextDailyRun(daily('Mars/Olympus', '09:00'), at('2025-01-28T00:00:00Z'))).toThrow(RangeError);
    expect(() => nextDailyRun(daily('Europe/Berlin', '9am'), at('2025-01-28T00:00:00Z'))).toThrow(RangeError);
  });
});

/** 60-day windows, each spanning a 2025 DST change (or none, for zones without DST). */
const WINDOWS = [
  ['Europe/Berlin', '2025-03-01T00:00:00Z', 1],
  ['Europe/Berlin', '2025-10-01T00:00:00Z', 0],
  ['America/New_York', '2025-02-15T00:00:00Z', 1],
  ['America/New_York', '2025-10-15T00:00:00Z', 0],
  ['Pacific/Auckland', '2025-03-15T00:00:00Z', 0],
  ['Pacific/Auckland', '2025-09-01T00:00:00Z', 1],
  ['Asia/Kolkata', '2025-03-01T00:00:00Z', 0],
  ['Pacific/Kiritimati', '2025-03-01T00:00:00Z', 0],
] as const;

/** Times at, in and around the gaps and overlaps of those zones. */
const TIMES = ['00:00', '00:30', '01:30', '02:00', '02:30', '03:00', '09:00', '23:30'] as const;

/** How many runs in a window land in a DST gap for a time: only times from 02:00 to 02:59 do. */
const inGap = (time: string): boolean => time >= '02:00' && time < '03:00';

describe('walking 60 days across DST', () => {
  describe.each(WINDOWS)('%s from %s', (zone, start, gapsInWindow) => {
    it.each(TIMES)('daily at %s: one run per local day at the local time, increasing, none skipped or repeated', (time) => {
      const s = daily(zone, time);
      const runs = walkForward(s, at(start), 60);
      expect(checkRuns(s, runs)).toBe(inGap(time) ? gapsInWindow : 0);
      expect(new Set(runs.map((run) => run.localDate)).size).toBe(60);
    });

    it.each(TIMES)('weekdays at %s: one run per weekday, no weekends', (time) => {
      const s = daily(zone, time, true);
      const runs = walkForward(s, at(start), 60);
      checkRuns(s, runs);
      expect(runs.every((run) => weekdayOf(run.localDate) <= 5)).toBe(true);
    });

    it.each(TIMES)('previousDailyRun walks back over the same runs at %s', (time) => {
      for (const weekdaysOnly of [false, true]) {
        const s = daily(zone, time, weekdaysOnly);
        const forward = walkForward(s, at(start), 60);
        const last = forward[forward.length - 1]!;
        expect(walkBackward(s, last.at, 60).map(plain)).toEqual(forward.map(plain));
      }
    });
  });
});

describe('previousDailyRun', () => {
  it('includes a run exactly at the instant, and otherwise takes the last one before', () => {
    const s = daily('Europe/Berlin', '09:00');
    expect(plain(previousDailyRun(s, at('2025-01-28T08:00:00Z')))).toEqual({ at: '2025-01-28T08:00:00.000Z', localDate: '2025-01-28' });
    expect(plain(previousDailyRun(s, at('2025-01-28T07:59:59.999Z')))).toEqual({ at: '2025-01-27T08:00:00.000Z', localDate: '2025-01-27' });
  });

  it('goes from Monday morning back to Friday when weekdays only', () => {
    expect(plain(previousDailyRun(daily('Europe/Berlin', '09:00', true), at('2025-01-27T07:00:00Z')))).toEqual({
      at: '2025-01-24T08:00:00.000Z',
      localDate: '2025-01-24',
    });
  });

  it('sees the spring-forward run at 03:00 and the fall-back run at the first 02:30 only (Europe/Berlin)', () => {
    const s = daily('Europe/Berlin', '02:30');
    expect(previousDailyRun(s, at('2025-03-30T00:59:00Z')).localDate).toBe('2025-03-29');
    expect(plain(previousDailyRun(s, at('2025-03-30T01:00:00Z')))).toEqual({ at: '2025-03-30T01:00:00.000Z', localDate: '2025-03-30' });
    // At the second 02:45 (CET) the last run is still the first 02:30 (CEST).
    expect(plain(previousDailyRun(s, at('2025-10-26T01:45:00Z')))).toEqual({ at: '2025-10-26T00:30:00.000Z', localDate: '2025-10-26' });
  });

  it('sees the fall-back run at the first 01:30 only (America/New_York)', () => {
    const s = daily('America/New_York', '01:30');
    expect(plain(previousDailyRun(s, at('2025-11-02T06:45:00Z')))).toEqual({ at: '2025-11-02T05:30:00.000Z', localDate: '2025-11-02' });
  });

  it('works in half-hour and date-line zones', () => {
    expect(previousDailyRun(daily('Asia/Kolkata', '09:00'), at('2025-01-28T03:29:00Z')).localDate).toBe('2025-01-27');
    expect(previousDailyRun(daily('Pacific/Kiritimati', '09:00'), at('2025-01-27T19:00:00Z')).localDate).toBe('2025-01-28');
    expect(previousDailyRun(daily('Pacific/Auckland', '09:00', true), at('2025-01-26T12:00:00Z')).localDate).toBe('2025-01-24');
  });

  it('brackets every instant near a DST change together with nextDailyRun', () => {
    const changes = [
      ['Europe/Berlin', '2025-03-30T01:00:00Z'],
      ['Europe/Berlin', '2025-10-26T01:00:00Z'],
      ['America/New_York', '2025-03-09T07:00:00Z'],
      ['America/New_York', '2025-11-02T06:00:00Z'],
      ['Pacific/Auckland', '2025-04-05T14:00:00Z'],
      ['Pacific/Auckland', '2025-09-27T14:00:00Z'],
    ] as const;
    const failures: string[] = [];
    for (const [zone, change] of changes) {
      for (const [time, weekdaysOnly] of [['02:30', false], ['01:30', true], ['09:00', false]] as const) {
        const s = daily(zone, time, weekdaysOnly);
        // Every 37 minutes from three days before the change to three days after.
        for (let t = at(change).getTime() - 3 * 86_400_000; t < at(change).getTime() + 3 * 86_400_000; t += 37 * 60_000) {
          const before = previousDailyRun(s, new Date(t));
          const after = nextDailyRun(s, new Date(t));
          const ok =
            before.at.getTime() <= t &&
            after.at.getTime() > t &&
            after.localDate === nextPostingDate(s, before.localDate) &&
            nextDailyRun(s, before.at).at.getTime() === after.at.getTime();
          if (!ok) failures.push(`${zone} ${time} at ${new Date(t).toISOString()}: ${before.at.toISOString()} / ${after.at.toISOString()}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('describeNextRun', () => {
  it('names the local day, date, time and zone, and how long until then', () => {
    expect(describeNextRun(daily('Europe/Berlin', '09:00'), at('2025-01-27T18:00:00Z'))).toBe('Tue 2025-01-28 09:00 Europe/Berlin (in 14 h)');
  });

  it('shows minutes, hours and days as needed', () => {
    const s = daily('Europe/Berlin', '09:00', true);
    expect(describeNextRun(s, at('2025-01-27T07:15:00Z'))).toBe('Mon 2025-01-27 09:00 Europe/Berlin (in 45 min)');
    expect(describeNextRun(s, at('2025-01-27T06:30:00Z'))).toBe('Mon 2025-01-27 09:00 Europe/Berlin (in 1 h 30 min)');
    expect(describeNextRun(s, at('2025-01-24T16:00:00Z'))).toBe('Mon 2025-01-27 09:00 Europe/Berlin (in 2 d 16 h)');
    expect(describeNextRun(s, at('2025-01-27T07:59:30Z'))).toBe('Mon 2025-01-27 09:00 Europe/Berlin (in 1 min)');
  });

  it('shows the wall time the post really happens at on a spring-forward day', () => {
    expect(describeNextRun(daily('Europe/Berlin', '02:30'), at('2025-03-29T12:00:00Z'))).toBe('Sun 2025-03-30 03:00 Europe/Berlin (in 13 h)');
  });
});
