import type { ReplicaReport } from '../../src/replicas/replica-presence.ts';
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
import type { z } from 'zod';
import type { Capabilities } from '../../src/chat/platform.port.ts';

/** Where a value is checked: the names its messages use, and what the platform it came from accepts. */
export interface ValueContext {
  /** The command's name (`search`). */
  command: string;
  /** The argument's or option's name (`since`). */
  name: string;
  /** What the platform the command came from can do (which ids it can mention); absent outside a chat (`--once`). */
  platform?: Capabilities;
}

/** What every argument and option declares: help, the usage line and Discord are generated from it. */
interface ValueSpec<T> {
  description: string;
  /** A value to type, shown in help and in error messages (`7d`, `2501.12948`). */
  example: string;
  /** How the value looks in the usage line (`N`, `HH:MM`); the choices, else the example, when absent. */
  placeholder?: string;
  /** The fixed values allowed, when there are few (also offered as Discord choices). */
  choices?: readonly string[];
  /** Text used when the value is not given, validated like typed text (the value is then always there). */
  default?: string;
  /** Checks and converts the typed text; every message says what to type instead. */
  schema(at: ValueContext): z.ZodType<T, string>;
}

/**
 * A word or phrase a command takes by position (`search <query>`). `word` arguments take one word each,
 * in any order, a word going to the first one that {@link ArgumentSpec.accepts} it (`daily on 09:00
 * UTC`); a `rest` argument (at most one per command) takes the words the others leave (`cite <paper>
 * [bibtex|markdown]`: the format is taken from the end).
 */
export interface ArgumentSpec<T = unknown> extends ValueSpec<T> {
  /**
   * For platforms with typed options (Discord) and suggestions: `text`: free words; `query`: search words
   * (titles offered as they are typed); `paper`: names a paper (autocompleted from the index);
   * `subscription`: one of the channel's subscriptions; `time-zone`: an IANA zone; `flag`: a yes/no that,
   * when yes, is the word `name` itself (`weekdays`).
   */
  kind: 'text' | 'query' | 'paper' | 'subscription' | 'time-zone' | 'flag';
  takes: 'word' | 'rest';
  required?: boolean;
  /** Whether a word is meant for this `word` argument, by its shape (default: one of `choices`, else any word). */
  accepts?(word: string): boolean;
}

/** A `key:value` option (`since:7d`). */
export interface OptionSpec<T = unknown> extends ValueSpec<T> {
  /** What the value is, for platforms with typed options (Discord); text when absent. */
  type?: 'text' | 'integer' | 'mention';
  /** The range of an integer option (Discord enforces it as the value is typed). */
  min?: number;
  max?: number;
}

/** A command's arguments by name, in order. */
export type ArgumentSpecs = Readonly<Record<string, ArgumentSpec<any>>>;
/** A command's options by name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec<any>>>;

type ValueOf<S> = S extends { schema(at: ValueContext): z.ZodType<infer T, any> } ? T : never;
type Given<S> = S extends { required: true } | { default: string } ? ValueOf<S> : ValueOf<S> | undefined;

/** The checked values a command runs with: each argument and option by name (absent ones undefined). */
export type CommandArgs<A extends ArgumentSpecs, O extends OptionSpecs> = { -readonly [K in keyof A]: Given<A[K]> } & {
  -readonly [K in keyof O]: Given<O[K]>;
};

/** Who may run a command. */
export type Permission = 'anyone' | 'channel-manager';

/** Facts about the running bot that `status` reports. */
export interface BotStatus {
  startedAt: Date;
  version: string;
  /** Sources switched on by configuration. */
  sources: string[];
  /** What each chat connection is doing now (Discord's shards, Slack's installed workspaces), a line each. */
  connections?: () => Promise<string[]>;
  /** With replicas on one database: this one, the live ones and who holds each lease. */
  replicas?: () => Promise<ReplicaReport>;
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
  /** What the platform the command came from can do; absent outside a chat (`--once`). */
  platform?: Capabilities;
  /** The line as typed after the command name. */
  typed: TypedLine;
}

/** The services of {@link CommandContext}: what every command gets besides who, where and what was typed. */
export type CommandServices = Omit<CommandContext, 'actor' | 'channel' | 'thread' | 'platform' | 'typed'>;

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

/** The command line as typed after the command name, parsed: to build the same command again (a More button). */
export interface TypedLine {
  words: readonly string[];
  options: Readonly<Record<string, string>>;
}

/**
 * One command. Each argument and option is declared once, with its validator: the dispatcher checks what
 * was typed against them (and refuses anything undeclared), and help, the usage line, the Slack manifest
 * and the Discord schema are generated from them.
 */
export interface CommandSpec<A extends ArgumentSpecs = ArgumentSpecs, O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** A note after the usage line (`inside a paper's thread`). */
  usageNote?: string;
  examples: readonly string[];
  /** The positional arguments in order (Discord offers each as an option). */
  arguments: A;
  options: O;
  /** Channel managers only (changing channel settings), or anyone; may depend on the arguments (`daily on` vs `daily`). */
  permission: Permission | ((args: CommandArgs<A, O>) => Permission);
  /** Runs with checked values; throws a `UserError` for a mistake that needs more than one value to see. */
  run(args: CommandArgs<A, O>, ctx: CommandContext): OutgoingMessage | CommandOutput | Promise<OutgoingMessage | CommandOutput>;
}

/** A command of the registry, whatever its arguments. */
export type AnyCommandSpec = Omit<CommandSpec, 'permission' | 'run'> & {
  permission: Permission | ((args: any) => Permission);
  run(args: any, ctx: CommandContext): OutgoingMessage | CommandOutput | Promise<OutgoingMessage | CommandOutput>;
};

/** Declares a command with the types of its values inferred from its arguments and options. */
export function defineCommand<const A extends ArgumentSpecs, const O extends OptionSpecs>(spec: CommandSpec<A, O>): CommandSpec<A, O> {
  return spec;
}
