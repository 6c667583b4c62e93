import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import { textMessage } from '../src/chat/message.ts';
import { echo } from '../src/chat/text.ts';
import { encodeRef } from '../src/chat/refs.ts';
import type { DailySettings } from '../src/store/channel-settings.port.ts';
import { describeNextRun } from '../src/scheduler/daily-schedule.ts';
import { isValidTimeZone, parseLocalTime } from '../src/scheduler/local-time.ts';
import { defineCommand, type CommandContext } from './framework/command-spec.ts';
import { choiceArgument, flagArgument, integerOption, textOption } from './framework/validators.ts';

/** Papers in a daily post unless `top:` says otherwise, and the most allowed. */
export const DAILY_TOP = { default: 5, max: 20 } as const;
/** When a daily post goes out unless a time is given. */
export const DEFAULT_DAILY_TIME = '09:00';

const UTC_NAMES = /^(utc|gmt|z)$/i;

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

/** `daily`: the channel's daily post — set it, stop it, show it, preview it. */
export const dailyCommand = defineCommand({
  name: 'daily',
  summary: "This channel's daily post of trending papers: on, off, show, preview",
  examples: ['daily on 09:00 Europe/Berlin', 'daily on 8:30 America/New_York weekdays top:3 topic:"diffusion"', 'daily preview', 'daily off'],
  arguments: {
    action: choiceArgument(['on', 'off', 'preview'], { description: 'on: set the post; off: stop it; preview: see the next one; nothing: show the setting' }),
    time: {
      kind: 'text', takes: 'word', placeholder: 'HH:MM', example: '09:00',
      description: `with on: local time of the post, 24-hour HH:MM (default ${DEFAULT_DAILY_TIME})`,
      accepts: (word) => /^[\d:.]+(am|pm)?$/i.test(word),
      schema: () => z.string().transform((word, ctx) => {
        const time = parseLocalTime(word);
        if (time) return time;
        ctx.addIssue({ code: 'custom', message: `"${echo(word)}" is not a time of day; use 24-hour HH:MM such as 09:00 or 17:30 (or 9am).` });
        return z.NEVER;
      }),
    },
    timezone: {
      kind: 'time-zone', takes: 'word', placeholder: 'IANA zone', example: 'Europe/Berlin',
      description: 'with on: IANA time zone such as Europe/Berlin',
      accepts: (word) => word.includes('/') || UTC_NAMES.test(word),
      schema: () => z.string().transform((word, ctx) => {
        const zone = UTC_NAMES.test(word) ? 'UTC' : word;
        if (isValidTimeZone(zone)) return zone;
        ctx.addIssue({ code: 'custom', message: `"${echo(word)}" is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC.` });
        return z.NEVER;
      }),
    },
    weekdays: flagArgument({ word: 'weekdays', description: 'with on: Monday to Friday only', accepts: (word) => /^(weekdays?|weekdays-only|mon-fri)$/i.test(word) }),
  },
  options: {
    top: integerOption({ description: `how many papers (default ${DAILY_TOP.default})`, min: 1, max: DAILY_TOP.max, example: '5' }),
    topic: textOption({ description: 'only papers matching this search', example: '"diffusion models"', placeholder: '"..."', what: 'a topic' }),
  },
  permission: (args) => (args.action === 'on' || args.action === 'off' ? 'channel-manager' : 'anyone'),
  run: async (args, ctx) => {
    const channel = encodeRef(ctx.channel);
    const now = ctx.clock.now();
    if (args.action !== 'on') {
      const onlyWithOn = [args.time, args.timezone, args.weekdays && 'weekdays', args.top !== undefined && `top:${args.top}`, args.topic !== undefined && 'topic:'];
      const stray = onlyWithOn.find((value) => typeof value === 'string');
      if (stray !== undefined) {
        throw new UserError('invalid-argument', `${stray} goes with "daily on", e.g. /papers daily on 09:00 Europe/Berlin top:3`);
      }
    }
    if (args.action === 'on') {
      const previous = await currentDaily(ctx);
      const daily: DailySettings = {
        time: args.time ?? previous?.time ?? DEFAULT_DAILY_TIME,
        timeZone: args.timezone ?? previous?.timeZone ?? ctx.defaultTimeZone,
        weekdaysOnly: args.weekdays === true,
        top: args.top ?? previous?.top ?? DAILY_TOP.default,
        ...(args.topic ? { topic: args.topic } : {}),
      };
      // What the earlier setting decided and this one did not say: said, so nothing changes unnoticed.
      const kept = [
        daily.time !== DEFAULT_DAILY_TIME && args.time === undefined && `time ${daily.time}`,
        daily.timeZone !== ctx.defaultTimeZone && args.timezone === undefined && `zone ${daily.timeZone}`,
        daily.top !== DAILY_TOP.default && args.top === undefined && `top:${daily.top}`,
      ].filter((part): part is string => typeof part === 'string');
      const dropped = previous?.topic && !args.topic ? ` The topic "${previous.topic}" is dropped; add topic:"${previous.topic}" to keep it.` : '';
      await ctx.stores.channels.setDaily(channel, daily, `${ctx.actor.platform}:${ctx.actor.userId}`, now);
      await ctx.stores.channels.enable(channel);
      const keptNote = kept.length > 0 ? ` Kept from the earlier setting: ${kept.join(', ')}.` : '';
      return textMessage(`Daily post on: ${describe(daily)}. Next: ${describeNextRun(daily, now)}.${keptNote}${dropped}`);
    }
    if (args.action === 'off') {
      const previous = await currentDaily(ctx);
      if (!previous) return textMessage('The daily post is already off here. Turn it on with /papers daily on 09:00 Europe/Berlin', 'user');
      await ctx.stores.channels.setDaily(channel, undefined, `${ctx.actor.platform}:${ctx.actor.userId}`, now);
      return textMessage('Daily post off. Turn it back on with /papers daily on');
    }
    const daily = await currentDaily(ctx);
    if (!daily) return textMessage('No daily post here yet. A channel manager can start one: /papers daily on 09:00 Europe/Berlin', 'user');
    if (args.action === undefined) return textMessage(`Daily post: ${describe(daily)}. Next: ${describeNextRun(daily, now)}.`, 'user');
    const preview = await ctx.schedule.previewDaily(channel, daily);
    return { ...preview.message, visibility: 'user' };
  },
});
