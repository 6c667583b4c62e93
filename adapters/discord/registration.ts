/*
 * Registering `/papers` with Discord (a bulk overwrite of the application's commands, to one server for
 * development or globally), and the invite link with exactly the permissions the bot uses.
 */
import { PermissionFlagsBits, Routes, type REST } from 'discord.js';
import type { AnyCommandSpec } from '../../commands/framework/command-spec.ts';
import { discordCommandSchema } from './command-schema.ts';

/** Each permission the bot needs, for a reason. */
export const DISCORD_BOT_PERMISSIONS = {
  ViewChannel: 'see the channels it posts in',
  SendMessages: 'daily posts, subscription posts, paper cards',
  EmbedLinks: 'paper cards are embeds',
  CreatePublicThreads: 'a discussion thread on a paper card',
  SendMessagesInThreads: 'the thread seed and answers in it',
  ReadMessageHistory: 'start a thread from its own card',
} as const satisfies Partial<Record<keyof typeof PermissionFlagsBits, string>>;

/** The permission bits of {@link DISCORD_BOT_PERMISSIONS}. */
export function discordPermissionBits(): bigint {
  return Object.keys(DISCORD_BOT_PERMISSIONS).reduce((bits, name) => bits | PermissionFlagsBits[name as keyof typeof PermissionFlagsBits], 0n);
}

/** The link a server admin opens to add the bot with exactly those permissions and the slash command. */
export function discordInviteUrl(applicationId: string): string {
  const query = new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: discordPermissionBits().toString() });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/** Where the commands go: one server (instant, for development) or every server (global). */
export interface RegistrationTarget {
  applicationId: string;
  guildId?: string;
}

/**
 * Replaces the application's commands with `/papers` generated from the registry. Returns how many
 * subcommands Discord now has.
 */
export async function registerDiscordCommands(rest: REST, target: RegistrationTarget, registry: readonly AnyCommandSpec[]): Promise<{ subcommands: number }> {
  const route = target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
  const saved = (await rest.put(route, { body: [discordCommandSchema(registry)] })) as { options?: unknown[] }[];
  return { subcommands: saved[0]?.options?.length ?? 0 };
}
