import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cleanup: (() => void)[] = [];
afterEach(() => { for (const step of cleanup.splice(0).reverse()) step(); });

it('says what it is doing while it opens the database and loads the papers, then clears the line for the banner (in a terminal)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // util-linux `script` gives the bot a pseudo-terminal, as a person's terminal would.
  const child = spawn('script', ['-qfec', `${process.execPath} --import tsx main.ts`, '/dev/null'], {
    cwd: root, env: { ...process.env, DATA_DIR: dataDir, SOURCES: '', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanup.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let screen = '';
  const prompt = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (screen.includes('papers>')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await prompt;
  child.stdin.write('\u0004'); // Ctrl-D leaves
  expect(await exited).toBe(0);
  expect(screen).toMatch(/^Opening the database and loading papers…\r\u001b\[KPaperboy \d+\.\d+\.\d+ · 74 papers, all bundled: [^\r\n]+\r\n/);
}, 30_000);
