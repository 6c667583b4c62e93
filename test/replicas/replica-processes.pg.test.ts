/*
 * Replicas as real processes: three `main.ts` processes (as `npm run dev` runs it) on one PostgreSQL schema,
 * each on Slack in HTTP mode against one fake Slack on 127.0.0.1.
 * - 1,000 channels with a daily post due (two minutes ago, so each replica's start makes it): one replica is
 *   killed with SIGKILL mid-fan-out; the other two take its posts over once its heartbeat lapses, and the fake
 *   counts exactly 1,000 posts, no channel twice.
 * - One source (a fake Hugging Face on 127.0.0.1) polled every minute: fetched once at the start and once in
 *   the next minute's run, not once per replica.
 * - Papers imported beside one replica are found by a search on another within 10 s (NOTIFY, not the poll).
 * - A question in a discussion thread, sent to two replicas (Slack's retry reaching another one), is answered once.
 * Nothing here waits for a wall-clock schedule except the source's next minute.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPostgresStores } from '../../src/store/postgres/postgres-store.ts';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/fake-slack.ts';
import { mentionEvent, slackDriver } from '../fakes/slack/slack-driver.ts';
import { FakeSourcesServer } from '../fakes/fake-sources-server.ts';
import { startMain, type MainProcess } from '../helpers/main-process.ts';
import { npmScript } from '../helpers/npm-script.ts';
import { postsPerChannel } from '../helpers/posts-per-channel.ts';
import { dropRunSchemas, freshSchema, queryTestDatabase, testDatabaseUrl } from '../store/postgres-test-database.ts';

const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const LEASE_SECONDS = 10;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(dropRunSchemas);

/** A schema of its own, created, and `TEST_DATABASE_URL` pointing at it (as a user puts a schema in DATABASE_URL). */
async function database(): Promise<{ schema: string; url: string }> {
  const schema = freshSchema();
  await queryTestDatabase(`CREATE SCHEMA ${schema}`);
  const url = new URL(testDatabaseUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: url.toString() };
}

/** One replica: main.ts on Slack (HTTP mode) against the fake, on the shared database, with a data directory of its own. */
function startReplica(id: string, databaseUrl: string, slack: FakeSlack, env: Record<string, string> = {}): MainProcess {
  const dir = mkdtempSync(join(tmpdir(), `paperboy-${id}-`));
  const replica = startMain([], {
    DATA_DIR: dir, DATABASE_URL: databaseUrl, REPLICA_ID: id, REPLICA_LEASE_SECONDS: String(LEASE_SECONDS), CHAT_REQUEST_TIMEOUT_MS: '4000',
    SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_PORT: '0', SLACK_HOST: '127.0.0.1',
    SLACK_API_URL: slack.apiUrl, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'UBOT', ...env,
  });
  cleanup.push(async () => {
    if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGKILL');
    await replica.exited;
    rmSync(dir, { recursive: true, force: true });
  });
  return replica;
}

/** Resolves with what `probe` returns once it returns something, checking every 200 ms; rejects after `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The port a replica's Slack receiver listens on, from its log lines on stdout. */
async function slackPort(replica: MainProcess): Promise<number> {
  return eventually('the Slack receiver to listen', () => {
    const line = replica.stdout.split('\n').find((l) => l.includes('"msg":"slack adapter listening"'));
    return line ? (JSON.parse(line) as { port: number }).port : undefined;
  }, 60_000);
}

async function stopCleanly(replicas: readonly MainProcess[]): Promise<void> {
  for (const replica of replicas) replica.child.kill('SIGTERM');
  expect(await Promise.all(replicas.map((replica) => replica.exited))).toEqual(replicas.map(() => 0));
}

