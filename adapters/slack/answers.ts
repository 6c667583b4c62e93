/*
 * How a command's or a button's result reaches the person: in the acknowledgement when it is ready in time (no extra
 * request), else through the response URL, at most two messages; a longer output (a huge BibTeX, a reading list)
 * is attached to the channel as a file, or, where only the person should see it, cut with a note. An
 * acknowledgement that fails (a Socket Mode connection closing under it) falls back to the response URL, so the
 * answer is not lost.
 */
import type { webApi } from '@slack/bolt';
import type { CommandResult } from '../../commands/framework/command-spec.ts';
import type { Logger } from '../../src/logger.ts';
import { fitReply } from '../long-output.ts';
import { mapSlackError } from './platform.ts';
import { renderSlackMessages } from './render.ts';

/** Where one answer goes. */
export interface AnswerRoute {
  /** Bolt's `respond`: posts to the response URL. */
  respond: (message: Record<string, unknown>) => Promise<unknown>;
  /** The conversation, for a file. */
  channelId: string;
  /** The client of the request's workspace (Bolt's, authorized with its token), for a file. */
  client: webApi.WebClient;
  /** Bolt's `ack`, when the answer may travel in it (a slash command not yet acknowledged). */
  ack?: (message: Record<string, unknown>) => Promise<void>;
}

/** Sends results on Slack. */
export function createAnswerer(log: Logger): (result: CommandResult, route: AnswerRoute) => Promise<void> {
  return async function answer(result, route) {
    const reply = result.reply;
    const ephemeral = reply.visibility === 'user';
    const responseType = ephemeral ? 'ephemeral' : 'in_channel';
    // Files cannot be private on Slack: a long private answer is cut instead.
    const { parts, file } = fitReply(reply, renderSlackMessages, !ephemeral);
    for (const [index, part] of parts.entries()) {
      const body = { response_type: responseType, text: part.text, blocks: part.blocks };
      if (index === 0 && route.ack) {
        try {
          await route.ack(body);
          continue;
        } catch (error) {
          // The acknowledgement could not carry it (the socket is closing): the response URL still can.
          log.warn({ error: String(error) }, 'could not answer in the acknowledgement; answering through the response URL');
        }
      }
      await route.respond({ ...body, replace_original: false });
    }
    if (!file) return;
    try {
      await route.client.filesUploadV2({ channel_id: route.channelId, file: Buffer.from(file.text, 'utf8'), filename: file.name, title: file.name });
    } catch (error) {
      const reason = (mapSlackError(error) as Error).message;
      log.warn({ channel: route.channelId, file: file.name, reason }, 'could not attach a long answer as a file');
      const text = `The full text could not be attached here (${reason}). Invite @paperboy to this channel and try again.`;
      await route.respond({ response_type: 'ephemeral', replace_original: false, text, blocks: [] });
    }
  };
}
