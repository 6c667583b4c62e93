import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import { isPresent } from './fixtures/crash-writes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => join(root, 'test/store/fixtures', name);
const dir = mkdtempSync(join(tmpdir(), 'paperboy-processes-'));
const children = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(script: string, args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(script), ...args], { cwd: root });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Calls `onLine` for each stdout line; resolves with the exit code and signal, and what went to stderr. */
function watch(
  child: ChildProcessWithoutNullStreams,
  onLine: (line: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('sqlite store across processes', () => {
  it('loses no acknowledged write when the writing process is killed with SIGKILL', async () => {
    const file = join(dir, 'crash', 'paperboy.db');
    const child = start('crash-writer.ts', [file]);
    let acked = 0;
    const unexpected: string[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const exit = await watch(child, (line) => {
      const n = Number(/^acked (\d+)$/.exec(line)?.[1]);
      if (n !== acked + 1) {
        unexpected.push(line);
        child.kill('SIGKILL');
        return;
      }
      acked = n;
      if (acked === 40) child.kill('SIGKILL');
    });
    clearTimeout(timer);
    expect(exit.stderr).toBe('');
    expect(unexpected).toEqual([]);
    expect(exit.signal).toBe('SIGKILL');
    expect(acked).toBeGreaterThan(0);

    const raw = new Database(file);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const stores = openSqliteStores(file);
    const missing: number[] = [];
    for (let n = 1; n <= acked; n++) if (!(await isPresent(stores, n))) missing.push(n);
    const neverWritten = await Promise.all([3, 4, 5].map((k) => isPresent(stores, 10_000 + k)));
    await stores.close();
    expect(missing).toEqual([]);
    expect(neverWritten).toEqual([false, false, false]);
  }, 30_000);

  it('lets exactly one of several processes claim each key when they race', async () => {
    const file = join(dir, 'race', 'paperboy.db');
    await openSqliteStores(file).close();
    const count = 150;
    // Each starts at a different key and goes round, so they meet on keys another one holds or is claiming.
    const racers = [1, 51, 101].map((first) => start('claim-race.ts', [file, String(count), String(first)]));
    let ready = 0;
    const results: string[][] = [];
    const exits = racers.map((child) =>
      watch(child, (line) => {
        if (line !== 'ready') return void results.push(JSON.parse(line) as string[]);
        if (++ready === racers.length) for (const racer of racers) racer.stdin.write('go\n');
      }),
    );
    const timer = setTimeout(() => racers.forEach((child) => child.kill('SIGKILL')), 20_000);
    const done = await Promise.all(exits);
    clearTimeout(timer);
    expect(done.map((d) => [d.code, d.stderr])).toEqual(racers.map(() => [0, '']));

    const won = results.flat();
    expect(won).toHaveLength(count);
    expect(new Set(won).size).toBe(count);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBe(count);
    expect(raw.prepare("SELECT count(*) FROM shown_papers WHERE paper_id = 'shared'").pluck().get()).toBe(1);
    raw.close();
  }, 30_000);
});
