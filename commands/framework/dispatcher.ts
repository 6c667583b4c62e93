import { randomBytes } from 'node:crypto';
import { UserError } from '../../src/chat/errors.ts';
import { textMessage, type Block, type OutgoingMessage } from '../../src/chat/message.ts';
import type { ActorRef, ChannelRef, ThreadMessage, ThreadRef } from '../../src/chat/refs.ts';
import { encodeRef } from '../../src/chat/refs.ts';
import { noMetrics, type CommandMetrics } from '../../src/metrics/metrics.port.ts';
import type { Capabilities } from '../../src/chat/platform.port.ts';
import { closest, parseArgs } from './args.ts';
import { checkLine } from './bind.ts';
import { echo } from '../../src/chat/text.ts';
import { cleanCommandName, cleanInput, MAX_INPUT_CHARS } from './dispatcher-input.ts';
import type { AnyCommandSpec, CommandOutput, CommandResult, CommandServices } from './command-spec.ts';
import { usageOf } from './usage.ts';
import { commandRegistry } from '../registry.ts';
import { handleThreadMessage } from './thread-message.ts';

/** A command as an adapter received it: raw text arguments, who, where, when. No platform payload. */
export interface Invocation {
  command: string;
  /** The text after the command name (Slack and the terminal); Discord adapters build it from typed options. */
  args: string;
  actor: ActorRef;
  channel: ChannelRef;
  thread?: ThreadRef;
  receivedAt: Date;
  /**
   * Asked only when a command needs a channel manager and `actor.canManageChannel` is false: a platform look-up
   * (Slack's users.info) that is made for those commands alone.
   */
  confirmManager?: () => Promise<boolean>;
}

/** A user's mistake as a message only they see: what went wrong, then the details (usage, candidates). */
export function userErrorMessage(error: UserError): OutgoingMessage {
  const blocks: Block[] = [{ kind: 'text', text: [error.message] }];
  if (error.details.length > 0) blocks.push({ kind: 'context', text: [error.details.join('\n')] });
  return { fallbackText: [error.message, ...error.details].join('\n'), blocks, visibility: 'user' };
}

/** Services every command gets, and what each platform can do (the mention ids it takes), by platform name. */
export interface DispatcherServices extends CommandServices {
  capabilitiesOf?: (platform: string) => Capabilities | undefined;
}

/**
 * The single inbound entry: finds the command, checks permission, parses and validates its arguments,
 * runs it, and turns every failure into a reply. Nothing throws out of it.
 */
export class Dispatcher {
  constructor(
    private readonly services: DispatcherServices,
    private readonly registry: readonly AnyCommandSpec[] = commandRegistry,
    private readonly metrics: CommandMetrics = noMetrics,
  ) {}

  /** Runs an invocation, counted by name and outcome and timed. */
  async dispatch(invocation: Invocation): Promise<CommandResult> {
    const finished = this.metrics.commandStarted();
    const result = await this.settle(invocation);
    finished(invocation.command, result.outcome);
    return result;
  }

  private async settle(invocation: Invocation): Promise<CommandResult> {
    try {
      const output = await this.run(invocation);
      return 'reply' in output ? { ...output, outcome: 'ok' } : { reply: output, outcome: 'ok' };
    } catch (error) {
      if (error instanceof UserError) return { reply: userErrorMessage(error), outcome: 'user-error' };
      const reply = this.apology(error, 'command failed', {
        command: invocation.command,
        channel: encodeRef(invocation.channel),
        user: `${invocation.actor.platform}:${invocation.actor.userId}`,
      });
      return { reply: { ...reply, visibility: 'user' }, outcome: 'failed' };
    }
  }

  /** Runs a typed line: `/papers search diffusion`, `papers search diffusion` or `search diffusion`. */
  dispatchLine(line: string, where: Omit<Invocation, 'command' | 'args'>): Promise<CommandResult> {
    const text = cleanInput(line).replace(/^\/?papers\b\s*/i, '');
    const space = text.search(/\s/);
    const command = space === -1 ? text : text.slice(0, space);
    return this.dispatch({ ...where, command: command || 'help', args: space === -1 ? '' : text.slice(space + 1) });
  }

  /**
   * Takes a message posted in a thread: counts it as a reply of the paper's discussion and answers it
   * when it asks the bot. Never throws; an unexpected failure is logged and answered with an apology.
   */
  async threadMessage(message: ThreadMessage): Promise<OutgoingMessage | undefined> {
    try {
      return await handleThreadMessage(message, this.services);
    } catch (error) {
      return this.apology(error, 'thread message failed', { thread: encodeRef(message.thread) });
    }
  }

  /** An unexpected failure: logged with its context under a fresh error id, answered with a short apology. */
  private apology(error: unknown, what: string, context: Record<string, unknown>): OutgoingMessage {
    const errorId = randomBytes(4).toString('hex');
    this.services.log.error(
      { errorId, ...context, error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) },
      what,
    );
    const text = `Sorry, something went wrong on our side (error id ${errorId}). Please try again in a moment.`;
    return textMessage(text);
  }

  /** Runs the command behind a pressed button, as the person who pressed it. */
  pressButton(actionId: string, where: Omit<Invocation, 'command' | 'args'>): Promise<CommandResult> {
    try {
      const action = this.services.actions.decode(actionId);
      return this.dispatch({ ...where, command: action.command, args: action.args });
    } catch (error) {
      if (error instanceof UserError) return Promise.resolve({ reply: userErrorMessage(error), outcome: 'user-error' });
      throw error;
    }
  }

  private async run(invocation: Invocation): Promise<OutgoingMessage | CommandOutput> {
    const name = cleanCommandName(invocation.command);
    const spec = this.registry.find((s) => s.name === name);
    if (!spec) {
      const suggestion = closest(name, this.registry.map((s) => s.name));
      const names = this.registry.map((s) => s.name).join(', ');
      throw new UserError(
        'unknown-command',
        suggestion
          ? `There is no command "${echo(name)}". Did you mean /papers ${suggestion}?`
          : `There is no command "${echo(name)}". Commands: ${names}. Type /papers help for more.`,
      );
    }
    if (invocation.args.length > MAX_INPUT_CHARS) {
      throw new UserError('too-long', `That is too long (${invocation.args.length.toLocaleString('en')} characters); keep it under ${MAX_INPUT_CHARS.toLocaleString('en')}.`, [`Usage: /papers ${usageOf(spec)}`]);
    }
    const parsed = parseArgs(cleanInput(invocation.args), Object.keys(spec.options));
    const platform = this.services.capabilitiesOf?.(invocation.channel.platform);
    const args = checkLine(spec, parsed, platform);
    const permission = typeof spec.permission === 'function' ? spec.permission(args) : spec.permission;
    if (permission === 'channel-manager' && !invocation.actor.canManageChannel && !(await invocation.confirmManager?.())) {
      const what = [spec.name, parsed.words[0]].filter(Boolean).join(' ');
      throw new UserError('not-allowed', `Only channel managers can use /papers ${typeof spec.permission === 'function' ? what : spec.name} here.`);
    }
    const { capabilitiesOf: _, ...services } = this.services;
    return spec.run(args, {
      ...services,
      actor: invocation.actor,
      channel: invocation.channel,
      ...(invocation.thread ? { thread: invocation.thread } : {}),
      ...(platform ? { platform } : {}),
      typed: { words: parsed.words, options: parsed.options },
    });
  }
}
