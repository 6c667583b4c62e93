/*
 * Long outputs never flood a channel: a reply is at most two messages. A longer one (the BibTeX of a paper with
 * thousands of authors, a whole reading list) goes out as a file when the platform can attach one there, with a
 * short message saying so; otherwise it is cut to its first message plus a note.
 */
import type { OutgoingMessage } from '../src/chat/message.ts';
import { fileNameOf, plainText } from '../src/chat/message.ts';

/** The most messages one reply may take in a channel. */
export const MAX_REPLY_MESSAGES = 2;

/** A file to attach: its name and its text. */
export interface ReplyFile {
  name: string;
  text: string;
}

/** A reply ready to send: its rendered messages (at most {@link MAX_REPLY_MESSAGES}) and possibly a file. */
export interface FittedReply<Part> {
  parts: Part[];
  file?: ReplyFile;
}

/** The first line that says what the message is (its first heading or context line, else its fallback's first line). */
function leadOf(message: OutgoingMessage): string {
  for (const block of message.blocks) {
    if (block.kind === 'heading') return block.text;
    if (block.kind === 'context') return plainText(block.text);
  }
  return message.fallbackText.split('\n')[0] ?? '';
}

const note = (text: string): OutgoingMessage => ({ fallbackText: text, blocks: [{ kind: 'context', text: [text] }], visibility: 'channel' });

/**
 * Fits `message` into at most {@link MAX_REPLY_MESSAGES} messages of `render`. When it needs more and `canAttach`,
 * the reply is one short message and the whole `fallbackText` as a file (named by the message's `fileName`, else
 * after its lead line); when it cannot attach, the first message and a note that the rest was cut.
 */
export function fitReply<Part>(message: OutgoingMessage, render: (message: OutgoingMessage) => Part[], canAttach: boolean): FittedReply<Part> {
  const parts = render(message);
  if (parts.length <= MAX_REPLY_MESSAGES) return { parts };
  const lead = leadOf(message);
  const size = message.fallbackText.length.toLocaleString('en');
  if (canAttach) {
    const name = message.fileName ?? fileNameOf(lead, 'txt');
    const short = note(`${lead}: ${size} characters, too long for a message; attached as ${name}.`);
    return { parts: render({ ...short, visibility: message.visibility }).slice(0, 1), file: { name, text: message.fallbackText } };
  }
  const cut = note(`…cut here: the whole text is ${size} characters, more than ${MAX_REPLY_MESSAGES} messages hold.`);
  return { parts: [parts[0]!, ...render({ ...cut, visibility: message.visibility }).slice(0, 1)] };
}
