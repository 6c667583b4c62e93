/**
 * Wall-clock arithmetic in IANA time zones, on `Intl.DateTimeFormat` alone.
 *
 * Local dates are `YYYY-MM-DD` strings and local times `HH:MM` (24-hour) strings. Every function is pure
 * (formatters are memoized per zone, which does not change results).
 *
 * DST rule of {@link zonedInstant}: a wall time that does not exist (it falls in a spring-forward gap)
 * resolves to the instant the clock jumps to, i.e. the first instant after the gap (02:30 on
 * 2025-03-30 in Europe/Berlin becomes 03:00 CEST); a wall time that occurs twice (a fall-back overlap)
 * resolves to its first occurrence. So a daily post still happens on its day, exactly once.
 */

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_DAY = 24 * 60 * MS_PER_MINUTE;

/** A calendar date; `month` is 1–12. */
interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A wall clock reading, to the second. */
interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

/** Formats an instant as the wall clock in one zone reads it. */
type WallClockFormat = (epochMs: number) => string;

const formats = new Map<string, WallClockFormat>();

/** The (memoized) wall-clock format for `timeZone`. Throws `RangeError` for an unknown zone. */
function formatFor(timeZone: string): WallClockFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // `format` is a getter returning a bound function: read it once, not on every call.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format;
    formats.set(timeZone, format);
  }
  return format;
}

/** `MM/DD/YYYY, HH:MM:SS`, as the `en-US` formatter writes it. */
const FORMATTED = /^(\d{2})\/(\d{2})\/(\d+), (\d{2}):(\d{2}):(\d{2})$/;

/** What the wall clock in `timeZone` shows at `epochMs` (`format` and a regex: faster than `formatToParts`). */
function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const text = formatFor(timeZone)(epochMs);
  const match = FORMATTED.exec(text);
  if (!match) throw new RangeError(`Unexpected date format from Intl: ${JSON.stringify(text)}`);
  return {
    year: Number(match[3]),
    month: Number(match[1]),
    day: Number(match[2]),
    hour: Number(match[4]) % 24,
    minute: Number(match[5]),
    second: Number(match[6]),
  };
}

/** A wall clock reading as milliseconds on a UTC timeline (so readings can be compared and subtracted). */
function wallClockMs(date: CalendarDate, hour = 0, minute = 0, second = 0): number {
  const ms = Date.UTC(date.year, date.month - 1, date.day, hour, minute, second);
  // `Date.UTC` reads years 0–99 as 1900–1999.
  return date.year >= 100 ? ms : new Date(ms).setUTCFullYear(date.year);
}

/** The wall clock in `timeZone` at `epochMs`, as milliseconds on a UTC timeline (to the second). */
function localMs(epochMs: number, timeZone: string): number {
  const wall = wallClockAt(epochMs, timeZone);
  return wallClockMs(wall, wall.hour, wall.minute, wall.second);
}

/** The zone's UTC offset at `epochMs`, in milliseconds (local = UTC + offset). */
function offsetMs(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / MS_PER_SECOND) * MS_PER_SECOND;
  return localMs(wholeSecond, timeZone) - wholeSecond;
}

