/**
 * Replicas benchmark (needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL; a schema of its own, dropped
 * after). Three bots in this process, each with its own pool, index and paced sender, on one schema, as three
 * replicas would be; real time.
 *
 * 1. Fan-out: 1,000 channels with a daily post due at the same minute, every replica running that minute's
 *    run at once, into one simulated Slack workspace that enforces its limits (bench/fanout.ts: 1 msg/s per
 *    channel, 50/s for the workspace, 429s when exceeded). Each replica paces to its share of the workspace
 *    limit (the limit over the replicas alive). Reports the time to the last post against the least the
 *    workspace limit allows, the posts each replica made, the 429s, and that every channel got one post.
 * 2. Lag: a paper inserted through one replica, until a search on another finds it (NOTIFY; the 10 s poll
 *    is off here, so this is the announcement's path alone).
 *
 *   node --import tsx bench/replicas.ts        # also run by `npm run bench` when a database URL is set
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createBot, type Bot } from '../bot.ts';
import { systemClock } from '../src/clock.ts';
import type { Paper } from '../src/corpus/paper.ts';
import { PacedSender } from '../src/delivery/paced-sender.ts';
import { openPaperLibrary } from '../src/library/open-library.ts';
import type { PaperLibrary } from '../src/library/paper-library.ts';
import { silentLogger } from '../src/logger.ts';
import { openPostgresStores } from '../src/store/postgres/postgres-store.ts';
import type { Stores } from '../src/store/store.ts';
import { DEFAULT_FANOUT, fanoutLowerBoundMs, SimulatedSlackPlatform } from './fanout.ts';
import { percentiles, type Percentiles } from './stats.ts';

const REPLICAS = 3;
const CHANNELS = 1000;
const LAG_SAMPLES = 100;

/** What the replicas benchmark measured. */
export interface ReplicasResult {
  replicas: number;
  channels: number;
  /** From the start of the minute's run to the last post accepted, real ms. */
  fanoutMs: number;
  lowerBoundMs: number;
  ratio: number;
  /** Posts each replica made (by the post log's owner). */
  postsPerReplica: number[];
  /** Channels that got exactly one post. */
  channelsPostedOnce: number;
  rateLimited429s: number;
  /** Insert on one replica → found by a search on another, ms. */
  lag: Percentiles;
}

interface Replica {
  id: string;
  stores: Stores;
  library: PaperLibrary;
  bot: Bot;
  dataDir: string;
}

async function openReplica(id: string, url: string, schema: string, platform: SimulatedSlackPlatform): Promise<Replica> {
  const stores = await openPostgresStores(url, { schema });
  const dataDir = mkdtempSync(join(tmpdir(), `paperboy-bench-${id}-`));
  const library = await openPaperLibrary({ stores, dataDir, log: silentLogger, clock: systemClock });
  const sender = new PacedSender({
    platform, clock: systemClock, logger: silentLogger, global: { perSecond: DEFAULT_FANOUT.workspacePerSecond, burst: DEFAULT_FANOUT.workspaceBurst },
  });
  const bot = createBot({
    clock: systemClock, log: silentLogger, library, stores, defaultTimeZone: 'UTC',
    senderFor: (name) => (name === platform.name ? sender : undefined),
    status: { startedAt: systemClock.now(), version: 'bench', sources: [] },
    replica: { id, leaseMs: 30_000, onBeat: (alive) => sender.shareGlobalLimit(alive) },
  });
  return { id, stores, library, bot, dataDir };
}

/** A paper only this sample has, found by its made-up word. */
function lagPaper(i: number, word: string): Paper {
  const title = `Replica lag sample ${i}: ${word}`;
  const abstract = `A paper inserted through one replica to time how soon another finds ${word}.`;
  const id = `2612.${String(10_000 + i)}`;
  return {
    id, arxivId: id, title, titleDisplay: title, abstract, abstractDisplay: abstract,
    keywords: [], authors: [], categories: [], links: {}, sources: ['arxiv-api'],
  };
}

