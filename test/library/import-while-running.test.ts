import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPaper, type Paper } from '../../src/corpus/paper.ts';
import type { PaperSource } from '../../src/scheduler/source-refresh.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { headingsOf, testBot } from '../helpers/bot.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const opened: Stores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-running-'));
  dirs.push(dir);
  return dir;
}

/** `count` minimal JSON Lines papers about wombats (`2701.NNNNN`). */
function wombatLines(count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({
    id: `2701.${String(from + i).padStart(5, '0')}`,
    title: `Wombat burrow mapping, part ${from + i}`,
    abstract: `We map wombat burrows with lidar, survey ${from + i}.`,
    date: '2025-01-23',
  })).join('\n');
}

describe('importing while the bot runs', { timeout: 60_000 }, () => {
  it('an import from another process becomes searchable, reaches a subscription once, and survives the next refresh', async () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'paperboy.db');
    let fetched: Paper[] = [];
    const source: PaperSource = { name: 'hf-daily', schedule: '0 * * * *', fetch: async () => ({ papers: fetched, rejected: [] }) };
    const stores = openSqliteStores(path);
    opened.push(stores);
    const bot = await testBot({ now: '2025-01-24T10:30:00Z', stores, sources: [source], followIntervalMs: 10_000 });
    await bot.exec('subscribe wombat burrows');
    const file = join(dataDir, 'wombats.jsonl');
    writeFileSync(file, wombatLines(300));

    const imported = await run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' } });
    expect(imported.stdout).toContain('Added 300,');
    // Within the follow interval (10 s; the first source fetch ran at 10:30:00) the bot has the papers, and
    // the subscription its one post.
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:11Z'));
    expect((await bot.exec('show 2701.00299')).reply.fallbackText).toContain('Wombat burrow mapping, part 299');
    expect((await bot.exec('search wombat burrows')).reply.fallbackText).toMatch(/^1–5 of 300 papers/);
    const posts = bot.platform.postsTo('C1');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.message.fallbackText).toMatch(/wombat burrows/);
    expect(headingsOf(posts[0]!.message)).toHaveLength(5);

    // The next source refresh (11:00) brings other papers; it neither erases nor re-posts the imported ones.
    fetched = [createPaper({ arxivId: '2501.77777', title: 'Koalas in the canopy', abstract: 'We count koalas.', source: 'hf-daily', featuredOn: '2025-01-24', signals: { upvotes: 3, observedAt: '2025-01-24T11:00:00Z' } })];
    await bot.jobs.runUntil(new Date('2025-01-24T11:01:00Z'));
    expect(await stores.papers.count()).toBe(74 + 300 + 1);
    expect((await bot.exec('show 2701.00007')).reply.fallbackText).toContain('Wombat burrow mapping, part 7');
    expect((await bot.exec('search koalas canopy')).outcome).toBe('ok');
    expect(bot.platform.postsTo('C1')).toHaveLength(1);
  });

  it('papers imported while the bot was down reach subscriptions at the next start', async () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'paperboy.db');
    const first = openSqliteStores(path);
    opened.push(first);
    const before = await testBot({ now: '2025-01-24T10:00:00Z', stores: first });
    await before.exec('subscribe wombat burrows');
    const file = join(dataDir, 'wombats.jsonl');
    writeFileSync(file, wombatLines(3));
    await run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' } });
    const reopened = openSqliteStores(path);
    opened.push(reopened);
    const after = await testBot({ clock: before.clock, stores: reopened });
    await after.bot.start();
    await after.bot.stop();
    expect(after.platform.postsTo('C1')).toHaveLength(1);
    expect(headingsOf(after.platform.postsTo('C1')[0]!.message)).toHaveLength(3);
  });
});

describe('the real bot process and a real import beside it', { timeout: 120_000 }, () => {
  it('finds imported papers and posts the subscription within 30 s, then exits cleanly', async () => {
    const dataDir = tempDir();
    const bot = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NO_COLOR: '1', LOG_LEVEL: 'info', SOURCES: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    bot.stdout.on('data', (chunk) => { stdout += chunk; });
    const waitFor = async (pattern: RegExp, ms: number): Promise<void> => {
      const until = Date.now() + ms;
      while (!pattern.test(stdout)) {
        if (Date.now() > until) throw new Error(`not seen within ${ms} ms: ${pattern}\n${stdout.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      bot.stdin.write('subscribe wombat burrows\n');
      await waitFor(/Subscribed \(#1\)/, 30_000);
      const file = join(dataDir, 'wombats.jsonl');
      writeFileSync(file, wombatLines(40));
      const started = Date.now();
      await run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' } });
      await waitFor(/posted to #terminal[\s\S]*Wombat burrow mapping/, 30_000);
      expect(Date.now() - started).toBeLessThan(30_000);
      bot.stdin.write('search wombat burrow mapping part 39\n');
      await waitFor(/Wombat burrow mapping, part 39/, 10_000);
      expect(stdout.match(/posted to #terminal/g)).toHaveLength(1);
    } finally {
      bot.stdin.end();
    }
    const code = await new Promise<number | null>((resolve) => bot.once('close', resolve));
    expect(code).toBe(0);
  });
});
