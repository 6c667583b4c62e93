/** A paper's discussion thread in a channel (filled in by the discussion feature). */
export interface Discussion {
  channel: string;
  paperId: string;
  /** Encoded thread ref. */
  thread: string;
  openedBy: string;
  createdAt: string;
  replyCount: number;
  lastActivityAt: string;
}

/** Discussion threads; one per (channel, paper). */
export interface DiscussionStore {
  /** Returns the existing discussion instead when the channel already has one for the paper. */
  open(discussion: Discussion): Promise<{ discussion: Discussion; created: boolean }>;
  get(channel: string, paperId: string): Promise<Discussion | undefined>;
  byThread(thread: string): Promise<Discussion | undefined>;
  recordReply(thread: string, at: Date): Promise<void>;
  /** Newest activity first. */
  list(channel: string): Promise<Discussion[]>;
}
