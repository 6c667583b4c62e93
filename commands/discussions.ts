import { textMessage } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { defineCommand } from './framework/command-spec.ts';
import { discussionList } from './presenters/discussion.ts';

/** `discussions`: this channel's paper threads, newest activity first, with reply counts. */
export const discussionsCommand = defineCommand({
  name: 'discussions',
  summary: "This channel's paper threads, with reply counts and last activity",
  examples: ['discussions'],
  arguments: {},
  options: {},
  permission: 'anyone',
  run: async (_args, ctx) => {
    const discussions = await ctx.stores.discussions.list(encodeRef(ctx.channel));
    if (discussions.length === 0) return textMessage('No paper threads here yet. Open one with /papers discuss <paper> or the Discuss button on a card.', 'user');
    const papers = new Map((await ctx.papers.getMany(discussions.map((d) => d.paperId))).map((paper) => [paper.id, paper]));
    const entries = discussions.map((discussion) => ({ discussion, ...(papers.has(discussion.paperId) ? { paper: papers.get(discussion.paperId)! } : {}) }));
    return discussionList(entries, ctx.clock.now());
  },
});
