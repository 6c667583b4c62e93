/*
 * The one ping a channel may opt into (a subscription's `mention:`), checked against the ids the platform
 * can actually mention, so a mention that would be dropped (or would ping everyone) is refused when it is
 * set, with what to type instead.
 */
import type { MentionTarget } from './message.ts';
import { echo } from './text.ts';

/** Which user and role ids a platform can mention (part of its capabilities). */
export interface MentionRules {
  /** The platform's name in messages: `Slack`. */
  platform: string;
  user: RegExp;
  role: RegExp;
  /** Whether `@name` names a user (the terminal, where ids are names); elsewhere only ids reach a person. */
  byName: boolean;
  /** One sentence on where to find an id, for the message when one is wrong. */
  findIds: string;
}

/** Where names are ids (the terminal, tests): any short name. */
export const NAME_MENTIONS: MentionRules = {
  platform: 'this chat',
  user: /^[\p{L}\p{N}_.-]{1,64}$/u,
  role: /^[\p{L}\p{N}_.-]{1,64}$/u,
  byName: true,
  findIds: 'Use a short name of letters, digits, ".", "_" or "-".',
};

/** Words that would ping a whole channel or server on some platform. */
const EVERYONE = /^@?(everyone|here|channel|all|group)$/i;

/** A mention target, or the problem with it (a sentence that says what to type instead). */
export type ParsedMention = { target: MentionTarget } | { problem: string };

/**
 * Reads a mention in the neutral form adapters hand over (`user:ID`, `role:ID`, or `@name` where names are
 * ids) and checks the id against `rules`.
 */
export function parseMention(text: string, rules: MentionRules = NAME_MENTIONS): ParsedMention {
  const value = text.trim();
  const usage = rules.byName ? 'mention:@name, mention:user:ID or mention:role:ID' : 'mention:user:ID or mention:role:ID';
  const bare = /^(?:(user|role):)?(.*)$/s.exec(value)!;
  if (EVERYONE.test(bare[2]!)) {
    return { problem: `Paperboy never pings a whole channel ("${value}"); mention one user or role: ${usage}.` };
  }
  const typed = /^(user|role):(.+)$/s.exec(value);
  if (typed) {
    const kind = typed[1] as MentionTarget['kind'];
    const id = typed[2]!;
    if (rules[kind].test(id)) return { target: { kind, id } };
    return { problem: `"${echo(id)}" is not a ${rules.platform} ${kind} id, so nobody would be pinged. ${rules.findIds}` };
  }
  if (value.startsWith('@') && rules.byName) {
    const name = value.slice(1);
    if (rules.user.test(name)) return { target: { kind: 'user', id: name } };
  }
  if (value.startsWith('@')) {
    return { problem: `On ${rules.platform} a mention needs an id, not a name ("${echo(value)}"): ${usage}. ${rules.findIds}` };
  }
  return { problem: `"${echo(value)}" is not someone to mention; use ${usage}.` };
}
