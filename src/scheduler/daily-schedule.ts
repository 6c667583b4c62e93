/**
 * When a channel's daily post is due: a local wall time in an IANA zone, every day or on weekdays only.
 *
 * Each run belongs to one local calendar date (`localDate`, part of the delivery key), so a day posts
 * at most once even across DST: a time that does not exist that day (spring-forward gap) runs at the
 * instant the clock jumps to; a time that occurs twice (fall-back overlap) runs at its first occurrence
 * only (see `zonedInstant`).
 */
import type { DailySettings } from '../store/channel-settings.port.ts';
import { addLocalDays, localParts, weekdayOf, zonedInstant } from './local-time.ts';

/** The parts of the daily settings that decide when it runs. */
export type DailyTiming = Pick<DailySettings, 'time' | 'timeZone' | 'weekdaysOnly'>;

/** One scheduled run: the instant, and the local calendar date it is that day's post for. */
export interface DailyRun {
  at: Date;
  /** `YYYY-MM-DD` in the settings' zone. */
  localDate: string;
}

/** Enough dates to pass any weekend, plus a day of slack either side for DST edge cases. */
const SEARCH_DAYS = 10;

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Whether the schedule posts on this local date at all. */
function postsOn(settings: DailyTiming, localDate: string): boolean {
  return !settings.weekdaysOnly || weekdayOf(localDate) <= 5;
}

/** The run for one local date (whether or not the schedule posts on it). */
function runOn(settings: DailyTiming, localDate: string): DailyRun {
  return { at: zonedInstant(localDate, settings.time, settings.timeZone), localDate };
}

/**
 * Walks local dates from `start` in steps of `step` (+1 or −1) and returns the first run the schedule
 * posts that `accept` takes. Runs are in the same order as their local dates, so the first one found
 * is the nearest.
 */
function findRun(settings: DailyTiming, start: string, step: 1 | -1, accept: (at: Date) => boolean): DailyRun {
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const localDate = addLocalDays(start, i * step);
    if (!postsOn(settings, localDate)) continue;
    const run = runOn(settings, localDate);
    if (accept(run.at)) return run;
  }
  throw new RangeError(`No daily run found near ${start} for ${JSON.stringify(settings)}`);
}

/**
 * The first scheduled run strictly after `after`: `settings.time` on each local date from `after`'s local
 * date on, skipping Saturdays and Sundays when `weekdaysOnly`. A run exactly at `after` is not returned.
 *
 * @throws RangeError for an unknown zone or a `time` that is not `HH:MM`.
 */
export function nextDailyRun(settings: DailyTiming, after: Date): DailyRun {
  // Start a day early: cheap, and safe should a run ever fall on a later local date than its own.
  const start = addLocalDays(localParts(after, settings.timeZone).date, -1);
  return findRun(settings, start, 1, (at) => at.getTime() > after.getTime());
}

/**
 * The last scheduled run at or before `atOrBefore` (a run exactly at it is returned), for catching up
 * after downtime. Mirrors {@link nextDailyRun}.
 *
 * @throws RangeError for an unknown zone or a `time` that is not `HH:MM`.
 */
export function previousDailyRun(settings: DailyTiming, atOrBefore: Date): DailyRun {
  const start = addLocalDays(localParts(atOrBefore, settings.timeZone).date, 1);
  return findRun(settings, start, -1, (at) => at.getTime() <= atOrBefore.getTime());
}

/**
 * The next run after `now`, for people: `Tue 2025-01-28 09:00 Europe/Berlin (in 14 h)`. The day and
 * time are what the local clock shows at that instant (03:00 for a 02:30 post on a spring-forward day).
 */
export function describeNextRun(settings: DailyTiming, now: Date): string {
  const { at } = nextDailyRun(settings, now);
  const local = localParts(at, settings.timeZone);
  const weekday = WEEKDAY_NAMES[local.weekday - 1] ?? '';
  return `${weekday} ${local.date} ${local.time} ${settings.timeZone} (in ${formatWait(at.getTime() - now.getTime())})`;
}

/** A wait until a scheduled run, rounded up to whole minutes: `45 min`, `14 h`, `1 h 30 min`, `2 d 16 h` (at least 1 min). */
export function formatWait(ms: number): string {
  const totalMinutes = Math.max(1, Math.ceil(ms / 60_000));
  const days = Math.floor(totalMinutes / (24 * 60));
  const hours = Math.floor(totalMinutes / 60) % 24;
  const minutes = totalMinutes % 60;
  const parts = [days > 0 ? `${days} d` : '', hours > 0 ? `${hours} h` : '', minutes > 0 ? `${minutes} min` : ''];
  return parts.filter((part) => part !== '').join(' ');
}
