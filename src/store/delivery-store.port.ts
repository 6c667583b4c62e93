/**
 * What kind of post a delivery is: scheduled (`daily`, `empty-day`, `subscription`), an answer to someone in a
 * thread (`reply`), or part of opening a discussion (`discussion`: the paper's card and the thread's first posts).
 */
export type DeliveryKind = 'daily' | 'subscription' | 'empty-day' | 'reply' | 'discussion';

/**
 * Where a delivery stands.
 * - `claimed`: recorded, not yet attempted;
 * - `sending`: an attempt is under way; if the process dies now, the next start looks the post up on the
 *   platform before sending it again;
 * - `retrying`: an attempt failed (429, 5xx, network) and another will follow, after a look-up when the
 *   failure left it open whether the post was made;
 * - `sent`: the platform accepted it (or the look-up found it);
 * - `unknown`: it could not be settled whether it was made (left by earlier versions after a crash); not resent;
 * - `skipped`: not sent on purpose (missed beyond the grace period, channel disabled).
 */
export type DeliveryStatus = 'claimed' | 'sending' | 'retrying' | 'sent' | 'unknown' | 'skipped';

/** One post the bot owes a channel, under a key that makes it exactly once. */
export interface Delivery {
  /** `daily:slack:C123:2025-01-24`, `subscription:slack:C123:<refresh id>`. */
  key: string;
  /** Encoded channel ref. */
  channel: string;
  /** Encoded thread ref, for a post that is a reply in a thread of `channel`. */
  thread?: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  /** Corpus ids of the papers in the post. */
  paperIds: string[];
  /** The message, as JSON of the neutral model, so a retry after a restart sends the same thing. */
  message: string;
  attempts: number;
  lastError?: string;
  /** The platform's id of the message made (its first part), once sent. */
  postedId?: string;
  /**
   * The replica (bot process) that claimed the delivery or took it over, and alone may send it while its
   * heartbeat lasts; absent for deliveries claimed before replicas were recorded (anyone may finish them).
   */
  owner?: string;
  createdAt: string;
  updatedAt: string;
}

/** The post log: one row per delivery key, and which papers each channel has been shown. */
export interface DeliveryStore {
  /**
   * Records a delivery before it is sent. Returns false when the key exists already (another process,
   * or an earlier run, owns it): the caller must not send. Also records its papers as shown to the
   * channel; papers already shown there are not claimed twice.
   */
  claim(delivery: Omit<Delivery, 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'postedId'>, at: Date): Promise<boolean>;
  get(key: string): Promise<Delivery | undefined>;
  setStatus(key: string, status: DeliveryStatus, at: Date, error?: string): Promise<void>;
  /** Marks a delivery `sent`, keeping the id of the message it made. Throws for a key never claimed. */
  markSent(key: string, postedId: string, at: Date): Promise<void>;
  /**
   * Starts an attempt (status `sending`, one more attempt) if the delivery is still `owner`'s (or has no
   * owner); false when another replica took it over, which must then not be sent by `owner`.
   */
  startAttempt(key: string, owner: string, at: Date): Promise<boolean>;
  /**
   * Moves an unfinished delivery from `from` (undefined: a delivery without owner) to `to`, in one statement,
   * so of replicas racing to take over one only one gets it. Returns the delivery as it is now (its status
   * says whether an attempt may have made the post), or undefined when it is finished or not `from`'s.
   */
  takeOver(key: string, from: string | undefined, to: string, at: Date): Promise<Delivery | undefined>;
  /** Deliveries left `claimed`, `sending` or `retrying` (after a restart). */
  unfinished(): Promise<Delivery[]>;
  /** Of these papers, the ones this channel has already been shown. */
  alreadyShown(channel: string, paperIds: readonly string[]): Promise<Set<string>>;
  /** The newest deliveries of a channel, newest first. */
  recent(channel: string, limit: number): Promise<Delivery[]>;
}
