/*
 * The `/papers` Discord slash command, generated from the command registry: one subcommand per command,
 * its positional arguments and `key:value` options as typed Discord options (choices where the values
 * are fixed, autocomplete where a value names a paper or a time zone). And the inverse: an invocation's
 * option values back to the command line the dispatcher reads, so Discord runs exactly the same parser
 * and validation as Slack and the terminal.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { commandLine } from '../../commands/framework/args.ts';
import type { AnyCommandSpec, ArgumentSpec, OptionSpec } from '../../commands/framework/command-spec.ts';
import { truncate } from '../../src/chat/text.ts';

/** The top-level command: `/papers <subcommand>`. */
export const DISCORD_COMMAND_NAME = 'papers';

/** A command's or option's description: 1–100 characters. */
export const MAX_COMMAND_DESCRIPTION = 100;
/** Options (or subcommands) of one command: at most 25. */
export const MAX_COMMAND_OPTIONS = 25;
/** Choices of one option: at most 25, each name and value 1–100 characters. */
export const MAX_OPTION_CHOICES = 25;
export const MAX_CHOICE_TEXT = 100;

/** An option value as Discord delivers it (a mention arrives already turned into `user:ID` / `role:ID`). */
export type OptionValue = string | number | boolean;

function description(text: string): string {
  return truncate(text, MAX_COMMAND_DESCRIPTION) || '…';
}

function choices(values: readonly string[] | undefined): { choices: { name: string; value: string }[] } | Record<string, never> {
  return values ? { choices: values.slice(0, MAX_OPTION_CHOICES).map((value) => ({ name: value, value })) } : {};
}

/** Argument kinds Discord offers values for as they are typed. */
const AUTOCOMPLETED: ReadonlySet<ArgumentSpec['kind']> = new Set(['paper', 'query', 'subscription', 'time-zone']);

/** A positional argument as a Discord option. */
function argumentOption([name, argument]: [string, ArgumentSpec]): APIApplicationCommandBasicOption {
  const base = { name, description: description(argument.description), required: argument.required === true };
  if (argument.kind === 'flag') return { ...base, type: ApplicationCommandOptionType.Boolean };
  const autocomplete = argument.choices === undefined && AUTOCOMPLETED.has(argument.kind);
  return { ...base, type: ApplicationCommandOptionType.String, ...(autocomplete ? { autocomplete: true } : choices(argument.choices)) };
}

/** A `key:value` option as a Discord option (never required: they are all optional in the text syntax). */
function keyValueOption([name, option]: [string, OptionSpec]): APIApplicationCommandBasicOption {
  const base = { name, description: description(`${option.description} (e.g. ${option.example})`), required: false };
  if (option.type === 'integer') {
    return { ...base, type: ApplicationCommandOptionType.Integer, ...(option.min !== undefined ? { min_value: option.min } : {}), ...(option.max !== undefined ? { max_value: option.max } : {}) };
  }
  if (option.type === 'mention') return { ...base, type: ApplicationCommandOptionType.Mentionable };
  return { ...base, type: ApplicationCommandOptionType.String, ...choices(option.choices) };
}

/** One command as a subcommand; Discord wants required options first, so they are moved ahead (stably). */
export function subcommand(spec: AnyCommandSpec): APIApplicationCommandSubcommandOption {
  const options = [...Object.entries(spec.arguments as Record<string, ArgumentSpec>).map(argumentOption), ...Object.entries(spec.options as Record<string, OptionSpec>).map(keyValueOption)];
  const ordered = [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: spec.name,
    description: description(spec.summary),
    options: ordered.slice(0, MAX_COMMAND_OPTIONS),
  };
}

/**
 * The `/papers` command for `PUT /applications/{app}/commands`. Everyone may use it: Discord grants
 * permissions per top-level command, not per subcommand, so a `default_member_permissions` here would
 * hide search from everyone. Changing a channel's settings is checked at run time instead (Manage
 * Channels, or a configured manager).
 */
export function discordCommandSchema(registry: readonly AnyCommandSpec[]): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: DISCORD_COMMAND_NAME,
    description: 'Trending ML papers: search, show, trending, discuss, daily posts, subscriptions',
    contexts: [InteractionContextType.Guild],
    options: registry.slice(0, MAX_COMMAND_OPTIONS).map(subcommand),
  };
}

/**
 * The command line a subcommand's option values stand for: positional arguments in order (a flag adds
 * its own name), then `key:value` options, each value quoted where it holds a space or a colon so it stays
 * one value. `search` with query "monge gap" and sort newest → `search "monge gap" sort:newest`.
 */
export function lineFromOptions(spec: AnyCommandSpec, values: ReadonlyMap<string, OptionValue>): string {
  const words: string[] = [];
  for (const [name, argument] of Object.entries(spec.arguments as Record<string, ArgumentSpec>)) {
    const value = values.get(name);
    if (value === undefined || value === false || value === '') continue;
    words.push(argument.kind === 'flag' ? name : String(value).trim());
  }
  const options: Record<string, string> = {};
  for (const name of Object.keys(spec.options)) {
    const value = values.get(name);
    if (value !== undefined && value !== '') options[name] = String(value);
  }
  return [spec.name, commandLine(words, options)].filter((part) => part !== '').join(' ');
}
