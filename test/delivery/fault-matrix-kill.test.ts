/*
 * The kill -9 cells of the fault matrix: the real `main.ts`, as `npm start` runs it, posting a daily post to 100
 * Slack channels (a fake Slack on 127.0.0.1, SQLite in a temporary directory), killed with SIGKILL before a send
 * left (calls hang at Slack without effect), during one (Slack made the post but never answered), and after one
 * (Slack answered, but the process could not record it: the test holds the database's write lock), then started
 * again on the same database. Every channel must end with its post exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/fake-slack.ts';
import { startMain, type MainProcess } from '../helpers/main-process.ts';
import { postsPerChannel } from '../helpers/posts-per-channel.ts';

const CHANNELS = 100;
const channels = Array.from({ length: CHANNELS }, (_, i) => `C${String(i).padStart(7, '0')}`);
/** Steps to undo after a test; the cells run concurrently, so each has its own list. */
type Cleanup = (() => Promise<void> | void)[];

/** A data directory whose database has every channel's daily post due two minutes ago (so the start makes it). */
async function dataDirWithDailyPosts(cleanup: Cleanup): Promise<{ dir: string; database: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-kill-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'paperboy.db');
  const stores = openSqliteStores(database);
  const due = new Date(Date.now() - 2 * 60_000);
  const time = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
  for (const channel of channels) {
    await stores.channels.setDaily(`slack:${channel}`, { time, timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'slack:U1', new Date(Date.now() - 3_600_000));
  }
  await stores.close();
  return { dir, database };
}

/** `npm start`'s main.ts on Slack (HTTP mode) against the fake. */
function startBot(dir: string, fake: FakeSlack, cleanup: Cleanup): MainProcess {
  const bot = startMain([], {
    DATA_DIR: dir, CHAT_REQUEST_TIMEOUT_MS: '4000',
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef', SLACK_PORT: '0', SLACK_HOST: '127.0.0.1',
    SLACK_API_URL: fake.apiUrl, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT',
  });
  cleanup.push(() => { if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL'); });
  return bot;
}

/** Resolves once every channel's delivery is settled in the database (read from outside, as another process). */
async function allSent(database: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare<[], { sent: number; open: number }>(
        "SELECT SUM(status = 'sent') AS sent, SUM(status IN ('claimed', 'sending', 'retrying', 'unknown')) AS open FROM deliveries",
      ).get();
      if (row && row.sent === CHANNELS && row.open === 0) return;
      if (Date.now() - started > timeoutMs) throw new Error(`deliveries not settled: ${JSON.stringify(row)}`);
    } finally {
      db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type Cell = {
  name: string;
  /** Sets the fault up, waits for the moment to kill, and returns what to undo after the kill. */
  arrange(fake: FakeSlack, database: string): Promise<() => void>;
  /** What the moment of the kill must have been like, for the cell to test what it says. */
  check(fake: FakeSlack, unrecorded: number): void;
};

const posts = (fake: FakeSlack) => fake.calls.filter((c) => c.method === 'chat.postMessage');

const cells: Cell[] = [
  {
    name: 'before a send left: the posts hang at Slack without effect',
    async arrange(fake) {
      fake.failWhere('chat.postMessage', () => true, ...Array.from({ length: CHANNELS }, () => ({ hang: true as const })));
      await fake.waitFor((s) => s.calls.filter((c) => c.method === 'chat.postMessage').length >= 20, 60_000);
      return () => undefined;
    },
    check(fake) {
      expect(fake.messages.length).toBe(0);
      expect(posts(fake).length).toBeGreaterThanOrEqual(20);
    },
  },
  {
    name: 'during a send: Slack made the posts but never answered',
    async arrange(fake) {
      fake.failWhere('chat.postMessage', () => true, ...Array.from({ length: CHANNELS }, () => ({ hang: true as const, afterEffect: true })));
      await fake.waitFor((s) => s.messages.length >= 20, 60_000);
      return () => undefined;
    },
    check(_fake, unrecorded) {
      expect(unrecorded).toBeGreaterThanOrEqual(20);
    },
  },
  {
    name: 'after a send: Slack answered, but the process could not record it',
    async arrange(fake, database) {
      await fake.waitFor((s) => s.messages.length >= 20, 60_000);
      // Another connection takes the write lock: the bot's next write waits in SQLite's busy handler.
      const db = new Database(database);
      db.prepare('BEGIN IMMEDIATE').run();
      await new Promise((resolve) => setTimeout(resolve, 400));
      return () => {
        db.prepare('ROLLBACK').run();
        db.close();
      };
    },
    check(_fake, unrecorded) {
      expect(unrecorded).toBeGreaterThan(0);
    },
  },
];

/** Channels whose post Slack made while the database does not say so (what the restart must look up). */
function unrecordedPosts(fake: FakeSlack, database: string): number {
  const db = new Database(database, { readonly: true });
  try {
    const sent = new Set(db.prepare<[], string>("SELECT channel FROM deliveries WHERE status = 'sent'").pluck().all());
    return new Set(fake.messages.map((m) => m.channel).filter((channel) => !sent.has(`slack:${channel}`))).size;
  } finally {
    db.close();
  }
}

describe.concurrent('fault matrix, kill -9 of the real process (100 Slack channels): every channel gets its daily post exactly once', () => {
  it.each(cells)('$name', { timeout: 180_000 }, async ({ arrange, check }) => {
    const cleanup: Cleanup = [];
    try {
      await cell(cleanup, arrange, check);
    } finally {
      for (const step of cleanup.reverse()) await step();
    }
  });
});

async function cell(cleanup: Cleanup, arrange: Cell['arrange'], check: Cell['check']): Promise<void> {
  const fake = await startFakeSlack();
  cleanup.push(() => fake.close());
  const { dir, database } = await dataDirWithDailyPosts(cleanup);

  const first = startBot(dir, fake, cleanup);
  const undo = await arrange(fake, database);
  first.child.kill('SIGKILL');
  await first.exited;
  undo();
  check(fake, unrecordedPosts(fake, database));
  const postsBefore = posts(fake).length;

  const second = startBot(dir, fake, cleanup);
  await allSent(database);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(postsPerChannel(fake.messages.map((m) => m.channel), channels)).toEqual({ 1: CHANNELS });
  // The restart looked posts up rather than guessing.
  expect(fake.calls.some((c) => c.method === 'conversations.history')).toBe(true);
  expect(posts(fake).length).toBeGreaterThan(postsBefore);
}
