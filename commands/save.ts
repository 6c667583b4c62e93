import { z } from 'zod';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperReference, resolvePaper, validate } from './framework/validators.ts';

const usage = 'save <paper>';
const schema = z.object({ paper: paperReference('save') });

/** `save`: adds a paper to the channel's reading list (what the Save button does). */
export const saveCommand = defineCommand({
  name: 'save',
  summary: "Add a paper to this channel's reading list (the Save button)",
  usage,
  examples: ['save 2501.12948'],
  arguments: [{ name: 'paper', description: 'the paper to add to the reading list: arXiv id, URL or title words', kind: 'paper', required: true }],
  options: [],
  permission: 'anyone',
  parse: ({ text }) => validate(schema, { paper: text }, usage),
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
    return { fallbackText: text, blocks: [{ kind: 'text', text: [text] }], visibility: added ? 'channel' : 'user' };
  },
});
