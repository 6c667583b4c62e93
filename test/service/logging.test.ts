import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { slackDriver } from '../fakes/slack/slack-driver.ts';
import { startMain } from '../helpers/main-process.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-logs-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs main.ts to its end; what it printed and its exit code. */
async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bot = startMain(args, env);
  const code = await bot.exited;
  return { code, stdout: bot.stdout, stderr: bot.stderr };
}

/** The keys a JSON object's text names more than once at its top level (JSON.parse would silently keep the last). */
function repeatedKeys(json: string): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const key = json.slice(i + 1, end);
      if (depth === 1 && json[end + 1] === ':') {
        if (seen.has(key)) repeated.push(key);
        seen.add(key);
      }
      i = end;
    }
  }
  return repeated;
}

it('keeps logs out of the terminal: --once prints only the answer, and the log file gets JSON lines with no key twice', async () => {
  const dataDir = tempDir();
  const { code, stdout } = await run(['--once', 'search diffusion'], { DATA_DIR: dataDir });
  expect(code).toBe(0);
  expect(stdout).toMatch(/^1–5 of \d+ papers for "diffusion"\n/);
  expect(stdout).not.toContain('"level"');
  const lines = readFileSync(join(dataDir, 'paperboy.log'), 'utf8').trim().split('\n');
  const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  expect(messages).toContain('paperboy starting');
  expect(messages).toContain('Applied database migration'); // a fresh database: its line names the file once
  expect(lines.flatMap(repeatedKeys)).toEqual([]);
});

it('writes readable lines with LOG_FORMAT=pretty, to LOG_FILE when it is set', async () => {
  const dataDir = tempDir();
  const logFile = join(tempDir(), 'logs', 'bot.log');
  const { code } = await run(['--once', 'help'], { DATA_DIR: dataDir, LOG_FORMAT: 'pretty', LOG_FILE: logFile });
  expect(code).toBe(0);
  expect(existsSync(join(dataDir, 'paperboy.log'))).toBe(false);
  const text = readFileSync(logFile, 'utf8');
  expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(\d+\): paperboy starting\n/);
  expect(text).not.toContain('\u001b['); // no colour codes in a file
  expect(text).not.toMatch(/^\{/m);
});

it('on a chat platform writes JSON lines to stdout, or to LOG_FILE when it is set', async () => {
  const slack = await startFakeSlack();
  cleanup.push(() => slack.close());
  const dataDir = tempDir();
  const logFile = join(tempDir(), 'paperboy.jsonl');
  const bot = startMain([], {
    DATA_DIR: dataDir, LOG_FILE: logFile,
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef', SLACK_PORT: '0', SLACK_HOST: '127.0.0.1',
    SLACK_API_URL: slack.apiUrl, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT',
  });
  cleanup.push(() => { if (bot.child.exitCode === null) bot.child.kill('SIGKILL'); });
  await slack.waitFor(() => /is running on Slack/.test(bot.stderr) || undefined, 15_000);
  expect(bot.stderr).toContain(`logs in ${logFile}`);
  const port = await slack.waitFor(() => /"msg":"slack adapter listening"/.test(readFileSync(logFile, 'utf8')) && /"port":(\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1]);
  const answer = await slackDriver(`http://127.0.0.1:${port}/slack/events`, '0123456789abcdef0123456789abcdef', { responseUrl: () => slack.responseUrl() }).command({ text: 'show monge gap' });
  expect(JSON.stringify(answer.json)).toContain('The Monge Gap');
  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
  expect(bot.stdout).toBe('');
  const messages = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
  expect(messages).toEqual(expect.arrayContaining(['paperboy starting', 'slack adapter listening', 'paperboy started', 'stopped']));
  expect(existsSync(join(dataDir, 'paperboy.log'))).toBe(false);
});
