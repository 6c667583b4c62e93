/*
 * Scheduled posts to neutral messages: the daily post, the empty-day line, and a subscription batch
 * (the only kind of message that may carry a mention, the one the channel opted into).
 */
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { PostContent } from '../../src/scheduler/post-content.ts';
import { paperView, type CardContext } from './paper-view.ts';
import { paperListMessage } from './list.ts';

function dayLabel(localDate: string): string {
  const date = new Date(`${localDate}T12:00:00Z`);
  return date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
}

/** The presenter the scheduler is given. */
export function createPostPresenter(ctx: CardContext): (content: PostContent) => OutgoingMessage {
  return (content) => {
    switch (content.kind) {
      case 'daily':
        return paperListMessage({
          title: `Trending papers${content.topic ? ` on "${content.topic}"` : ''} for ${dayLabel(content.localDate)}`,
          views: content.entries.map((entry) => paperView(entry.paper, ctx, entry.inputs)),
        });
      case 'empty-day': {
        const text = `Nothing new for ${dayLabel(content.localDate)}: ${content.reason}`;
        return { fallbackText: text, blocks: [{ kind: 'context', text: [text] }], visibility: 'channel' };
      }
      case 'subscription': {
        const { subscription, papers, more } = content;
        const message = paperListMessage({
          title: `${papers.length} new paper${papers.length === 1 ? '' : 's'} on "${subscription.topic}"`,
          ...(more > 0 ? { note: `…and ${more} more: /papers search ${subscription.topic} sort:newest` } : {}),
          views: papers.map((paper) => paperView(paper, ctx)),
        });
        return subscription.mention ? { ...message, mention: subscription.mention } : message;
      }
    }
  };
}
