/*
 * References to places and people on a platform, as plain data with a composite string form
 * `platform:channel[:thread]` that survives storage and round-trips exactly.
 */

/** A channel (or DM) on one platform. */
export interface ChannelRef {
  platform: string;
  channelId: string;
}

/** A thread inside a channel. */
export interface ThreadRef extends ChannelRef {
  threadId: string;
}

/** The person who invoked a command. `canManageChannel` is decided by the adapter (the terminal user always can). */
export interface ActorRef {
  platform: string;
  userId: string;
  displayName: string;
  canManageChannel: boolean;
}

/** A message the bot posted, so it can be updated or threaded from later. */
export interface PostedRef extends ChannelRef {
  messageId: string;
}

const escapePart = (part: string): string => part.replace(/%/g, '%25').replace(/:/g, '%3A');
const unescapePart = (part: string): string => part.replace(/%3A/g, ':').replace(/%25/g, '%');

/** `slack:C123` or `slack:C123:1712345678.000100`. Colons inside ids are escaped. */
export function encodeRef(ref: ChannelRef | ThreadRef): string {
  const parts = [ref.platform, ref.channelId, ...('threadId' in ref ? [ref.threadId] : [])];
  return parts.map(escapePart).join(':');
}

/** The inverse of {@link encodeRef}; throws on a string that is not a ref. */
export function decodeRef(encoded: string): ChannelRef | ThreadRef {
  const parts = encoded.split(':').map(unescapePart);
  const [platform, channelId, threadId] = parts;
  if (parts.length < 2 || parts.length > 3 || !platform || !channelId) throw new Error(`not a channel ref: ${encoded}`);
  return threadId === undefined ? { platform, channelId } : { platform, channelId, threadId };
}

/** A message someone posted in a thread, as an adapter reports it. */
export interface ThreadMessage {
  thread: ThreadRef;
  actor: ActorRef;
  text: string;
  at: Date;
  /** Whether it mentions the bot (a question to it) rather than being talk between people. */
  addressedToBot: boolean;
  /**
   * The platform's id of the message (Slack `ts`, Discord message id). When given, the bot posts its answer in
   * the thread itself, once per message id; without it the answer is handed back to the adapter.
   */
  messageId?: string;
}

/**
 * A platform serving many workspaces from one deployment (Slack installed by OAuth) names a channel by its
 * workspace too, `T123/C456`, so the right workspace's credentials are used for it, and everything kept for a
 * workspace's channels can be found by {@link workspaceChannelPrefix}. A single-workspace setup uses bare ids.
 */
export function workspaceChannelId(workspace: string, channelId: string): string {
  return `${workspace}/${channelId}`;
}

/** The workspace and the platform's own channel id of a channel id; no workspace for a bare id. */
export function splitWorkspaceChannelId(channelId: string): { workspace?: string; channelId: string } {
  const slash = channelId.indexOf('/');
  return slash < 0 ? { channelId } : { workspace: channelId.slice(0, slash), channelId: channelId.slice(slash + 1) };
}

/** What every encoded channel ref of `workspace` on `platform` starts with. */
export function workspaceChannelPrefix(platform: string, workspace: string): string {
  return `${encodeRef({ platform, channelId: workspaceChannelId(workspace, '') })}`;
}
