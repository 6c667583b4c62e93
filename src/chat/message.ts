/*
 * The neutral outbound message model shared by commands and adapters. Plain, serializable data: no
 * platform types. Text is a list of spans, never markup: a renderer escapes every span for its platform,
 * so text that comes from a paper (or a user) can never become formatting, a link or a mention.
 */

/** A piece of inline text with at most one style; `url` makes it a link. */
export interface Span {
  text: string;
  style?: 'bold' | 'italic' | 'code';
  url?: string;
}

/** Inline text: a string is a plain span. */
export type Inline = string | Span;

/** A button. `actionId` is short and opaque; the adapter hands it back when the button is pressed. */
export interface Button {
  actionId: string;
  label: string;
  style?: 'primary' | 'danger';
  /** A link button opens this URL instead of sending an action. */
  url?: string;
}

/** The block kinds every renderer can express. */
export type Block =
  | { kind: 'heading'; text: string; url?: string }
  | { kind: 'text'; text: Inline[] }
  | { kind: 'fields'; fields: { label: string; value: Inline[] }[] }
  | { kind: 'list'; items: Inline[][]; ordered?: boolean }
  | { kind: 'divider' }
  | { kind: 'context'; text: Inline[] }
  | { kind: 'image'; url: string; alt: string }
  | { kind: 'actions'; buttons: Button[] };

/** Who sees a message: the whole channel, or only the user who asked. */
export type Visibility = 'channel' | 'user';

/** A user or role the channel chose to be pinged by a post (subscriptions only). */
export interface MentionTarget {
  kind: 'user' | 'role';
  /** The platform's id of the user or role (user group on Slack). */
  id: string;
}

/** One message to post. `fallbackText` is always set: notifications, plain terminals and overflow use it. */
export interface OutgoingMessage {
  fallbackText: string;
  blocks: Block[];
  visibility: Visibility;
  /**
   * The only mention a message may carry: rendered as a real ping of exactly this target. Nothing else in
   * a message can mention anyone.
   */
  mention?: MentionTarget;
  /**
   * A file name (`monge-gap.bib`) for output people copy rather than read: when the message is too long for the
   * platform's messages, adapters send `fallbackText` as a file of this name instead of a flood of messages.
   */
  fileName?: string;
}

/** The plain text of inline spans (links keep their text only). */
export function plainText(inline: readonly Inline[]): string {
  return inline.map((span) => (typeof span === 'string' ? span : span.text)).join('');
}

/** A message of plain text blocks; the fallback is the same text. */
export function textMessage(text: string, visibility: Visibility = 'channel'): OutgoingMessage {
  return { fallbackText: text, blocks: [{ kind: 'text', text: [text] }], visibility };
}

/** A file name made of some words: `Monge Gap: a regularizer` → `monge-gap-a-regularizer` (+ `extension`). */
export function fileNameOf(words: string, extension: string): string {
  const stem = words.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return `${stem || 'paperboy'}.${extension}`;
}
