import type { Clock } from '../../src/clock.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { ActorRef, ChannelRef, ThreadRef } from '../../src/chat/refs.ts';
import type { Papers } from '../../src/library/papers.ts';
import type { DailySettings } from '../../src/store/channel-settings.port.ts';
import type { Stores } from '../../src/store/store.ts';
import type { Logger } from '../../src/logger.ts';
import type { FullTextLibrary } from '../../src/fulltext/full-text-library.ts';
import type { PaperWriter } from '../../src/llm/paper-writer.ts';
import type { ActionCodec } from './actions.ts';

/** A `key:value` option a command accepts. */
export interface OptionSpec {
  name: string;
  description: string;
  /** An example value, shown in help (`since:7d`). */
  example: string;
  /** Allowed values, when the option is a choice (also offered as Discord choices). */
  choices?: readonly string[];
  /** What the value is, for platforms with typed options (Discord); text when absent. */
  type?: 'text' | 'integer' | 'mention';
}

/**
 * A word or phrase a command takes by position (`search <query>`), described so platforms with typed
 * options (Discord) can offer it as a field. The text platforms do not need it: they pass the line.
 */
export interface ArgumentSpec {
  /** A short lowercase name (`query`, `paper`). */
  name: string;
  description: string;
  /**
   * `text`: free words; `query`: search words (titles offered as they are typed); `paper`: names a paper
   * (offered with autocomplete from the index); `subscription`: one of the channel's subscriptions (offered
   * from them); `time-zone`: an IANA zone (autocompleted); `flag`: a yes/no that, when yes, adds the word
   * `name` itself (`weekdays`).
   */
  kind: 'text' | 'query' | 'paper' | 'subscription' | 'time-zone' | 'flag';
  required?: boolean;
  /** The fixed words allowed here, when there are few (`today|week|month`). */
  choices?: readonly string[];
}

/** Who may run a command. */
export type Permission = 'anyone' | 'channel-manager';

/** What a command receives: its free text (quoted phrases kept) and its options, before validation. */
export interface CommandInput {
  /** The words after the command name, joined by single spaces. */
  text: string;
  /** The words one by one (a quoted phrase is one word). */
  words: string[];
  options: Record<string, string>;
}

/** Facts about the running bot that `status` reports. */
export interface BotStatus {
  startedAt: Date;
  version: string;
  /** Sources switched on by configuration. */
  sources: string[];
}

/** The scheduler as commands see it: what the next daily post would hold, and when jobs run next. */
export interface ScheduleView {
  previewDaily(channel: string, daily: DailySettings): Promise<{ message: OutgoingMessage; at: Date }>;
  nextRuns(): Promise<{ name: string; at: Date | undefined }[]>;
}

/** Everything a handler may use. Handlers return results; they never call a platform. */
export interface CommandContext {
  /** The papers: search, lookup, related, trending. */
  papers: Papers;
  clock: Clock;
  log: Logger;
  actions: ActionCodec;
  status: BotStatus;
  stores: Omit<Stores, 'close'>;
  schedule: ScheduleView;
  /** The time zone a daily post uses when none is given. */
  defaultTimeZone: string;
  /** Papers' full texts (arXiv's HTML), cached in the database. */
  fullText: FullTextLibrary;
  /** The language model that writes answers and summaries from retrieved passages; absent unless configured. */
  writer?: PaperWriter;
  actor: ActorRef;
  channel: ChannelRef;
  thread?: ThreadRef;
}

/** A discussion thread a command asks to open: the reply is posted as its card, then the seed inside it. */
export interface DiscussionIntent {
  paperId: string;
  title: string;
  seed: OutgoingMessage[];
}

/** What a handler may return besides a plain reply. */
export interface CommandOutput {
  reply: OutgoingMessage;
  /** Open a paper's discussion thread from the reply (`discuss`). */
  discussion?: DiscussionIntent;
  /** The thread the person is now in (an existing discussion), for adapters that follow it (the terminal). */
  thread?: { ref: ThreadRef; title: string };
}

/** What a command produced: the reply, and whether it was a success, the user's mistake, or our failure. */
export interface CommandResult extends CommandOutput {
  outcome: 'ok' | 'user-error' | 'failed';
}

/**
 * One command: its help (generated from these fields), its arguments, who may run it, and its handler.
 * `parse` turns raw input into typed arguments or throws a `UserError` that says what to type instead.
 */
export interface CommandSpec<Args = unknown> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The syntax, without the `/papers` prefix: `search <query> [since:7d]`. */
  usage: string;
  examples: readonly string[];
  /** The positional arguments in order, typed (Discord builds its options from these and `options`). */
  arguments: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  /** Channel managers only (changing channel settings), or anyone; may depend on the arguments (`daily on` vs `daily`). */
  permission: Permission | ((args: Args) => Permission);
  parse(input: CommandInput): Args;
  run(args: Args, ctx: CommandContext): OutgoingMessage | CommandOutput | Promise<OutgoingMessage | CommandOutput>;
}

/** Declares a command with its argument type inferred (the registry holds them as `CommandSpec<any>`). */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec<Args> {
  return spec;
}
