/*
 * The Discord adapter: a discord.js client on the gateway (Guilds and Guild Messages intents only; a
 * mention of the bot carries its text without the privileged Message Content intent) that turns
 * `/papers <subcommand>` interactions, autocomplete, button presses and messages in paper threads into
 * the bot's inbound calls, and answers with rendered embeds. Interactions are answered within Discord's
 * 3 seconds: at once when the work is quick, else deferred and then edited.
 *
 * Sharding (`config.shards`): the client runs the gateway shards given (all of them, or this replica's part; a guild
 * lives on shard `(guild_id >> 22) % count`), and each interaction is answered by the shard that received it.
 * Posts of the bot's own (scheduled, subscription, thread answers) go over REST, which needs no shard at all.
 */
import {
  ApplicationCommandOptionType,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Options,
  PermissionFlagsBits,
  Status,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
} from 'discord.js';
import type { CommandResult, AnyCommandSpec } from '../../commands/framework/command-spec.ts';
import type { BotInbound, InboundContext } from '../../commands/framework/inbound.ts';
import { commandRegistry } from '../../commands/registry.ts';
import { MAX_SUGGESTIONS } from '../../commands/framework/suggest.ts';
import { graphemePrefix, singleLine, truncate } from '../../src/chat/text.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import type { ThreadRef } from '../../src/chat/refs.ts';
import type { Clock } from '../../src/clock.ts';
import type { DiscordConfig } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { withinDeadline } from '../../src/util/deadline.ts';
import { fitReply } from '../long-output.ts';
import { lineFromOptions, MAX_CHOICE_TEXT, type OptionValue } from './command-schema.ts';
import { createDiscordPlatform, DISCORD, rejectMessageRateLimits } from './platform.ts';
import { baseCustomId, renderDiscordMessages, type DiscordMessage } from './render.ts';

/** How long an interaction's work may run before it is deferred (Discord allows 3 s for the first answer). */
export const DEFER_AFTER_MS = 2000;

/** The gateway events the bot needs: servers and their channels and threads, and messages in them. */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] as const;

/** A running Discord adapter. */
export interface DiscordAdapter {
  platform: ChatPlatform;
  /** The discord.js client (tests and the benchmark watch its events). */
  client: Client;
  /** Logs in and resolves once the client is ready. */
  start(): Promise<void>;
  /** The gateway shards this process runs, with their state and the servers each holds. */
  shards(): DiscordShardState[];
  stop(): Promise<void>;
}

/** One gateway shard of this process, for `status`. */
export interface DiscordShardState {
  id: number;
  /** Of all replicas together. */
  count: number;
  /** `Ready`, `Connecting`, `Reconnecting`, `Resuming`, `Disconnected`… (discord.js's words). */
  status: string;
  /** Servers on this shard. */
  guilds: number;
}

/** What the adapter is wired to. */
export interface DiscordAdapterDeps {
  inbound: BotInbound;
  clock: Clock;
  log: Logger;
  /** The commands offered as subcommands; the whole registry unless a test narrows it. */
  registry?: readonly AnyCommandSpec[];
  /** Default {@link DEFER_AFTER_MS}; tests shorten it. */
  deferAfterMs?: number;
}