describe('three replicas as real processes on one PostgreSQL', () => {
  it('post the daily post of 1,000 channels exactly once, though one of them is killed with SIGKILL mid-fan-out', { timeout: 300_000 }, async () => {
    const CHANNELS = 1000;
    const channels = Array.from({ length: CHANNELS }, (_, i) => `C${String(i).padStart(7, '0')}`);
    const slack = await startFakeSlack();
    cleanup.push(() => slack.close());
    const { schema, url } = await database();
    const stores = await openPostgresStores(url);
    const due = new Date(Date.now() - 2 * 60_000);
    const time = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
    for (const channel of channels) {
      await stores.channels.setDaily(`slack:${channel}`, { time, timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'slack:U1', new Date(Date.now() - 3_600_000));
    }
    await stores.close();

    const replicas = ['replica-1', 'replica-2', 'replica-3'].map((id) => startReplica(id, url, slack));
    await slack.waitFor((s) => s.messages.length >= 150, 120_000);
    // Kill the replica with the most posts still to make (all of them if it started first and claimed every one).
    const owners = await queryTestDatabase<{ owner: string; open: string }>(
      `SELECT owner, count(*) AS open FROM "${schema}".deliveries WHERE status IN ('claimed', 'sending', 'retrying') GROUP BY owner ORDER BY count(*) DESC`,
    );
    const victimId = owners[0]!.owner;
    const victim = replicas[Number(victimId.slice(-1)) - 1]!;
    const victimOpen = (await queryTestDatabase<{ key: string }>(
      `SELECT key FROM "${schema}".deliveries WHERE owner = $1 AND status IN ('claimed', 'sending', 'retrying')`, [victimId],
    )).map((row) => row.key);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const postedBeforeKill = slack.messages.length;
    expect(Number(owners[0]!.open)).toBeGreaterThan(0);
    expect(postedBeforeKill).toBeLessThan(CHANNELS);

    await eventually('every delivery to be sent', async () => {
      const [row] = await queryTestDatabase<{ sent: string; open: string }>(
        `SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status <> 'sent') AS open FROM "${schema}".deliveries`,
      );
      return Number(row!.sent) === CHANNELS && Number(row!.open) === 0 ? true : undefined;
    }, 240_000);
    expect(postsPerChannel(slack.messages.map((m) => m.channel), channels)).toEqual({ 1: CHANNELS });
    expect(slack.messages).toHaveLength(CHANNELS);
    // The survivors took over what the killed one owned, and finished it.
    const [taken] = await queryTestDatabase<{ count: string }>(
      `SELECT count(*) FROM "${schema}".deliveries WHERE key = ANY($1::text[]) AND owner <> $2`, [victimOpen, victimId],
    );
    expect(Number(taken!.count)).toBeGreaterThan(0);
    const survivors = replicas.filter((replica) => replica !== victim);
    expect(survivors.some((replica) => replica.stdout.includes('took over a post a stopped replica left unfinished'))).toBe(true);
    await stopCleanly(survivors);
  });

  it('fetch a source once per scheduled run, not once per replica', { timeout: 200_000 }, async () => {
    const slack = await startFakeSlack();
    cleanup.push(() => slack.close());
    const source = await new FakeSourcesServer().start();
    cleanup.push(() => source.close());
    const { url } = await database();
    const env = { SOURCES: 'hf-daily', HF_BASE_URL: source.url, HF_SCHEDULE: '* * * * *' };
    const replicas = ['replica-1', 'replica-2', 'replica-3'].map((id) => startReplica(id, url, slack, env));
    const fetches = (): number => source.requests.filter((r) => r.path === '/api/daily_papers').length;
    const runs = (): number => replicas.reduce((sum, replica) => sum + (replica.stdout.match(/"msg":"paper source refreshed"/g)?.length ?? 0), 0);
    // Every replica's start finds the source never fetched: one of them fetches it.
    await eventually('the first refresh', () => (runs() >= 1 ? true : undefined), 120_000);
    await Promise.all(replicas.map(slackPort)); // all three are up and scheduling
    // The next minute's run: once, by whichever replica takes the lease first.
    await eventually('the next scheduled refresh', () => (runs() >= 2 ? true : undefined), 120_000);
    const fetchesPerRun = fetches() / runs();
    await stopCleanly(replicas);
    expect(runs()).toBe(2);
    expect(fetches()).toBe(2 * fetchesPerRun);
    expect(Number.isInteger(fetchesPerRun)).toBe(true);
  });

  it('find papers imported beside one replica by a search on another within 10 s', { timeout: 200_000 }, async () => {
    const slack = await startFakeSlack();
    cleanup.push(() => slack.close());
    const { url } = await database();
    const replicas = ['replica-1', 'replica-2', 'replica-3'].map((id) => startReplica(id, url, slack));
    const ports = await Promise.all(replicas.map(slackPort));
    const search = (port: number) => slackDriver(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, { responseUrl: () => slack.responseUrl() })
      .command({ text: 'search quokka marsupial' });
    expect(JSON.stringify((await search(ports[1]!)).json)).not.toContain('Quokka Transformers');

    const dir = mkdtempSync(join(tmpdir(), 'paperboy-import-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'quokka.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: '2509.01234', title: 'Quokka Transformers for Marsupial Vision', abstract: 'We teach transformers to count quokkas.' })}\n`);
    const imported = await npmScript('import', [file], { DATA_DIR: dir, DATABASE_URL: url });
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    const importedAt = Date.now();
    for (const port of [ports[1]!, ports[2]!]) {
      await eventually('the imported paper to be found', async () => (JSON.stringify((await search(port)).json).includes('Quokka Transformers') ? true : undefined), 10_000 - (Date.now() - importedAt));
    }
    await stopCleanly(replicas);
  });

  it('answer a question in a discussion thread once, whichever replicas Slack sends the event to', { timeout: 200_000 }, async () => {
    const slack = await startFakeSlack();
    cleanup.push(() => slack.close());
    const { url } = await database();
    const replicas = ['replica-1', 'replica-2', 'replica-3'].map((id) => startReplica(id, url, slack));
    const drivers = (await Promise.all(replicas.map(slackPort)))
      .map((port) => slackDriver(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, { responseUrl: () => slack.responseUrl() }));
    // The thread is opened through one replica…
    await drivers[0]!.command({ text: 'discuss monge gap' });
    const card = await slack.waitFor((s) => s.messages.find((m) => m.thread_ts === undefined));
    // …and the question reaches the two others: Slack's retry of an event may land on any replica.
    const question = mentionEvent({ user: 'U0002', channel: card.channel, text: 'what regularizer do they introduce?', threadTs: card.ts });
    const responses = await Promise.all([drivers[1]!, drivers[2]!].map((driver, retryNum) => driver.event(question, { event_id: 'Ev0QUESTION' }, retryNum > 0 ? { retryNum, retryReason: 'http_timeout' } : {})));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const answers = (): number => slack.messages.filter((m) => m.thread_ts === card.ts && m.text.startsWith('From the abstract')).length;
    await slack.waitFor(() => answers() > 0, 60_000);
    await stopCleanly(replicas);
    expect(answers()).toBe(1);
  });
});
