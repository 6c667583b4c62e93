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
  /** Points a discussion at its real thread (it is opened with a placeholder, before anything is posted). */
  setThread(channel: string, paperId: string, thread: string): Promise<void>;
  /** Forgets a discussion (one whose thread could not be opened). */
  remove(channel: string, paperId: string): Promise<void>;
  byThread(thread: string): Promise<Discussion | undefined>;
  recordReply(thread: string, at: Date): Promise<void>;
  /** Newest activity first. */
  list(channel: string): Promise<Discussion[]>;
}
