import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/fake-discord.ts';
import { startMain } from '../helpers/main-process.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function get(url: string): Promise<{ status: number; body: string; type: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') ?? '' };
}

/** Asks `url` every 25 ms until `accept` likes the answer (at most `timeoutMs`); returns that answer. */
async function until(url: string, accept: (r: { status: number; body: string }) => boolean, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = await get(url);
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`${url} kept answering ${last.status} ${last.body}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await get(url);
  }
  return last;
}

it('serves /healthz, /readyz and /metrics on HEALTH_PORT; readiness follows the database and the Discord connection', async () => {
  const token = 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123';
  const fake = await startFakeDiscord({ token });
  cleanup.push(() => fake.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-health-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const bot = startMain([], {
    DATA_DIR: dataDir, HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1',
    DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_BASE: fake.apiBase,
  });
  cleanup.push(() => { if (bot.child.exitCode === null) bot.child.kill('SIGKILL'); });

  const port = await fake.waitFor(() => /on port (\d+)/.exec(bot.stderr)?.[1], 15_000);
  const base = `http://127.0.0.1:${port}`;
  expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
  expect(await until(`${base}/readyz`, (r) => r.status === 200)).toMatchObject({ status: 200, body: 'ready\n' });

  // The database file moved away under the running bot: not ready, and it says why; back in place: ready.
  const database = join(dataDir, 'paperboy.db');
  renameSync(database, `${database}.moved`);
  const down = await get(`${base}/readyz`);
  expect(down.status).toBe(503);
  expect(down.body).toMatch(/^not ready\ndatabase: .*paperboy\.db was moved or deleted while the bot was running\n$/);
  renameSync(`${database}.moved`, database);
  expect((await get(`${base}/readyz`)).status).toBe(200);

  // Discord drops the gateway and makes the bot identify again (throttled ~5 s): not ready until it is back.
  fake.dropGateway({ invalidateSession: true });
  const disconnected = await until(`${base}/readyz`, (r) => r.status === 503, 5_000);
  expect(disconnected.body).toBe('not ready\ndiscord: not connected to Discord\n');
  await until(`${base}/readyz`, (r) => r.status === 200, 15_000);

  const ref = fake.interaction.command({ subcommand: 'show', options: [{ name: 'paper', type: 3, value: 'monge gap' }] });
  await fake.waitForCallback(ref.token);
  const metrics = await get(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
  for (const family of [
    'paperboy_commands_total', 'paperboy_command_duration_seconds', 'paperboy_deliveries_total', 'paperboy_rate_limited_total',
    'paperboy_source_refreshes_total', 'paperboy_source_last_success_age_seconds', 'paperboy_corpus_papers', 'nodejs_eventloop_lag_seconds',
  ]) expect(metrics.body).toContain(`# TYPE ${family} `);
  expect(metrics.body).toContain('paperboy_commands_total{command="show",outcome="ok"} 1\n');
  expect(metrics.body).toContain('paperboy_corpus_papers 74\n');
  expect((await get(`${base}/nope`)).status).toBe(404);
  expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);

  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
}, 60_000);
