import { encodeRef } from '../src/chat/refs.ts';
import type { ReplicaReport } from '../src/replicas/replica-presence.ts';
import { describeNextRun, formatWait } from '../src/scheduler/daily-schedule.ts';
import { elapsed } from './presenters/elapsed.ts';
import { CONNECT_A_SOURCE, corpusSummary } from './presenters/bundled.ts';
import { defineCommand, type CommandContext } from './framework/command-spec.ts';

/** A run of the whole bot (any channel, a source): in UTC, the wait rounded up as `daily` does. */
function when(at: Date | undefined, now: Date): string {
  if (!at) return 'not scheduled';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC (in ${formatWait(at.getTime() - now.getTime())})`;
}

/** This channel's next daily post in its own time zone (as `daily` shows it), then next runs, sources, disabled channels. */
async function scheduleFields(ctx: CommandContext): Promise<{ label: string; value: string[] }[]> {
  const now = ctx.clock.now();
  const here = await ctx.stores.channels.get(encodeRef(ctx.channel));
  const fields = here?.daily && !here.disabled ? [{ label: 'Next daily post here', value: [describeNextRun(here.daily, now)] }] : [];
  fields.push(...(await ctx.schedule.nextRuns()).map((run) => ({ label: `Next ${run.name}${run.name === 'daily posts' ? ' (any channel)' : ''}`, value: [when(run.at, now)] })));
  for (const state of await ctx.stores.sources.all()) {
    const health = state.consecutiveFailures > 0
      ? `failing ${state.consecutiveFailures}× since ${state.lastSuccessAt ? state.lastSuccessAt.slice(0, 16).replace('T', ' ') : 'start'}: ${state.lastError ?? 'unknown error'}`
      : `ok, last refreshed ${state.lastSuccessAt?.slice(0, 16).replace('T', ' ')} UTC (${state.lastChanged ?? 0} new or changed)`;
    fields.push({ label: `Source ${state.source}`, value: [health] });
  }
  if (ctx.status.replicas) fields.push(...replicaFields(await ctx.status.replicas()));
  const disabled = await ctx.stores.channels.listDisabled();
  if (disabled.length > 0) {
    fields.push({ label: 'Disabled channels', value: [disabled.map((c) => `${c.channel} (${c.disabled!.reason})`).join(', ')] });
  }
  return fields;
}

/** The chat connections' state (Discord shards, Slack workspaces), when there is more to say than "connected". */
async function connectionFields(ctx: CommandContext): Promise<{ label: string; value: string[] }[]> {
  const lines = (await ctx.status.connections?.()) ?? [];
  return lines.length > 0 ? [{ label: 'Connections', value: [lines.join('\n')] }] : [];
}

/** Which replica answers, how many are alive, and who holds each lease (until when). */
function replicaFields(report: ReplicaReport): { label: string; value: string[] }[] {
  const others = report.alive.filter((replica) => replica.id !== report.id).map((replica) => replica.id);
  const fields = [
    { label: 'Replica', value: [`${report.id} (this one)`] },
    { label: 'Replicas alive', value: [`${Math.max(1, report.alive.length)}${others.length > 0 ? ` (also ${others.join(', ')})` : ''}`] },
  ];
  for (const lease of report.leases) {
    fields.push({ label: `Lease ${lease.name}`, value: [`held by ${lease.holder} until ${lease.expiresAt.slice(11, 19)} UTC`] });
  }
  if (report.leases.length === 0) fields.push({ label: 'Leases', value: ['none held (no source refresh or subscription matching under way)'] });
  return fields;
}

/** `status`: what the bot serves and from where. */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'Corpus size, sources and their health, next scheduled runs, uptime',
  examples: ['status'],
  arguments: {},
  options: {},
  permission: 'anyone',
  run: async (_args, ctx) => {
    const now = ctx.clock.now();
    const stats = ctx.papers.stats();
    const sources = ctx.status.sources.length > 0 ? ctx.status.sources.join(', ') : `none configured (${CONNECT_A_SOURCE})`;
    const fields = [
      { label: 'Papers', value: [`${corpusSummary(stats, ctx.status.sources)}; ${stats.terms.toLocaleString('en')} indexed terms`] },
      { label: 'Sources', value: [sources] },
      { label: 'Up for', value: [`${elapsed(now.getTime() - ctx.status.startedAt.getTime())} (since ${ctx.status.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`] },
      { label: 'Version', value: [ctx.status.version] },
      ...(await connectionFields(ctx)),
      ...(await scheduleFields(ctx)),
    ];
    return {
      fallbackText: fields.map((f) => `${f.label}: ${f.value.join('')}`).join('\n'),
      blocks: [{ kind: 'heading', text: 'Paperboy status' }, { kind: 'fields', fields }],
      visibility: 'channel',
    };
  },
});
