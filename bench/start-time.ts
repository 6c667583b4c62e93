/**
 * Start-up, timed from outside as a person meets it: `npm start` on the bundled corpus until the prompt
 * (stdin empty, so the terminal prints its banner and leaves at end of input), `node dist/main.js --once
 * "search diffusion"`, and, for comparison, the TypeScript sources through tsx (`npm run dev`). A warm
 * machine: one run of each first (it also creates the database and saves the index), then `RUNS` timed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 5;
const root = fileURLToPath(new URL('..', import.meta.url));

/** Wall times of one command. */
export interface StartTiming {
  command: string;
  runs: number[];
}

/** Times each way of starting; builds dist/ first if it is stale (that build is not timed). */
export function measureStartTimes(): StartTiming[] {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
  const env = { ...process.env, DATA_DIR: dataDir, SOURCES: '', SLACK_BOT_TOKEN: '', DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '', HEALTH_PORT: '' };
  const commands: [string, string, string[]][] = [
    ['npm start (to the prompt)', 'npm', ['start', '--silent']],
    ['node dist/main.js --once "search diffusion"', process.execPath, ['dist/main.js', '--once', 'search diffusion']],
    ['npm run dev (tsx, to the prompt)', 'npm', ['run', '--silent', 'dev']],
  ];
  try {
    return commands.map(([command, file, args]) => {
      const once = (): number => {
        const start = performance.now();
        const result = spawnSync(file, args, { cwd: root, env, input: '', stdio: ['pipe', 'ignore', 'pipe'], encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
        return performance.now() - start;
      };
      once();
      return { command, runs: Array.from({ length: RUNS }, once) };
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The report's table: min and median of each. */
export function formatStartTimes(timings: readonly StartTiming[]): string[] {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const median = (runs: number[]): number => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return [
    `| start-up on the bundled corpus (${RUNS} runs after one warm-up) | min | median | max |`,
    '| --- | --- | --- | --- |',
    ...timings.map((t) => `| ${t.command} | ${s(Math.min(...t.runs))} | ${s(median(t.runs))} | ${s(Math.max(...t.runs))} |`),
  ];
}
