import { textMessage } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';

/** `subscriptions`: this channel's topic subscriptions. */
export const subscriptionsCommand = defineCommand({
  name: 'subscriptions',
  summary: "This channel's topic subscriptions",
  examples: ['subscriptions'],
  arguments: {},
  options: {},
  permission: 'anyone',
  run: async (_args, ctx) => {
    const list = await ctx.stores.subscriptions.list(encodeRef(ctx.channel));
    if (list.length === 0) return textMessage('No subscriptions here. A channel manager can add one: /papers subscribe "test-time adaptation"', 'user');
    const lines = list.map((s) =>
      [`#${s.id} "${s.topic}"`, s.minUpvotes !== undefined ? `min-upvotes:${s.minUpvotes}` : '', s.mention ? `mentions ${s.mention.kind} ${s.mention.id}` : '']
        .filter(Boolean)
        .join(' · '),
    );
    return {
      fallbackText: ['Subscriptions of this channel:', ...lines].join('\n'),
      blocks: [
        { kind: 'text', text: [{ text: 'Subscriptions of this channel', style: 'bold' }] },
        { kind: 'list', items: lines.map((line) => [line]) },
      ],
      visibility: 'user',
    };
  },
});
