import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import type { MentionTarget } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { requiredText, validate, wholeNumber } from './framework/validators.ts';

const usage = 'subscribe <topic> [min-upvotes:N] [mention:@name|user:ID|role:ID]';
const schema = z.object({
  topic: requiredText('a topic to follow', '/papers subscribe "test-time adaptation"'),
  'min-upvotes': wholeNumber('min-upvotes', 0, 1_000_000, '10').optional(),
});

/**
 * Reads a mention target in the neutral form adapters hand over: `user:ID`, `role:ID`, or `@name` (a
 * user). Adapters translate their platform's mention tokens into this before dispatch.
 */
export function parseMention(text: string): MentionTarget {
  const typed = /^(user|role):([\w.-]{1,64})$/.exec(text);
  if (typed) return { kind: typed[1] as MentionTarget['kind'], id: typed[2]! };
  const name = /^@([\w.-]{1,64})$/.exec(text);
  if (name) return { kind: 'user', id: name[1]! };
  throw new UserError('invalid-argument', `"${text}" is not someone to mention; use mention:@name, mention:user:ID or mention:role:ID.`, [`Usage: /papers ${usage}`]);
}

/** `subscribe`: new papers on a topic are posted to this channel as they arrive. */
export const subscribeCommand = defineCommand({
  name: 'subscribe',
  summary: 'Post new papers on a topic to this channel as they arrive',
  usage,
  examples: ['subscribe "test-time adaptation"', 'subscribe diffusion min-upvotes:10 mention:role:S0123'],
  arguments: [{ name: 'topic', description: 'the search new papers must match, e.g. test-time adaptation', kind: 'text', required: true }],
  options: [
    { name: 'min-upvotes', description: 'only papers with at least this many upvotes', example: '10', type: 'integer' },
    { name: 'mention', description: 'who to ping with each post (opt-in)', example: 'role:ID', type: 'mention' },
  ],
  permission: 'channel-manager',
  parse: ({ text, options }) => {
    const args = validate(schema, { topic: text, 'min-upvotes': options['min-upvotes'] }, usage);
    return { ...args, ...(options.mention !== undefined ? { mention: parseMention(options.mention) } : {}) };
  },
  run: async (args, ctx) => {
    const { subscription, created } = await ctx.stores.subscriptions.add({
      channel: encodeRef(ctx.channel),
      topic: args.topic,
      ...(args['min-upvotes'] !== undefined ? { minUpvotes: args['min-upvotes'] } : {}),
      ...(args.mention ? { mention: args.mention } : {}),
      createdBy: `${ctx.actor.platform}:${ctx.actor.userId}`,
      createdAt: ctx.clock.now().toISOString(),
    });
    const text = created
      ? `Subscribed (#${subscription.id}): new papers on "${subscription.topic}" will be posted here${subscription.mention ? `, mentioning ${subscription.mention.kind} ${subscription.mention.id}` : ''}. Stop with /papers unsubscribe ${subscription.id}`
      : `This channel already follows "${subscription.topic}" (#${subscription.id}).`;
    return { fallbackText: text, blocks: [{ kind: 'text', text: [text] }], visibility: created ? 'channel' : 'user' };
  },
});
