/*
 * `npm start` on Slack in Socket Mode, as a real process: a refused app token ends it with what to fix; a Slack that
 * keeps failing is reported on stderr, and SIGTERM still ends the process promptly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SHUTDOWN_BOUND_MS } from '../../../adapters/process-guard.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack/fake-slack.ts';
import { startMain, type MainProcess } from '../../helpers/main-process.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function startBot(fake: FakeSlack, extra: Record<string, string> = {}): MainProcess {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-slack-start-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const bot = startMain([], {
    DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: fake.apiUrl, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT', ...extra,
  });
  cleanup.push(() => { if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL'); });
  return bot;
}

it('ends the start with the setting and the scope when Slack refuses the app token (missing_scope)', async () => {
  const fake = await startFakeSlack();
  cleanup.push(() => fake.close());
  fake.failNext('apps.connections.open', { error: 'missing_scope' });
  const bot = startBot(fake);
  expect(await bot.exited).toBe(1);
  expect(bot.stderr).toMatch(/Slack refused SLACK_APP_TOKEN \(missing_scope\): the token lacks the scope connections:write\./);
  expect(bot.stderr).not.toContain('xapp-test');
});

it('says on stderr that Slack keeps failing, and still ends promptly on SIGTERM', async () => {
  const fake = await startFakeSlack();
  cleanup.push(() => fake.close());
  fake.failWhere('apps.connections.open', () => true, ...Array.from({ length: 500 }, () => ({ status: 503 })));
  const bot = startBot(fake);
  await fake.waitFor(() => /Slack did not answer apps.connections.open \(HTTP 503\); trying again/.test(bot.stderr) || undefined, 20_000);
  const signalled = Date.now();
  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_BOUND_MS);
});

it('gives up after SLACK_START_TIMEOUT_MS when Slack keeps failing, with the reason', async () => {
  const fake = await startFakeSlack();
  cleanup.push(() => fake.close());
  fake.failWhere('apps.connections.open', () => true, ...Array.from({ length: 500 }, () => ({ status: 502 })));
  const bot = startBot(fake, { SLACK_START_TIMEOUT_MS: '2000' });
  expect(await bot.exited).toBe(1);
  expect(bot.stderr).toMatch(/Could not connect to Slack: apps.connections.open kept failing for 2 s \(last: HTTP 502\)/);
});
