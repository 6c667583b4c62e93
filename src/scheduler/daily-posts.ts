import type { Clock } from '../clock.ts';
import type { OutgoingMessage } from '../chat/message.ts';
import type { Papers } from '../library/papers.ts';
import type { Logger } from '../logger.ts';
import type { RankedFacts, TrendingEntry } from '../ranking/trending.ts';
import type { ChannelSettings, ChannelSettingsStore, DailySettings } from '../store/channel-settings.port.ts';
import type { DeliveryStore } from '../store/delivery-store.port.ts';
import type { SourceStateStore } from '../store/source-state-store.port.ts';
import { nextDailyRun, previousDailyRun } from './daily-schedule.ts';
import type { DeliveryService } from '../delivery/delivery-service.ts';
import { weekdayOf } from './local-time.ts';
import type { ScheduledJob } from './job-loop.ts';
import type { PostContent, PostPresenter } from './post-content.ts';
import { eachAtMost } from '../util/concurrency.ts';

/** A stable number from a replica id (FNV-1a), to spread replicas over a list. */
function offsetOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** A post missed while the bot was down is still made this long after its time; later it is skipped. */
export const DEFAULT_GRACE_MS = 6 * 3_600_000;

/** A post this late or later is logged as late (a scheduled run normally starts within milliseconds). */
const LATE_NOTE_MS = 60_000;

/**
 * With replicas: the posts of one run a replica has in progress at once. A replica claims a channel's post only
 * when one of these is free, so it claims as fast as it sends, and replicas share a run by their capacity.
 */
export const REPLICA_RUN_CONCURRENCY = 32;

/** The key that makes a channel's daily post exactly once per local day. */
export function dailyKey(channel: string, localDate: string): string {
  return `daily:${channel}:${localDate}`;
}

/** The week's trending papers on a topic (or all), as ranked for one run. */
type Ranking = (topic: string | undefined) => RankedFacts[];

/** What the daily posts need. */
export interface DailyPostsDeps {
  clock: Clock;
  log: Logger;
  papers: Papers;
  channels: ChannelSettingsStore;
  deliveries: DeliveryStore;
  sources: SourceStateStore;
  delivery: DeliveryService;
  present: PostPresenter;
  graceMs?: number;
  /** With replicas: this one's id (each starts a run at another channel, and keeps {@link REPLICA_RUN_CONCURRENCY} posts in progress). */
  replicaId?: string;
}

/**
 * The daily post of every channel that has one: at its local time, the top N trending papers of the
 * week it has not been shown (optionally on a topic), or one line saying why there is nothing new.
 */
export class DailyPosts implements ScheduledJob {
  readonly name = 'daily posts';

  constructor(private readonly deps: DailyPostsDeps) {}

  async nextRun(after: Date): Promise<Date | undefined> {
    let best: Date | undefined;
    for (const settings of await this.deps.channels.listDaily()) {
      const { at } = nextDailyRun(settings.daily!, after);
      if (!best || at < best) best = at;
    }
    return best;
  }

  /**
   * Makes the posts due at `at` (see `postAll`). A run that comes late, after the process was frozen (a suspended laptop or VM) or the
   * clock stepped forward, goes by the same rule as the catch-up at start: within the grace period the post is
   * made once, beyond it it is skipped with a log line.
   */
  async run(at: Date): Promise<void> {
    const justBefore = new Date(at.getTime() - 1);
    const due: { settings: ChannelSettings; localDate: string }[] = [];
    for (const settings of await this.deps.channels.listDaily()) {
      const next = nextDailyRun(settings.daily!, justBefore);
      if (next.at.getTime() === at.getTime()) due.push({ settings, localDate: next.localDate });
    }
    await this.postAll(due.map((post) => ({ ...post, at })));
  }

  /**
   * Makes these posts: all at once (the sender paces them and keeps one channel's trouble to that channel), or
   * with replicas {@link REPLICA_RUN_CONCURRENCY} at a time, each replica starting at another channel so they
   * rarely compose the same post.
   */
  private async postAll(posts: readonly { settings: ChannelSettings; localDate: string; at: Date }[]): Promise<void> {
    const ranking = this.rankingOfRun();
    const post = ({ settings, localDate, at }: (typeof posts)[number]): Promise<void> => this.postIfOnTime(settings, localDate, at, ranking);
    const { replicaId } = this.deps;
    if (replicaId === undefined) {
      await Promise.all(posts.map(post));
      return;
    }
    const start = posts.length === 0 ? 0 : offsetOf(replicaId) % posts.length;
    await eachAtMost([...posts.slice(start), ...posts.slice(0, start)], REPLICA_RUN_CONCURRENCY, post);
  }

