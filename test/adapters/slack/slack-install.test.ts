import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS_KEPT_MS } from '../../../src/workspaces/workspace-installs.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack/fake-slack.ts';
import { mentionEvent, slackDriver } from '../../fakes/slack/slack-driver.ts';
import { slackBotOn } from '../../helpers/slack-bot.ts';

const SECRET = '8f742231b10e8888abcd00aaa85a5aa0';
const OAUTH = { clientId: '1234.5678', clientSecret: 'c0ffee00c0ffee00c0ffee00', stateSecret: 'a-long-random-state-secret' };
const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
});

/** The Slack adapter in its many-workspace mode (no bot token; installs through its own pages) against a fake Slack. */
async function distributedBot() {
  const fake: FakeSlack = await startFakeSlack({ users: { UADMIN1: { is_admin: true }, UADMIN2: { is_admin: true } } });
  running.push({ stop: () => fake.close() });
  const { adapter, bot, stores, library } = await slackBotOn(fake, { config: { mode: 'http', signingSecret: SECRET, oauth: OAUTH, processBeforeResponse: true } });
  const { port } = await adapter.start();
  running.push({ stop: () => adapter.stop() });
  const base = `http://127.0.0.1:${port ?? 0}`;
  /**
   * Installs the app in `teamId` as a person would: the install page, Slack's consent (faked), the redirect back.
   * With `org`, an org-wide install in that Enterprise Grid organisation.
   */
  async function install(teamId: string, botToken: string, org?: string): Promise<string> {
    const page = await fetch(`${base}/slack/install`);
    const html = await page.text();
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const addToSlack = new URL(/<a href="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'));
    expect(html).toContain('Add to Slack');
    expect(addToSlack.searchParams.get('client_id')).toBe(OAUTH.clientId);
    expect(addToSlack.searchParams.get('scope')).toContain('chat:write');
    const code = `code-${teamId}-${Math.random()}`;
    fake.addInstall(code, { teamId, botToken, ...(org ? { enterpriseId: org, isEnterpriseInstall: true } : {}) });
    const back = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=${addToSlack.searchParams.get('state')}`, { headers: { cookie } });
    return `${back.status} ${await back.text()}`;
  }
  const driverFor = (teamId: string) => slackDriver(`${base}/slack/events`, SECRET, { teamId, responseUrl: () => fake.responseUrl() });
  return { fake, bot, stores, library, install, driverFor };
}

/** The bearer token of each post to a channel. */
const postsTo = (fake: FakeSlack, channel: string): (string | undefined)[] =>
  fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel && c.status === 200).map((c) => c.bearer);

describe('Slack installed in many workspaces (OAuth, real Bolt against a fake Slack)', () => {
  it('installs two workspaces through its pages; each is served with its own token; an uninstall stops one, a reinstall restores it', async () => {
    const { fake, bot, stores, library, install, driverFor } = await distributedBot();
    expect(await install('T1', 'xoxb-team-one')).toMatch(/^200 /);
    expect(await install('T2', 'xoxb-team-two')).toMatch(/^200 /);
    expect(fake.calls.filter((c) => c.method === 'oauth.v2.access').map((c) => c.error)).toEqual([undefined, undefined]);
    expect(await stores.installations.countInstalled('slack')).toBe(2);
    const one = driverFor('T1');
    const two = driverFor('T2');

    // A command in each workspace: admins are looked up, and papers are discussed, with that workspace's token.
    expect(((await one.command({ text: 'daily on 10:00 UTC top:3', channel_id: 'C1', user_id: 'UADMIN1' })).json as { text: string }).text).toMatch(/^Daily post on/);
    expect(((await two.command({ text: 'daily on 10:00 UTC top:2', channel_id: 'C2', user_id: 'UADMIN2' })).json as { text: string }).text).toMatch(/^Daily post on/);
    expect(fake.calls.filter((c) => c.method === 'users.info').map((c) => [c.args.user, c.bearer])).toEqual([['UADMIN1', 'xoxb-team-one'], ['UADMIN2', 'xoxb-team-two']]);
    await one.command({ text: 'discuss monge gap', channel_id: 'C1' });
    await two.command({ text: 'discuss monge gap', channel_id: 'C2' });
    expect(postsTo(fake, 'C1')).toEqual(['xoxb-team-one', 'xoxb-team-one']); // the card and its thread's first message
    expect(postsTo(fake, 'C2')).toEqual(['xoxb-team-two', 'xoxb-team-two']);
    // A question in workspace two's thread is answered there with its token.
    const card = fake.messages.find((m) => m.channel === 'C2' && !m.thread_ts)!;
    await two.event(mentionEvent({ user: 'U0002', channel: 'C2', text: 'what regularizer do they introduce?', threadTs: card.ts }));
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === card.ts && c.status === 200).map((c) => c.bearer))
      .toEqual(['xoxb-team-two', 'xoxb-team-two']);

    // The daily post of each, with its own token.
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    expect(postsTo(fake, 'C1')).toHaveLength(3);
    expect(postsTo(fake, 'C2')).toHaveLength(4); // card, thread's first message, the answer, the daily post
    expect(postsTo(fake, 'C1')[2]).toBe('xoxb-team-one');
    expect(postsTo(fake, 'C2')[3]).toBe('xoxb-team-two');

    // Workspace one removes the app: its daily post stops, the other's goes on.
    fake.revokeToken('xoxb-team-one');
    expect((await one.event({ type: 'app_uninstalled' })).status).toBe(200);
    expect((await stores.channels.get('slack:T1/C1'))?.disabled?.reason).toBe('app_uninstalled');
    await bot.jobs.runUntil(new Date('2025-01-27T10:30:00Z'));
    expect(postsTo(fake, 'C1')).toHaveLength(3);
    expect(postsTo(fake, 'C2')).toHaveLength(7);
    expect(fake.calls.filter((c) => c.bearer === 'xoxb-team-one' && c.error === 'token_revoked')).toEqual([]);

    // Reinstalled within 30 days: the daily post comes back as it was set (10:00, top 3).
    expect(await install('T1', 'xoxb-team-one-again')).toMatch(/^200 /);
    expect(await stores.channels.get('slack:T1/C1')).toMatchObject({ daily: { time: '10:00', top: 3 } });
    expect((await stores.channels.get('slack:T1/C1'))?.disabled).toBeUndefined();
    await bot.jobs.runUntil(new Date('2025-01-28T10:30:00Z'));
    expect(postsTo(fake, 'C1').slice(3)).toEqual(['xoxb-team-one-again']);
    expect(postsTo(fake, 'C2')).toHaveLength(8);
    expect(library.clock.now().toISOString()).toBe('2025-01-28T10:30:00.000Z');
  });

  it('serves an org-wide install: every workspace of the organisation with the organisation\'s token', async () => {
    const { fake, bot, stores, install, driverFor } = await distributedBot();
    expect(await install('T5', 'xoxb-org', 'E1')).toMatch(/^200 /);
    expect(await stores.installations.get('slack', 'E1')).toMatchObject({ workspace: 'E1' });
    const inOrg = { enterprise_id: 'E1', is_enterprise_install: 'true' };
    const five = driverFor('T5');
    const six = driverFor('T6');
    expect(((await five.command({ text: 'daily on 10:00 UTC', channel_id: 'C5', user_id: 'UADMIN1', ...inOrg })).json as { text: string }).text).toMatch(/^Daily post on/);
    expect(((await six.command({ text: 'daily on 10:00 UTC', channel_id: 'C6', user_id: 'UADMIN2', ...inOrg })).json as { text: string }).text).toMatch(/^Daily post on/);
    expect((await stores.channels.listDaily()).map((c) => c.channel)).toEqual(['slack:E1/C5', 'slack:E1/C6']);
    await bot.jobs.runUntil(new Date('2025-01-24T10:30:00Z'));
    expect([...postsTo(fake, 'C5'), ...postsTo(fake, 'C6')]).toEqual(['xoxb-org', 'xoxb-org']);
  });

  it('stops on revoked bot tokens too, and purges what an uninstalled workspace kept after 30 days', async () => {
    const { fake, bot, stores, install, driverFor } = await distributedBot();
    await install('T1', 'xoxb-team-one');
    const one = driverFor('T1');
    await one.command({ text: 'daily on 10:00 UTC', channel_id: 'C1', user_id: 'UADMIN1' });
    await one.command({ text: 'subscribe diffusion', channel_id: 'C7', user_id: 'UADMIN1' });
    await one.event({ type: 'tokens_revoked', tokens: { bot: ['UBOT'] } });
    expect((await stores.channels.listDisabled()).map((c) => [c.channel, c.disabled?.reason])).toEqual([['slack:T1/C1', 'app_uninstalled'], ['slack:T1/C7', 'app_uninstalled']]);
    await bot.jobs.runUntil(new Date(Date.parse('2025-01-24T09:00:00Z') + SETTINGS_KEPT_MS + 60_000));
    expect(await stores.channels.get('slack:T1/C1')).toBeUndefined();
    expect(await stores.subscriptions.all()).toEqual([]);
    expect(await stores.installations.get('slack', 'T1')).toBeUndefined();
    expect(postsTo(fake, 'C1')).toEqual([]);
    // Installed again after the purge: a fresh start, nothing to restore.
    expect(await install('T1', 'xoxb-team-one-new')).toMatch(/^200 /);
    expect(await stores.channels.listDaily()).toEqual([]);
  });
});