/** Zero-pads a non-negative whole number to `width` digits. */
function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD`. */
function formatDate(wall: CalendarDate): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** Parses a `YYYY-MM-DD` calendar date; throws `RangeError` if malformed or not a real date. */
function parseDate(date: string): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match) {
    const parsed = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    const roundTrip = new Date(wallClockMs(parsed));
    if (roundTrip.getUTCMonth() + 1 === parsed.month && roundTrip.getUTCDate() === parsed.day) return parsed;
  }
  throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
}

/** Parses a strict `HH:MM` 24-hour time; throws `RangeError` otherwise. */
function parseTime(time: string): Pick<WallClock, 'hour' | 'minute'> {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match && hour <= 23 && minute <= 59) return { hour, minute };
  throw new RangeError(`Not an HH:MM time: ${JSON.stringify(time)}`);
}

/**
 * Whether `zone` is a time zone this runtime knows (an IANA name such as `Europe/Berlin`, or `UTC`).
 *
 * @example isValidTimeZone('Asia/Kolkata') // true
 * @example isValidTimeZone('Mars/Olympus') // false
 */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the wall clock and calendar in `timeZone` show at `instant`.
 *
 * @returns `date` as `YYYY-MM-DD`, `time` as `HH:MM` (seconds dropped), `weekday` 1 = Monday … 7 = Sunday.
 * @throws RangeError for an unknown zone or an invalid date.
 */
export function localParts(instant: Date, timeZone: string): { date: string; time: string; weekday: number } {
  const wall = wallClockAt(instant.getTime(), timeZone);
  const date = formatDate(wall);
  return { date, time: `${pad(wall.hour)}:${pad(wall.minute)}`, weekday: weekdayOf(date) };
}

/**
 * The ISO weekday of a `YYYY-MM-DD` calendar date: 1 = Monday … 7 = Sunday.
 *
 * @throws RangeError for a malformed or impossible date.
 */
export function weekdayOf(date: string): number {
  const day = new Date(wallClockMs(parseDate(date))).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * The calendar date `days` days after (or, if negative, before) `date`. Both are `YYYY-MM-DD`.
 *
 * @example addLocalDays('2024-02-28', 1) // '2024-02-29'
 * @throws RangeError for a malformed or impossible date, a non-integer `days`, or a result out of range.
 */
export function addLocalDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  const start = wallClockMs(parseDate(date));
  const moved = new Date(start + days * MS_PER_DAY);
  if (Number.isNaN(moved.getTime())) throw new RangeError(`${date} ${days} days on is out of range`);
  return formatDate({ year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() });
}

/**
 * The instant when the wall clock in `timeZone` shows `time` on `date`.
 *
 * - In a spring-forward gap (the wall time does not exist) this is the instant the clock jumps to, the
 *   first instant after the gap: `zonedInstant('2025-03-30', '02:30', 'Europe/Berlin')` is 03:00 CEST
 *   (01:00Z). Any time in one gap maps to that same instant, which is before every real time later that day.
 * - In a fall-back overlap (the wall time occurs twice) this is the first occurrence:
 *   `zonedInstant('2025-11-02', '01:30', 'America/New_York')` is 01:30 EDT (05:30Z).
 *
 * @param date `YYYY-MM-DD`.
 * @param time `HH:MM`, 24-hour.
 * @throws RangeError for a malformed date or time or an unknown zone.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const { hour, minute } = parseTime(time);
  const target = wallClockMs(parseDate(date), hour, minute);
  // Real zones change offset at most once in any two days, so the offsets a day either side are the
  // only ones the wall time can have.
  const offsets = [offsetMs(target - MS_PER_DAY, timeZone), offsetMs(target + MS_PER_DAY, timeZone)];
  const matches = offsets.map((offset) => target - offset).filter((at) => localMs(at, timeZone) === target);
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(endOfGap(target, Math.min(...offsets), Math.max(...offsets), timeZone));
}

/**
 * The first instant whose wall clock reads at or after `target`, for a `target` inside a gap between
 * offsets `before` and `after` (`before` < `after`): a binary search over whole seconds.
 */
function endOfGap(target: number, before: number, after: number, timeZone: string): number {
  // The wall clock reads before `target` at `low` and at or after it at `high`.
  let low = Math.floor((target - after) / MS_PER_SECOND);
  let high = Math.ceil((target - before) / MS_PER_SECOND);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localMs(middle * MS_PER_SECOND, timeZone) >= target) high = middle;
    else low = middle;
  }
  return high * MS_PER_SECOND;
}

/**
 * Reads a time of day as people type it and returns it as `HH:MM` (24-hour), or `undefined` if it is not
 * one. Accepts `9`, `09`, `9:00`, `09:00`, `21:30`, and 12-hour forms `9am`, `9:30pm`, `9 PM`, `12am`
 * (00:00), `12pm` (12:00). Rejects `25:00`, `9:60`, `13pm`, `0am`, `abc`.
 */
export function parseLocalTime(text: string): string | undefined {
  const match = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? '0');
  const meridiem = match[3]?.[0];
  if (minute > 59) return undefined;
  const hour24 = meridiem === undefined ? hour : twelveHourTo24(hour, meridiem === 'p');
  if (hour24 === undefined || hour24 > 23) return undefined;
  return `${pad(hour24)}:${pad(minute)}`;
}

/** `12am` is 0, `12pm` is 12, `1pm` is 13; hours outside 1–12 are not 12-hour times. */
function twelveHourTo24(hour: number, pm: boolean): number | undefined {
  if (hour < 1 || hour > 12) return undefined;
  return (hour % 12) + (pm ? 12 : 0);
}
