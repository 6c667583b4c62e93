import { textMessage } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperArgument, resolvePaper } from './framework/validators.ts';

/** `save`: adds a paper to the channel's reading list (what the Save button does). */
export const saveCommand = defineCommand({
  name: 'save',
  summary: "Add a paper to this channel's reading list (the Save button)",
  examples: ['save 2501.12948'],
  arguments: { paper: paperArgument('the paper to add to the reading list: arXiv id, URL or title words') },
  options: {},
  permission: 'anyone',
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'save');
    const added = await ctx.stores.saved.save({
      channel: encodeRef(ctx.channel),
      paperId: paper.id,
      savedBy: `${ctx.actor.platform}:${ctx.actor.userId}`,
      savedAt: ctx.clock.now().toISOString(),
    });
    const text = added
      ? `Saved "${paper.titleDisplay}" to this channel's reading list (${ctx.actor.displayName}). See it with /papers saved`
      : `"${paper.titleDisplay}" is already on this channel's reading list.`;
    return textMessage(text, added ? 'channel' : 'user');
  },
});
