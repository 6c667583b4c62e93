import { UserError } from '../src/chat/errors.ts';
import { textMessage } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { wordsArgument } from './framework/validators.ts';

/** `unsubscribe`: stops a topic subscription of this channel. */
export const unsubscribeCommand = defineCommand({
  name: 'unsubscribe',
  summary: 'Stop a topic subscription of this channel',
  examples: ['unsubscribe 3', 'unsubscribe "test-time adaptation"'],
  arguments: {
    subscription: wordsArgument({
      kind: 'subscription', placeholder: 'id | topic', what: 'the subscription number or its topic',
      description: 'the subscription number (#3) or its topic', example: '3',
    }),
  },
  options: {},
  permission: 'channel-manager',
  run: async (args, ctx) => {
    const wanted = args.subscription.replace(/^#/, '');
    const target = /^\d+$/.test(wanted) ? Number(wanted) : wanted;
    const removed = await ctx.stores.subscriptions.remove(encodeRef(ctx.channel), target);
    if (!removed) {
      throw new UserError('invalid-argument', `This channel has no subscription ${typeof target === 'number' ? `#${target}` : `to "${target}"`}. See them with /papers subscriptions`);
    }
    return textMessage(`Unsubscribed from "${removed.topic}" (#${removed.id}).`);
  },
});
