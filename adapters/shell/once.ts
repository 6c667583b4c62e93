/* `npm start -- --once "<command>"`: runs one command, prints the reply as text or JSON, returns an exit code. */
import { parseArgs } from 'node:util';
import type { Clock } from '../../src/clock.ts';
import type { ActorRef, ChannelRef } from '../../src/chat/refs.ts';
import type { BotInbound } from '../../commands/framework/inbound.ts';
import { renderMessage } from './render.ts';

/** What one run needs. */
export interface OnceConfig {
  inbound: BotInbound;
  clock: Clock;
  line: string;
  /** Print the `OutgoingMessage` as JSON instead of text. */
  json: boolean;
  color: boolean;
  width: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  actor: ActorRef;
  channel: ChannelRef;
}

/** Exit codes: 0 done, 1 the user's mistake (message on stderr), 2 our failure. */
export async function runOnce(config: OnceConfig): Promise<number> {
  const result = await config.inbound.command(config.line, {
    actor: config.actor,
    channel: config.channel,
    receivedAt: config.clock.now(),
  });
  if (result.outcome !== 'ok') {
    config.stderr.write(`${renderMessage(result.reply, { color: false, width: config.width }).text}\n`);
    return result.outcome === 'user-error' ? 1 : 2;
  }
  config.stdout.write(
    config.json ? `${JSON.stringify(result.reply, null, 2)}\n` : `${renderMessage(result.reply, { color: config.color, width: config.width }).text}\n`,
  );
  return 0;
}

/** What `npm start` takes on its command line, shown when something else is typed. */
export const START_USAGE = [
  'Usage:',
  '  npm start                                         the bot (the terminal, or Slack/Discord when configured)',
  '  npm start -- --once "search diffusion"            run one command and exit (0 done, 1 your mistake, 2 ours)',
  '  npm start -- --once "show 2501.12948" --json      the reply as JSON',
].join('\n');

/** The command line of `npm start`, checked: the options, or a problem to print with {@link START_USAGE}. */
export function readStartArguments(argv: readonly string[]): { values: { once?: string; json: boolean } } | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { once: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } }, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const token = argv.find((arg) => arg.startsWith('-') && !['--once', '--json'].includes(arg.split('=')[0]!));
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return { problem: `npm start has no option ${token ?? 'like that'}.` };
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return { problem: '--once needs the command to run, e.g. --once "search diffusion".' };
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const word = argv.find((arg) => !arg.startsWith('-')) ?? '';
      return { problem: `"${word}" is not an option of npm start; to run one command: npm start -- --once "${argv.filter((a) => !a.startsWith('-')).join(' ')}"` };
    }
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const once = parsed.values.once ?? [];
  if (once.length > 1) return { problem: `--once is given ${once.length} times; run one command at a time.` };
  if (once[0] !== undefined && once[0].trim() === '') return { problem: '--once needs the command to run, e.g. --once "search diffusion".' };
  if (parsed.values.json && once.length === 0) return { problem: '--json goes with --once: it prints that command\'s reply as JSON.' };
  return { values: { ...(once[0] !== undefined ? { once: once[0] } : {}), json: parsed.values.json ?? false } };
}