/** A rendered message as discord.js message options (camelCase mentions; no empty content). */
function messageOptions(message: DiscordMessage) {
  return {
    ...(message.content !== '' ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    allowedMentions: { parse: [], ...(message.allowed_mentions.users ? { users: message.allowed_mentions.users } : {}), ...(message.allowed_mentions.roles ? { roles: message.allowed_mentions.roles } : {}) },
  };
}

/** The same, as a reply or follow-up only the person who asked may see when `ephemeral`. */
function replyOptions(message: DiscordMessage, ephemeral: boolean) {
  return { ...messageOptions(message), ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
}

/** `<@123> what dataset?` → `what dataset?` (user and role mentions alike). */
function withoutMentions(text: string): string {
  return text.replace(/<@[!&]?\d+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** What to tell the person starting the bot when Discord refuses the login. */
function loginProblem(error: unknown): string {
  const text = `${(error as { code?: string }).code ?? ''} ${error instanceof Error ? error.message : String(error)}`;
  if (/TokenInvalid|Authentication failed|401/i.test(text)) {
    return 'Discord refused DISCORD_TOKEN. Copy the token again from the Bot page of your application (Reset Token) into .env.';
  }
  if (/disallowed intents/i.test(text)) {
    return 'Discord refused the gateway intents the bot asked for. Paperboy needs no privileged intent; check that nothing else changed them.';
  }
  return `Could not connect to Discord: ${error instanceof Error ? error.message : String(error)}`;
}

/** Creates the client and wires it to the bot. Nothing connects until `start`. */
export function createDiscordAdapter(config: DiscordConfig, deps: DiscordAdapterDeps): DiscordAdapter {
  const log = deps.log.child({ platform: DISCORD });
  const registry = deps.registry ?? commandRegistry;
  const client = new Client({
    intents: [...DISCORD_INTENTS],
    ...(config.shards === 'auto' ? { shards: 'auto' as const } : config.shards ? { shards: config.shards.ids, shardCount: config.shards.count } : {}),
    rest: {
      api: config.apiBase,
      // No hidden retries: @discordjs/rest repeats a request after a 5xx or a network error (3 times by default),
      // which for a message post may make it twice. The paced sender decides instead (the post's nonce and a look
      // at the channel settle whether it was made). Interaction answers are not repeated either: a lost one is
      // better than two.
      retries: 0,
      // A hung call is aborted, so no request is still in flight when the sender looks the post up.
      timeout: config.requestTimeoutMs,
      // A 429 on a channel's messages goes back to the paced sender, which pauses that channel alone (and counts
      // it); anything else (a global limit, interaction answers, thread creation) is queued by discord.js until
      // the limit passes, which is safe: a 429 means the request was not carried out.
      rejectOnRateLimit: rejectMessageRateLimits,
    },
    // Nothing the bot sends pings anyone unless a message lists the one id it may ping.
    allowedMentions: { parse: [] },
    // The renderer already produces Discord's JSON shapes; the default transformer re-keys every embed to snake_case.
    jsonTransformer: (json: unknown) => json,
    // The bot never reads old messages: keep none in memory (the default is 200 per channel).
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
  client.rest.setToken(config.token);
  const platform = createDiscordPlatform(client.rest, log, () => client.user?.id);

  const canManage = (userId: string, permissions: Readonly<{ has(bit: bigint): boolean }> | null): boolean =>
    config.managers.includes('*') || config.managers.includes(userId) || Boolean(permissions?.has(PermissionFlagsBits.ManageChannels));

  /** A command run inside a thread belongs to the thread's channel (its settings, its discussions). */
  const channelOf = (interaction: ChatInputCommandInteraction | ButtonInteraction | AutocompleteInteraction): string =>
    (interaction.channel?.isThread() ? interaction.channel.parentId : undefined) ?? interaction.channelId;

  const where = (interaction: ChatInputCommandInteraction | ButtonInteraction): InboundContext => ({
    actor: {
      platform: DISCORD,
      userId: interaction.user.id,
      displayName: interaction.user.globalName ?? interaction.user.username,
      canManageChannel: canManage(interaction.user.id, interaction.memberPermissions),
    },
    channel: { platform: DISCORD, channelId: channelOf(interaction) },
    ...(interaction.channel?.isThread() && interaction.channel.parentId
      ? { thread: { platform: DISCORD, channelId: interaction.channel.parentId, threadId: interaction.channel.id } }
      : {}),
    receivedAt: deps.clock.now(),
  });

  /**
   * Answers within the deadline: at once if the work is done, else deferred and edited (ephemeral results go
   * privately). At most two messages: a longer output goes as a file on the first (an interaction answer may carry
   * one, private or not).
   */
  async function answer(interaction: ChatInputCommandInteraction | ButtonInteraction, work: Promise<CommandResult>): Promise<void> {
    const quick = await withinDeadline(work, deps.deferAfterMs ?? DEFER_AFTER_MS);
    const result = quick ?? (await interaction.deferReply(), await work);
    const ephemeral = result.reply.visibility === 'user';
    const { parts, file } = fitReply(result.reply, renderDiscordMessages, true);
    const [first, ...rest] = parts;
    if (!first) return;
    const files = file ? { files: [{ attachment: Buffer.from(file.text, 'utf8'), name: file.name }] } : {};
    if (!quick && ephemeral) {
      // A deferred reply is public; a private answer replaces it.
      await interaction.deleteReply();
      await interaction.followUp({ ...replyOptions(first, true), ...files });
    } else if (!quick) {
      await interaction.editReply({ ...messageOptions(first), ...files });
    } else {
      await interaction.reply({ ...replyOptions(first, ephemeral), ...files });
    }
    for (const part of rest) await interaction.followUp(replyOptions(part, ephemeral));
  }

  /** The option values of the invoked subcommand; a mentionable arrives as `user:ID` or `role:ID`. */
  function optionValues(interaction: ChatInputCommandInteraction): Map<string, OptionValue> {
    const values = new Map<string, OptionValue>();
    const sub = interaction.options.data.find((option) => option.type === ApplicationCommandOptionType.Subcommand);
    for (const option of sub?.options ?? []) {
      if (option.value === undefined) continue;
      if (option.type === ApplicationCommandOptionType.Mentionable) {
        const isRole = option.role != null || (option.user == null && interaction.guild?.roles.cache.has(String(option.value)) === true);
        values.set(option.name, `${isRole ? 'role' : 'user'}:${String(option.value)}`);
      } else {
        values.set(option.name, option.value);
      }
    }
    return values;
  }

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const name = interaction.options.getSubcommand(false);
    const spec = registry.find((candidate) => candidate.name === name);
    const line = spec ? lineFromOptions(spec, optionValues(interaction)) : `${name ?? 'help'}`;
    await answer(interaction, deps.inbound.command(line, where(interaction)));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    await answer(interaction, deps.inbound.press(baseCustomId(interaction.customId), where(interaction)));
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const suggestions = await deps.inbound.suggest(
      interaction.options.getSubcommand(false) ?? '', focused.name, String(focused.value), { platform: DISCORD, channelId: channelOf(interaction) },
    );
    await interaction.respond(
      suggestions.slice(0, MAX_SUGGESTIONS).map((s) => ({ name: truncate(singleLine(s.label), MAX_CHOICE_TEXT) || '…', value: graphemePrefix(s.value, MAX_CHOICE_TEXT) })),
    );
  }

  /** Messages in a paper's thread: each counts as a reply; a mention of the bot is a question to answer there. */
  async function onMessage(message: Message): Promise<void> {
    if (message.author.bot || !message.channel.isThread() || !message.channel.parentId) return;
    const thread: ThreadRef = { platform: DISCORD, channelId: message.channel.parentId, threadId: message.channel.id };
    // People type @Paperboy and Discord may insert the bot's own role instead of its user: both ask the bot.
    const botRole = message.guild?.members.me?.roles.botRole;
    const addressedToBot = (client.user !== null && message.mentions.users.has(client.user.id)) || (botRole != null && message.mentions.roles.has(botRole.id));
    // The bot posts the answer itself, once per message, through the paced sender.
    await deps.inbound.threadMessage({
      thread,
      actor: { platform: DISCORD, userId: message.author.id, displayName: message.author.globalName ?? message.author.username, canManageChannel: false },
      text: withoutMentions(message.content),
      at: deps.clock.now(),
      addressedToBot,
      messageId: message.id,
    });
  }

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const handled = interaction.isChatInputCommand()
      ? onCommand(interaction)
      : interaction.isButton()
        ? onButton(interaction)
        : interaction.isAutocomplete()
          ? onAutocomplete(interaction)
          : Promise.resolve();
    handled.catch((error: unknown) => {
      log.error({ interaction: interaction.id, type: interaction.type, error: String(error) }, 'discord interaction failed');
    });
  });
  client.on(Events.MessageCreate, (message) => {
    onMessage(message).catch((error: unknown) => {
      log.error({ channel: message.channelId, error: String(error) }, 'discord thread message failed');
    });
  });
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord gateway resumed'));
  client.on(Events.Error, (error) => log.error({ error: error.message }, 'discord client error'));

  return {
    platform,
    client,
    shards() {
      const count = client.options.shardCount ?? 1;
      return [...client.ws.shards.values()].map((shard) => ({
        id: shard.id, count, status: Status[shard.status] ?? String(shard.status),
        guilds: client.guilds.cache.filter((guild) => guild.shardId === shard.id).size,
      })).sort((a, b) => a.id - b.id);
    },
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(config.token);
      } catch (error) {
        await client.destroy();
        throw new Error(loginProblem(error), { cause: error });
      }
      await ready;
      log.info({ user: client.user?.id, guilds: client.guilds.cache.size, shards: [...client.ws.shards.keys()], shardCount: client.options.shardCount }, 'discord adapter connected');
    },
    async stop() {
      await client.destroy();
    },
  };
}