/** Runs both measurements on a fresh schema of `url`, and drops it. */
export async function measureReplicas(url: string): Promise<ReplicasResult> {
  const schema = `paperboy_bench_${randomBytes(4).toString('hex')}`;
  const platform = new SimulatedSlackPlatform(systemClock, DEFAULT_FANOUT);
  const replicas: Replica[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    for (let i = 1; i <= REPLICAS; i++) replicas.push(await openReplica(`replica-${i}`, url, schema, platform));
    // Every replica sees the others alive, so each takes its share of the workspace limit.
    for (let round = 0; round < 2; round++) for (const replica of replicas) await replica.bot.replicas!.beat();

    const channels = Array.from({ length: CHANNELS }, (_, i) => `slack:C${String(i).padStart(7, '0')}`);
    const now = systemClock.now();
    const at = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const time = at.toISOString().slice(11, 16);
    for (const channel of channels) {
      await replicas[0]!.stores.channels.setDaily(channel, { time, timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'slack:U1', new Date(at.getTime() - 3_600_000));
    }
    const started = Date.now();
    await Promise.all(replicas.map((replica) => replica.bot.dailyPosts.run(at)));
    const fanoutMs = Math.max(...platform.accepted.map((post) => post.at)) + DEFAULT_FANOUT.latencyMs / 2 - started;
    const lowerBoundMs = fanoutLowerBoundMs({ channels: CHANNELS });
    const perChannel = new Map<string, number>();
    for (const post of platform.accepted) perChannel.set(post.channelId, (perChannel.get(post.channelId) ?? 0) + 1);
    const postsPerReplica: number[] = [];
    for (const replica of replicas) {
      const owned = await Promise.all(channels.map(async (channel) => (await replica.stores.deliveries.recent(channel, 1))[0]?.owner === replica.id));
      postsPerReplica.push(owned.filter(Boolean).length);
    }

    // Lag: replicas 2 and 3 listen; each sample is inserted through replica 1 and searched for on the next one.
    for (const replica of replicas.slice(1)) stops.push(await replica.stores.papers.watchChanges(() => replica.bot.sync.requestSync()));
    const lags: number[] = [];
    for (let i = 0; i < LAG_SAMPLES; i++) {
      const word = `quokkalag${i}x${randomBytes(3).toString('hex')}`;
      const reader = replicas[1 + (i % (REPLICAS - 1))]!;
      const t0 = performance.now();
      await replicas[0]!.stores.papers.upsert([lagPaper(i, word)]);
      for (;;) {
        if ((await reader.library.search({ text: word, limit: 1 })).papers.length > 0) break;
        if (performance.now() - t0 > 30_000) throw new Error(`sample ${i} not found on ${reader.id} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      lags.push(performance.now() - t0);
    }
    return {
      replicas: REPLICAS, channels: CHANNELS, fanoutMs, lowerBoundMs, ratio: fanoutMs / lowerBoundMs, postsPerReplica,
      channelsPostedOnce: [...perChannel.values()].filter((count) => count === 1).length, rateLimited429s: platform.rateLimited429s,
      lag: percentiles(lags),
    };
  } finally {
    for (const stop of stops) await stop();
    for (const replica of replicas) {
      await replica.bot.stop();
      await replica.stores.close();
      rmSync(replica.dataDir, { recursive: true, force: true });
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

/** The report's lines. */
export function formatReplicas(r: ReplicasResult): string[] {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const ms = (n: number): string => `${n.toFixed(n >= 100 ? 0 : 1)} ms`;
  return [
    `Replicas on PostgreSQL: ${r.replicas} bots, one schema, real time`,
    '',
    '| channels | replicas | last post | workspace bound | ratio (target ≤ 1.2×) | posts per replica | channels posted once | 429s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.channels.toLocaleString('en')} | ${r.replicas} | ${s(r.fanoutMs)} | ${s(r.lowerBoundMs)} | ${r.ratio.toFixed(3)}× | ${r.postsPerReplica.join(' / ')} | ${r.channelsPostedOnce.toLocaleString('en')} | ${r.rateLimited429s} |`,
    '',
    `Insert on one replica → found by a search on another (${LAG_SAMPLES} papers, NOTIFY; target p99 ≤ 10 s): p50 ${ms(r.lag.p50)}, p95 ${ms(r.lag.p95)}, p99 ${ms(r.lag.p99)}, max ${ms(r.lag.max)}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    process.stderr.write('Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/test\n');
    process.exit(1);
  }
  process.stdout.write(`${formatReplicas(await measureReplicas(url)).join('\n')}\n`);
}
