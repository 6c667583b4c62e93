import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import { encodeRef } from '../src/chat/refs.ts';
import type { DailySettings } from '../src/store/channel-settings.port.ts';
import { describeNextRun } from '../src/scheduler/daily-schedule.ts';
import { isValidTimeZone, parseLocalTime } from '../src/scheduler/local-time.ts';
import { defineCommand, type CommandContext } from './framework/command-spec.ts';
import { requiredText, validate, wholeNumber } from './framework/validators.ts';

/** Papers in a daily post unless `top:` says otherwise, and the most allowed. */
export const DAILY_TOP = { default: 5, max: 20 } as const;
/** When a daily post goes out unless a time is given. */
export const DEFAULT_DAILY_TIME = '09:00';

const usage = 'daily on [HH:MM] [IANA timezone] [top:N] [topic:"..."] [weekdays] | daily off | daily | daily preview';

type DailyArgs =
  | { action: 'show' }
  | { action: 'preview' }
  | { action: 'off' }
  | { action: 'on'; time?: string; timeZone?: string; weekdaysOnly: boolean; top?: number; topic?: string };

const onOptions = z.object({
  top: wholeNumber('top', 1, DAILY_TOP.max, '5').optional(),
  topic: requiredText('a topic', 'topic:"diffusion models"').optional(),
});

function parseOn(words: string[], options: Record<string, string>): DailyArgs {
  const args: Extract<DailyArgs, { action: 'on' }> = { action: 'on', weekdaysOnly: false, ...validate(onOptions, options, usage) };
  for (const word of words) {
    if (/^(weekdays?|weekdays-only|mon-fri)$/i.test(word)) {
      args.weekdaysOnly = true;
    } else if (/^[\d:]+(am|pm)?$/i.test(word)) {
      const time = parseLocalTime(word);
      if (!time) throw new UserError('invalid-argument', `"${word}" is not a time of day; use 24-hour HH:MM such as 09:00 or 17:30 (or 9am).`, [`Usage: /papers ${usage}`]);
      args.time = time;
    } else if (word.includes('/') || /^(utc|gmt)$/i.test(word)) {
      const zone = /^(utc|gmt)$/i.test(word) ? 'UTC' : word;
      if (!isValidTimeZone(zone)) throw new UserError('invalid-argument', `"${word}" is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC.`, [`Usage: /papers ${usage}`]);
      args.timeZone = zone;
    } else {
      throw new UserError('invalid-argument', `"${word}" is not a time, a time zone or "weekdays".`, [`Usage: /papers ${usage}`]);
    }
  }
  return args;
}

function describe(daily: DailySettings): string {
  return [
    `every ${daily.weekdaysOnly ? 'weekday' : 'day'} at ${daily.time} ${daily.timeZone}`,
    `top ${daily.top}`,
    ...(daily.topic ? [`on "${daily.topic}"`] : []),
  ].join(', ');
}

async function currentDaily(ctx: CommandContext): Promise<DailySettings | undefined> {
  return (await ctx.stores.channels.get(encodeRef(ctx.channel)))?.daily;
}

function note(text: string, visibility: 'channel' | 'user' = 'channel') {
  return { fallbackText: text, blocks: [{ kind: 'text' as const, text: [text] }], visibility };
}

/** `daily`: the channel's daily post — set it, stop it, show it, preview it. */
export const dailyCommand = defineCommand<DailyArgs>({
  name: 'daily',
  summary: "This channel's daily post of trending papers: on, off, show, preview",
  usage,
  examples: ['daily on 09:00 Europe/Berlin', 'daily on 8:30 America/New_York weekdays top:3 topic:"diffusion"', 'daily preview', 'daily off'],
  arguments: [
    { name: 'action', description: 'on: set the post; off: stop it; preview: see the next one; nothing: show the setting', kind: 'text', choices: ['on', 'off', 'preview'] },
    { name: 'time', description: `with on: local time of the post, 24-hour HH:MM (default ${DEFAULT_DAILY_TIME})`, kind: 'text' },
    { name: 'timezone', description: 'with on: IANA time zone such as Europe/Berlin', kind: 'time-zone' },
    { name: 'weekdays', description: 'with on: Monday to Friday only', kind: 'flag' },
  ],
  options: [
    { name: 'top', description: `how many papers (default ${DAILY_TOP.default})`, example: '5', type: 'integer' },
    { name: 'topic', description: 'only papers matching this search', example: '"diffusion models"' },
  ],
  permission: (args) => (args.action === 'on' || args.action === 'off' ? 'channel-manager' : 'anyone'),
  parse: ({ words, options }) => {
    const [first, ...rest] = words;
    const action = first?.toLowerCase();
    if (action === 'on') return parseOn(rest, options);
    if (Object.keys(options).length > 0) throw new UserError('invalid-argument', 'top: and topic: go with "daily on", e.g. /papers daily on 09:00 top:3', [`Usage: /papers ${usage}`]);
    if (action === undefined) return { action: 'show' };
    if ((action === 'off' || action === 'preview') && rest.length === 0) return { action };
    throw new UserError('invalid-argument', `"daily ${words.join(' ')}" is not something daily does; use on, off, preview, or nothing.`, [`Usage: /papers ${usage}`]);
  },
  run: async (args, ctx) => {
    const channel = encodeRef(ctx.channel);
    const now = ctx.clock.now();
    if (args.action === 'on') {
      const previous = await currentDaily(ctx);
      const daily: DailySettings = {
        time: args.time ?? previous?.time ?? DEFAULT_DAILY_TIME,
        timeZone: args.timeZone ?? previous?.timeZone ?? ctx.defaultTimeZone,
        weekdaysOnly: args.weekdaysOnly,
        top: args.top ?? previous?.top ?? DAILY_TOP.default,
        ...(args.topic ? { topic: args.topic } : {}),
      };
      await ctx.stores.channels.setDaily(channel, daily, `${ctx.actor.platform}:${ctx.actor.userId}`, now);
      await ctx.stores.channels.enable(channel);
      return note(`Daily post on: ${describe(daily)}. Next: ${describeNextRun(daily, now)}.`);
    }
    if (args.action === 'off') {
      const previous = await currentDaily(ctx);
      if (!previous) return note('The daily post is already off here. Turn it on with /papers daily on 09:00 Europe/Berlin', 'user');
      await ctx.stores.channels.setDaily(channel, undefined, `${ctx.actor.platform}:${ctx.actor.userId}`, now);
      return note('Daily post off. Turn it back on with /papers daily on');
    }
    const daily = await currentDaily(ctx);
    if (!daily) return note('No daily post here yet. A channel manager can start one: /papers daily on 09:00 Europe/Berlin', 'user');
    if (args.action === 'show') return note(`Daily post: ${describe(daily)}. Next: ${describeNextRun(daily, now)}.`, 'user');
    const preview = await ctx.schedule.previewDaily(channel, daily);
    return { ...preview.message, visibility: 'user' };
  },
});
