import type { OutgoingMessage } from '../chat/message.ts';
import type { Paper } from '../corpus/paper.ts';
import type { TrendingEntry } from '../ranking/trending.ts';
import type { Subscription } from '../store/subscription-store.port.ts';

/** A channel's daily post: the trending papers it has not been shown. */
export interface DailyPostContent {
  kind: 'daily';
  localDate: string;
  topic?: string;
  entries: TrendingEntry[];
}

/** The one line posted instead of silence on a day with nothing new, saying why. */
export interface EmptyDayContent {
  kind: 'empty-day';
  localDate: string;
  reason: string;
}

/** New papers matching a subscription, batched per refresh. */
export interface SubscriptionPostContent {
  kind: 'subscription';
  subscription: Subscription;
  papers: Paper[];
  /** Further matches left out by the cap. */
  more: number;
}

/** What the scheduler asks to be posted; the presenter (in commands/) turns it into a message. */
export type PostContent = DailyPostContent | EmptyDayContent | SubscriptionPostContent;

/** Turns post content into a neutral message; injected so the scheduler knows nothing of presentation. */
export type PostPresenter = (content: PostContent) => OutgoingMessage;
