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
});
