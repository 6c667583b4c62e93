import { z } from 'zod';
import { UserError } from '../src/chat/errors.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { requiredText, validate } from './framework/validators.ts';

const usage = 'unsubscribe <id | topic>';
const schema = z.object({ target: requiredText('the subscription number or its topic', '/papers unsubscribe 3') });

/** `unsubscribe`: stops a topic subscription of this channel. */
export const unsubscribeCommand = defineCommand({
  name: 'unsubscribe',
  summary: 'Stop a topic subscription of this channel',
  usage,
  examples: ['unsubscribe 3', 'unsubscribe "test-time adaptation"'],
  arguments: [{ name: 'subscription', description: 'the subscription id (#3) or its topic', kind: 'subscription', required: true }],
  options: [],
  permission: 'channel-manager',
  parse: ({ text }) => validate(schema, { target: text.replace(/^#/, '') }, usage),
  run: async (args, ctx) => {
    const target = /^\d+$/.test(args.target) ? Number(args.target) : args.target;
    const removed = await ctx.stores.subscriptions.remove(encodeRef(ctx.channel), target);
    if (!removed) {
      throw new UserError('invalid-argument', `This channel has no subscription ${typeof target === 'number' ? `#${target}` : `to "${target}"`}. See them with /papers subscriptions`);
    }
    const text = `Unsubscribed from "${removed.topic}" (#${removed.id}).`;
    return { fallbackText: text, blocks: [{ kind: 'text', text: [text] }], visibility: 'channel' };
  },
});
