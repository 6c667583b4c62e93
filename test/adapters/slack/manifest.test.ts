import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackManifest } from '../../../adapters/slack/manifest.ts';
import { commandRegistry } from '../../../commands/registry.ts';

describe('the Slack app manifest', () => {
  it('is committed exactly as generated from the command registry (run npm run slack:manifest after changing commands)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(slackManifest(commandRegistry, { name: 'Paperboy', command: '/papers', socketMode: true }));
  });

  it('lists every registered command in the slash command hint, and points HTTP installs at the events URL', () => {
    const manifest = slackManifest(commandRegistry, { name: 'Paperboy', command: '/papers', socketMode: false, requestUrl: 'https://bot.example/slack/events' }) as {
      features: { slash_commands: { usage_hint: string; url: string }[] };
      settings: { interactivity: { request_url: string }; socket_mode_enabled: boolean };
    };
    const [command] = manifest.features.slash_commands;
    for (const spec of commandRegistry) expect(command!.usage_hint).toContain(spec.name);
    expect(command!.url).toBe('https://bot.example/slack/events');
    expect(manifest.settings.interactivity.request_url).toBe('https://bot.example/slack/events');
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('makes a distributed app installable in many workspaces: the OAuth redirect URL, the uninstall events, org-wide installs', () => {
    const manifest = slackManifest(commandRegistry, { name: 'Paperboy', command: '/papers', socketMode: false, requestUrl: 'https://bot.example/slack/events', distributed: true }) as {
      oauth_config: { redirect_urls: string[] };
      settings: { event_subscriptions: { bot_events: string[] }; org_deploy_enabled: boolean };
    };
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://bot.example/slack/oauth_redirect']);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_uninstalled', 'tokens_revoked']));
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    const single = slackManifest(commandRegistry, { name: 'Paperboy', command: '/papers', socketMode: false, requestUrl: 'https://bot.example/slack/events' }) as typeof manifest;
    expect(single.oauth_config.redirect_urls).toBeUndefined();
    expect(single.settings.org_deploy_enabled).toBe(false);
  });
});
