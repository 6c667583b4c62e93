import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { startFakeDiscord } from '../../fakes/discord/fake-discord.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('runs on Discord from the environment alone, answers a command, and stops cleanly on SIGTERM', async () => {
  const token = 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123';
  const fake = await startFakeDiscord({ token });
  cleanup.push(() => fake.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-discord-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, SOURCES: '', LOG_LEVEL: 'info', DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_BASE: fake.apiBase },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanup.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });

  await fake.waitFor(() => /is running on Discord/.test(stderr) || undefined, 15_000);
  expect(stderr).not.toContain(token);
  const ref = fake.interaction.command({ subcommand: 'show', options: [{ name: 'paper', type: 3, value: 'monge gap' }] });
  expect(JSON.stringify((await fake.waitForCallback(ref.token)).data)).toContain('The Monge Gap');

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  // On a chat platform the logs are JSON lines on stdout, for whatever runs the process to collect.
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
  expect(lines.map((line) => line.msg)).toContain('discord adapter connected');
  expect(stdout).not.toContain(token);
  expect(existsSync(join(dataDir, 'paperboy.log'))).toBe(false);
});

it('exits with the reason when one platform refuses to start, stopping the one already listening', async () => {
  const fake = await startFakeDiscord();
  cleanup.push(() => fake.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-discord-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: {
      ...process.env, DATA_DIR: dataDir, SOURCES: '', LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef', SLACK_PORT: '0', SLACK_HOST: '127.0.0.1',
      SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT', SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DISCORD_TOKEN: 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.wrongwrongwrongwrongwrong01', DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_BASE: fake.apiBase,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  cleanup.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(code).toBe(1);
  expect(stderr).toContain('Discord refused DISCORD_TOKEN');
});
