/**
 * Registers the `/papers` slash command with Discord, generated from the command registry:
 *   npm run discord:register     → to DISCORD_GUILD_ID when set (instant), else globally (up to an hour)
 * Needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (environment or .env). Run it again after adding a command.
 */
import { REST } from 'discord.js';
import { commandRegistry } from '../../commands/registry.ts';
import { ConfigError, readConfig } from '../../src/config.ts';
import { discordInviteUrl, registerDiscordCommands } from './registration.ts';

async function main(): Promise<number> {
  if (typeof process.loadEnvFile === 'function') {
    try { process.loadEnvFile(); } catch { /* no .env file */ }
  }
  const config = readConfig();
  if (!config.discord) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID first (see README, "Connect Discord").\n');
    return 1;
  }
  const rest = new REST({ api: config.discord.apiBase }).setToken(config.discord.token);
  const { subcommands } = await registerDiscordCommands(rest, config.discord, commandRegistry);
  const where = config.discord.guildId ? `server ${config.discord.guildId} (available now)` : 'every server (global; may take up to an hour to appear)';
  process.stdout.write(`Registered /papers with ${subcommands} subcommands to ${where}.\nInvite link: ${discordInviteUrl(config.discord.applicationId)}\n`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Registration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
