/* `npm start -- --once "<command>"`: runs one command, prints the reply as text or JSON, returns an exit code. */
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
