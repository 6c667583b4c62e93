import { PermissionFlagsBits, PermissionsBitField, REST } from 'discord.js';
import { afterEach, expect, it } from 'vitest';
import { discordInviteUrl, registerDiscordCommands } from '../../../adapters/discord/registration.ts';
import { commandRegistry } from '../../../commands/registry.ts';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/fake-discord.ts';

let fake: FakeDiscord | undefined;
afterEach(async () => { await fake?.close(); });

it('registers /papers to one server or globally, and Discord accepts every subcommand', async () => {
  fake = await startFakeDiscord();
  const rest = new REST({ api: fake.apiBase, retries: 0, timeout: 2000 }).setToken(fake.token);
  try {
    expect(await registerDiscordCommands(rest, { applicationId: fake.appId, guildId: fake.guildId }, commandRegistry)).toEqual({ subcommands: commandRegistry.length });
    await registerDiscordCommands(rest, { applicationId: fake.appId }, commandRegistry);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
  expect(fake.validationErrors).toEqual([]);
  expect(fake.commands.map((c) => c.guildId)).toEqual([fake.guildId, undefined]);
  const paths = fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path);
  expect(paths).toEqual([`/applications/${fake.appId}/guilds/${fake.guildId}/commands`, `/applications/${fake.appId}/commands`]);
});

it('invites the bot with exactly the permissions it uses, and the commands scope', () => {
  const url = new URL(discordInviteUrl('109876543210987654'));
  expect(url.searchParams.get('client_id')).toBe('109876543210987654');
  expect(url.searchParams.get('scope')).toBe('bot applications.commands');
  const granted = new PermissionsBitField(BigInt(url.searchParams.get('permissions')!));
  expect(granted.toArray().sort()).toEqual(['CreatePublicThreads', 'EmbedLinks', 'ReadMessageHistory', 'SendMessages', 'SendMessagesInThreads', 'ViewChannel']);
  expect(granted.has(PermissionFlagsBits.Administrator)).toBe(false);
  expect(granted.has(PermissionFlagsBits.MentionEveryone)).toBe(false);
});
