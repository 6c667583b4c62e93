import { textMessage } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { integerOption, mentionOption, wordsArgument } from './framework/validators.ts';

/** `subscribe`: new papers on a topic are posted to this channel as they arrive. */
export const subscribeCommand = defineCommand({
  name: 'subscribe',
  summary: 'Post new papers on a topic to this channel as they arrive',
  examples: ['subscribe "test-time adaptation"', 'subscribe diffusion min-upvotes:10 mention:role:S0123'],
  arguments: {
    topic: wordsArgument({ placeholder: 'topic', what: 'a topic to follow', description: 'the words new papers must match', example: '"test-time adaptation"' }),
  },
  options: {
    'min-upvotes': integerOption({ description: 'only papers with at least this many upvotes', min: 0, max: 1_000_000, example: '10' }),
    mention: mentionOption('who to ping with each post (opt-in): one user or role'),
  },
  permission: 'channel-manager',
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
    return textMessage(text, created ? 'channel' : 'user');
  },
});