  /**
   * On start: the latest scheduled post of each channel that was missed while the bot was down is made
   * now if still within the grace period, and skipped with a log line otherwise.
   */
  async catchUp(): Promise<void> {
    const now = this.deps.clock.now();
    const lastRuns: { settings: ChannelSettings; localDate: string; at: Date }[] = [];
    for (const settings of await this.deps.channels.listDaily()) {
      const run = previousDailyRun(settings.daily!, now);
      // Only a run after the daily post was switched on counts as missed.
      if (run.at < new Date(settings.updatedAt)) continue;
      lastRuns.push({ settings, ...run });
    }
    await this.postAll(lastRuns);
  }

  /** The one lateness rule: a post more than the grace period after its time is skipped, else made (once). */
  private async postIfOnTime(settings: ChannelSettings, localDate: string, scheduledAt: Date, ranking: Ranking): Promise<void> {
    // Made already (by another replica, an earlier run, before a restart): neither composed again nor reported late.
    if (await this.deps.deliveries.get(dailyKey(settings.channel, localDate))) return;
    const late = this.deps.clock.now().getTime() - scheduledAt.getTime();
    const fields = { channel: settings.channel, localDate, lateMinutes: Math.round(late / 60_000) };
    if (late > (this.deps.graceMs ?? DEFAULT_GRACE_MS)) {
      this.deps.log.warn(fields, 'skipped a daily post missed beyond the grace period');
      return;
    }
    if (late >= LATE_NOTE_MS) this.deps.log.info(fields, 'making a late daily post, within the grace period');
    await this.post(settings, localDate, ranking);
  }

  /**
   * The week's trending papers, ranked once per topic for a whole run instead of once per channel (a run
   * may post to thousands of channels, and ranking takes milliseconds).
   */
  private rankingOfRun(): Ranking {
    const ranked = new Map<string, RankedFacts[]>();
    return (topic) => {
      let candidates = ranked.get(topic ?? '');
      if (!candidates) ranked.set(topic ?? '', (candidates = this.deps.papers.rankTrending({ window: 'week', ...(topic ? { topic } : {}) })));
      return candidates;
    };
  }

  /** Exactly what the channel's next daily post would contain, without posting or recording anything. */
  async preview(channel: string, daily: DailySettings): Promise<{ message: OutgoingMessage; at: Date }> {
    const next = nextDailyRun(daily, this.deps.clock.now());
    return { message: this.deps.present(await this.compose(channel, daily, next.localDate, this.rankingOfRun())), at: next.at };
  }

  private async post(settings: ChannelSettings, localDate: string, ranking: Ranking): Promise<void> {
    const key = dailyKey(settings.channel, localDate);
    const content = await this.compose(settings.channel, settings.daily!, localDate, ranking);
    const outcome = await this.deps.delivery.deliver({
      key,
      channel: settings.channel,
      kind: content.kind === 'daily' ? 'daily' : 'empty-day',
      paperIds: content.kind === 'daily' ? content.entries.map((entry) => entry.paper.id) : [],
      message: this.deps.present(content),
    });
    this.deps.log.info({ channel: settings.channel, localDate, outcome, kind: content.kind }, 'daily post');
  }

  private async compose(channel: string, daily: DailySettings, localDate: string, ranking: Ranking): Promise<PostContent> {
    const topic = daily.topic ? { topic: daily.topic } : {};
    const candidates = ranking(daily.topic);
    const shown = await this.deps.deliveries.alreadyShown(channel, candidates.map((entry) => entry.facts.id));
    const fresh: TrendingEntry[] = await this.deps.papers.entriesOf(candidates.filter((entry) => !shown.has(entry.facts.id)).slice(0, daily.top));
    if (fresh.length > 0) return { kind: 'daily', localDate, ...topic, entries: fresh };
    return { kind: 'empty-day', localDate, reason: await this.emptyReason(daily, candidates.length, localDate) };
  }

  /** Why there is nothing new: the weekend, sources lagging, a topic with no match, or all shown already. */
  private async emptyReason(daily: DailySettings, candidates: number, localDate: string): Promise<string> {
    const weekday = weekdayOf(localDate);
    if (weekday >= 6 && candidates === 0) return 'it is the weekend, when Hugging Face and arXiv publish no new papers.';
    const failing = (await this.deps.sources.all()).filter((state) => state.consecutiveFailures > 0);
    if (failing.length > 0) {
      const since = failing.map((s) => s.lastSuccessAt).filter(Boolean).sort()[0];
      return `the paper sources have not refreshed${since ? ` since ${since.slice(0, 16).replace('T', ' ')} UTC` : ''} (${failing.map((s) => s.source).join(', ')} failing).`;
    }
    if (daily.topic && candidates === 0) return `no paper trending this week matches "${daily.topic}".`;
    if (candidates > 0) return candidates === 1 ? 'the one paper trending this week was posted here already.' : `all ${candidates} papers trending this week were posted here already.`;
    return 'no paper is trending this week yet.';
  }
}
