import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  isValidTimeZone,
  localParts,
  parseLocalTime,
  weekdayOf,
  zonedInstant,
} from '../../src/scheduler/local-time.ts';

const iso = (date: Date): string => date.toISOString();

describe('isValidTimeZone', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'UTC'])('accepts %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['Mars/Olympus', '', 'Europe/Berlin ', 'Not a zone'])('rejects %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});

describe('localParts', () => {
  it('reads date, time and ISO weekday in the zone, not in UTC', () => {
    expect(localParts(new Date('2025-01-27T23:30:00Z'), 'Europe/Berlin')).toEqual({ date: '2025-01-28', time: '00:30', weekday: 2 });
    expect(localParts(new Date('2025-01-27T23:30:00Z'), 'UTC')).toEqual({ date: '2025-01-27', time: '23:30', weekday: 1 });
  });

  it('shows midnight as 00:00, never 24:00', () => {
    expect(localParts(new Date('2025-01-26T23:00:00Z'), 'Europe/Berlin')).toEqual({ date: '2025-01-27', time: '00:00', weekday: 1 });
  });

  it('handles half-hour offsets and date-line zones', () => {
    expect(localParts(new Date('2025-01-27T18:30:00Z'), 'Asia/Kolkata')).toEqual({ date: '2025-01-28', time: '00:00', weekday: 2 });
    expect(localParts(new Date('2025-01-27T10:00:00Z'), 'Pacific/Kiritimati')).toEqual({ date: '2025-01-28', time: '00:00', weekday: 2 });
    expect(localParts(new Date('2025-01-27T11:00:00Z'), 'Pacific/Auckland')).toEqual({ date: '2025-01-28', time: '00:00', weekday: 2 });
  });

  it('numbers Sunday 7', () => {
    expect(localParts(new Date('2025-01-26T12:00:00Z'), 'UTC').weekday).toBe(7);
  });

  it('throws for an unknown zone', () => {
    expect(() => localParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('weekdayOf', () => {
  it('gives ISO weekdays for calendar dates', () => {
    expect(['2025-01-27', '2025-01-31', '2025-02-01', '2025-02-02'].map(weekdayOf)).toEqual([1, 5, 6, 7]);
  });
});

describe('addLocalDays', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2025-03-30', 0, '2025-03-30'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
  ])('%s %+d days is %s', (date, days, expected) => {
    expect(addLocalDays(date, days)).toBe(expected);
  });

  it('rejects malformed or impossible dates', () => {
    for (const bad of ['2025-02-30', '2025-1-1', '2025-13-01', 'tomorrow']) expect(() => addLocalDays(bad, 1)).toThrow(RangeError);
    expect(() => addLocalDays('2025-01-01', 1.5)).toThrow(RangeError);
    expect(() => addLocalDays('2025-01-01', 1e9)).toThrow(RangeError);
  });
});

describe('zonedInstant', () => {
  it('converts ordinary wall times', () => {
    expect(iso(zonedInstant('2025-01-28', '09:00', 'Europe/Berlin'))).toBe('2025-01-28T08:00:00.000Z');
    expect(iso(zonedInstant('2025-07-01', '09:00', 'Europe/Berlin'))).toBe('2025-07-01T07:00:00.000Z');
    expect(iso(zonedInstant('2025-01-28', '09:00', 'America/New_York'))).toBe('2025-01-28T14:00:00.000Z');
    expect(iso(zonedInstant('2025-01-28', '00:00', 'UTC'))).toBe('2025-01-28T00:00:00.000Z');
  });

  it('handles half-hour offsets (Asia/Kolkata, +05:30)', () => {
    expect(iso(zonedInstant('2025-06-01', '09:00', 'Asia/Kolkata'))).toBe('2025-06-01T03:30:00.000Z');
    expect(iso(zonedInstant('2025-06-01', '02:00', 'Asia/Kolkata'))).toBe('2025-05-31T20:30:00.000Z');
  });

  it('handles date-line zones, where the UTC date is the day before', () => {
    expect(iso(zonedInstant('2025-01-28', '09:00', 'Pacific/Kiritimati'))).toBe('2025-01-27T19:00:00.000Z');
    expect(iso(zonedInstant('2025-01-28', '09:00', 'Pacific/Auckland'))).toBe('2025-01-27T20:00:00.000Z'); // NZDT +13
    expect(iso(zonedInstant('2025-07-01', '09:00', 'Pacific/Auckland'))).toBe('2025-06-30T21:00:00.000Z'); // NZST +12
  });

  describe('Europe/Berlin spring-forward, 2025-03-30 02:00 → 03:00', () => {
    it('maps 02:30, which does not exist, to the instant the clock jumps to: 03:00 CEST', () => {
      const at = zonedInstant('2025-03-30', '02:30', 'Europe/Berlin');
      expect(iso(at)).toBe('2025-03-30T01:00:00.000Z');
      expect(localParts(at, 'Europe/Berlin')).toEqual({ date: '2025-03-30', time: '03:00', weekday: 7 });
    });

    it('maps every time in the gap to the same instant, and the times around it normally', () => {
      expect(iso(zonedInstant('2025-03-30', '02:00', 'Europe/Berlin'))).toBe('2025-03-30T01:00:00.000Z');
      expect(iso(zonedInstant('2025-03-30', '02:59', 'Europe/Berlin'))).toBe('2025-03-30T01:00:00.000Z');
      expect(iso(zonedInstant('2025-03-30', '01:59', 'Europe/Berlin'))).toBe('2025-03-30T00:59:00.000Z');
      expect(iso(zonedInstant('2025-03-30', '03:00', 'Europe/Berlin'))).toBe('2025-03-30T01:00:00.000Z');
      expect(iso(zonedInstant('2025-03-30', '03:01', 'Europe/Berlin'))).toBe('2025-03-30T01:01:00.000Z');
    });

    it('converts 09:00 with the new offset (+02:00)', () => {
      expect(iso(zonedInstant('2025-03-30', '09:00', 'Europe/Berlin'))).toBe('2025-03-30T07:00:00.000Z');
    });
  });

  describe('Europe/Berlin fall-back, 2025-10-26 03:00 → 02:00', () => {
    it('maps 02:30, which occurs twice, to the first occurrence (CEST)', () => {
      const at = zonedInstant('2025-10-26', '02:30', 'Europe/Berlin');
      expect(iso(at)).toBe('2025-10-26T00:30:00.000Z');
      // The second 02:30 (CET) exists too; it is not chosen.
      expect(localParts(new Date('2025-10-26T01:30:00Z'), 'Europe/Berlin').time).toBe('02:30');
    });

    it('converts 09:00 with the new offset (+01:00)', () => {
      expect(iso(zonedInstant('2025-10-26', '09:00', 'Europe/Berlin'))).toBe('2025-10-26T08:00:00.000Z');
    });
  });

  describe('America/New_York spring-forward, 2025-03-09 02:00 → 03:00', () => {
    it('maps 02:30 to 03:00 EDT', () => {
      const at = zonedInstant('2025-03-09', '02:30', 'America/New_York');
      expect(iso(at)).toBe('2025-03-09T07:00:00.000Z');
      expect(localParts(at, 'America/New_York')).toEqual({ date: '2025-03-09', time: '03:00', weekday: 7 });
    });

    it('leaves 01:30 (before the gap) and 09:00 (after) alone', () => {
      expect(iso(zonedInstant('2025-03-09', '01:30', 'America/New_York'))).toBe('2025-03-09T06:30:00.000Z');
      expect(iso(zonedInstant('2025-03-09', '09:00', 'America/New_York'))).toBe('2025-03-09T13:00:00.000Z');
    });
  });

  describe('America/New_York fall-back, 2025-11-02 02:00 → 01:00', () => {
    it('maps 01:30, which occurs twice, to the first occurrence (EDT)', () => {
      expect(iso(zonedInstant('2025-11-02', '01:30', 'America/New_York'))).toBe('2025-11-02T05:30:00.000Z');
      expect(localParts(new Date('2025-11-02T06:30:00Z'), 'America/New_York').time).toBe('01:30');
    });

    it('converts 02:30 (once, EST) and 09:00', () => {
      expect(iso(zonedInstant('2025-11-02', '02:30', 'America/New_York'))).toBe('2025-11-02T07:30:00.000Z');
      expect(iso(zonedInstant('2025-11-02', '09:00', 'America/New_York'))).toBe('2025-11-02T14:00:00.000Z');
    });
  });

  it('handles a half-hour DST shift (Australia/Lord_Howe, 2025-10-05 02:00 → 02:30)', () => {
    expect(iso(zonedInstant('2025-10-05', '02:15', 'Australia/Lord_Howe'))).toBe('2025-10-04T15:30:00.000Z');
    expect(localParts(zonedInstant('2025-10-05', '02:15', 'Australia/Lord_Howe'), 'Australia/Lord_Howe').time).toBe('02:30');
  });

  it('maps a whole skipped day (Pacific/Apia, 2011-12-30) to the end of the gap, the next midnight', () => {
    const at = zonedInstant('2011-12-30', '09:00', 'Pacific/Apia');
    expect(localParts(at, 'Pacific/Apia')).toEqual({ date: '2011-12-31', time: '00:00', weekday: 6 });
    expect(at.getTime()).toBeLessThan(zonedInstant('2011-12-31', '09:00', 'Pacific/Apia').getTime());
  });

  it('round-trips every existing quarter hour across both 2025 changes in each zone', () => {
    const cases = [
      ['Europe/Berlin', '2025-03-29'],
      ['Europe/Berlin', '2025-10-25'],
      ['America/New_York', '2025-03-08'],
      ['America/New_York', '2025-11-01'],
      ['Pacific/Auckland', '2025-04-05'],
      ['Pacific/Auckland', '2025-09-27'],
    ] as const;
    for (const [zone, first] of cases) {
      for (let day = 0; day < 3; day++) {
        const date = addLocalDays(first, day);
        for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
          const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
          const at = zonedInstant(date, time, zone);
          const back = localParts(at, zone);
          const before = localParts(new Date(at.getTime() - 60_000), zone);
          // Either the wall time exists and is shown, or it is in a gap and the minute before reads earlier.
          const inGap = back.time !== time && before.time < time && back.time > time;
          expect({ zone, date, time, shown: back.date, ok: back.time === time || inGap }).toEqual({ zone, date, time, shown: date, ok: true });
        }
      }
    }
  });

  it('rejects malformed input', () => {
    expect(() => zonedInstant('2025-02-30', '09:00', 'Europe/Berlin')).toThrow(RangeError);
    expect(() => zonedInstant('2025-01-28', '24:00', 'Europe/Berlin')).toThrow(RangeError);
    expect(() => zonedInstant('2025-01-28', '9:00', 'Europe/Berlin')).toThrow(RangeError);
    expect(() => zonedInstant('2025-01-28', '09:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('parseLocalTime', () => {
  it.each([
    ['9', '09:00'],
    ['09', '09:00'],
    ['0', '00:00'],
    ['9:00', '09:00'],
    ['09:00', '09:00'],
    ['9:05', '09:05'],
    ['21:30', '21:30'],
    ['23:59', '23:59'],
    ['00:00', '00:00'],
    ['9am', '09:00'],
    ['9AM', '09:00'],
    ['9 am', '09:00'],
    ['9pm', '21:00'],
    ['9:30pm', '21:30'],
    ['9:30 p.m.', '21:30'],
    ['12am', '00:00'],
    ['12:15am', '00:15'],
    ['12pm', '12:00'],
    ['12:45pm', '12:45'],
    ['1pm', '13:00'],
    ['  7:15  ', '07:15'],
  ])('reads %j as %s', (text, expected) => {
    expect(parseLocalTime(text)).toBe(expected);
  });

  it.each(['25:00', '24:00', '9:60', '9:5', 'abc', '13pm', '0am', '00pm', '', '9:00:00', '-1', '123', '9.30', '9 o’clock', '21:30pm', ':30'])(
    'rejects %j',
    (text) => {
      expect(parseLocalTime(text)).toBeUndefined();
    },
  );
});
